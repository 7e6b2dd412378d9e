#pragma once
// ПСК — the full cost of consumer credit (Federal Law 353-ФЗ "О потребительском кредите (займе)",
// art. 6) from dated cash flows. No I/O.
//
// ПСК = i × ЧБП × 100, where i is the smallest positive root of
//   Σ ДП_k / ((1 + e_k·i)(1 + i)^q_k) = 0,
// ДП_k the k-th flow (the amount received by the borrower negative, every payment positive),
// q_k the whole base periods from the first flow (the issue) to flow k, e_k the rest of the way to
// flow k as a fraction of a base period, ЧБП the number of base periods in a 365-day year.
//
// Choices where the law leaves room (see also README of shared/data):
//  * Base period: the standard interval met most often between consecutive payment dates. Standard
//    intervals: day, week, month, quarter, half-year, year. An interval of exactly k calendar months
//    (month ends count as equal days) is a month / quarter / half-year / year for k = 1 / 3 / 6 / 12;
//    any other interval counts as the standard interval nearest to it in length (a month is 365/12
//    days, so a payment moved by a holiday still counts as a month). A tie in frequency goes to the
//    interval nearest to the mean interval, then to the shorter one. Only two distinct dates (a
//    single repayment): the base period is the whole term and ЧБП = 365 / term in days.
//  * q_k counts calendar months from the issue date (add_months, month ends clamped) for
//    month-based periods and days for day-based ones; e_k = remaining days / (365 / ЧБП).
//  * The root is found in long double (64-bit mantissa) on the rate only; amounts enter as exact
//    integers of kopecks. When the result lies within 1e-9 of a third-decimal boundary, the side
//    of the boundary is decided exactly by evaluating the equation at the boundary in 50-digit decimal.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.hpp"
#include "core/money.hpp"
#include "core/result.hpp"

namespace sdelka::lending {

using core::Date;
using core::Money;

// One dated cash flow seen from the borrower: negative when the borrower receives money (the issue),
// positive when the borrower pays (repayments, interest, fees, insurance required by the lender).
struct CashFlow {
  Date date;
  Money amount;
};

// How ПСК is brought to three decimals (the law says three decimals, not how).
enum class PskRounding { half_up, truncate };
// "half-up" / "truncate" → the mode; anything else → std::nullopt.
std::optional<PskRounding> parse_psk_rounding(std::string_view text) noexcept;

struct BasePeriod {
  enum class Kind { day, week, month, quarter, half_year, year, term };
  Kind kind = Kind::month;
  int term_days = 0;  // the loan term, for Kind::term only
  // "day", "week", "month", "quarter", "half-year", "year", "term".
  std::string_view name() const noexcept;
};

struct PskResult {
  BasePeriod base_period;
  std::int64_t chbp_num = 0, chbp_den = 1;  // ЧБП = chbp_num / chbp_den exactly (12/1, 365/30 …)
  long double chbp = 0;                     // the same as a number
  long double i = 0;                        // the rate per base period, as a fraction
  long double psk_exact = 0;                // i × ЧБП × 100, in percent, about 18 significant digits
  std::int64_t psk_thousandths = 0;         // ПСК in 0.001 % after rounding/truncation: 12000 = 12.000 %
  Money psk_money;                          // the sum of all flows: everything paid minus what was received
  std::vector<int> q;                       // q_k for each input flow, in input order
  std::vector<long double> e;               // e_k for each input flow
};

// ПСК of the flows. The flows must be in date order (equal dates allowed); the first flow's date is
// the issue date. Returns the result, or an Error when there are fewer than two flows, the dates go
// backwards, all amounts have one sign (no sign change), the sum of all flows leaves the int64 range,
// or the equation has no positive root (then the borrower repays less than received). Flows that
// sum to exactly zero give ПСК 0.000.
core::Result<PskResult> compute_psk(std::span<const CashFlow> flows, PskRounding mode = PskRounding::half_up);

// 12000 → "12.000", -5 → "-0.005": a value in thousandths with three decimals.
std::string format_thousandths(std::int64_t v);

// num/den (den > 0) with up to `decimals` decimals rounded half-up, trailing zeros (and a bare '.')
// removed: (12,1) → "12", (365,30) → "12.1666666667" for 10 decimals.
std::string format_ratio(std::int64_t num, std::int64_t den, int decimals);

// A long double with exactly `decimals` decimals ("%.*Lf"): for the exact-value columns, not for money.
std::string format_fixed(long double v, int decimals);

}  // namespace sdelka::lending
