#pragma once
// Loan payment schedules: annuity and differentiated, exact to the kopeck. No I/O.
//
// Conventions (every rounding uses LoanTerms::rounding):
//  * The annuity payment is PMT at the monthly rate r = annual % / 12 / 100 when every amortising
//    period is a whole month under thirty_360 (computed in 34-digit decimal, rounded once). When the
//    periods are uneven (day-based conventions, an irregular first period, a period broken by an
//    early repayment) it is the level payment X that repays the balance exactly over the real period
//    rates ρ_k: balance = Σ_k X · Π_{j≤k} 1/(1 + ρ_j). Either way the last payment only absorbs
//    rounding (the r/12 PMT under actual days would leave a residue of its own: 50 201.76 instead of
//    41 822.00 as the last payment of a 20-year 8 % mortgage).
//  * Each period's interest = round(balance × annual rate × year fraction), computed exactly in
//    integers. Year fraction: thirty_360 — 1/12 for a whole scheduled month, days360 (30E/360) / 360
//    for an irregular or broken period; actual_365 — days / 365; actual_actual — the days in each
//    calendar year / that year's length (365 or 366).
//  * principal = payment − interest (never below zero: a first period so long that its interest
//    exceeds the payment is paid as interest only); the last payment is the remaining balance plus
//    its interest, so it absorbs every rounding residue. Rate 0: payment = principal / months.
//  * Payment k falls on the first payment date plus k−1 months (the first payment's day of month,
//    clamped to short months), then moved by the business-day convention. Under thirty_360 interest
//    keeps to the unmoved dates; under the day-based conventions it follows the real (moved) dates.
//  * Differentiated: principal part = principal / amortising months, the last takes the residue.
//  * Grace months: the first payments are interest only; the amortisation runs over the rest.
//  * Early repayment on a date: the amount first pays the interest accrued since the last payment,
//    the rest reduces the balance (on a payment date it comes after that date's regular payment).
//    reduce_payment recomputes the payment over the remaining payments; reduce_term keeps it and the
//    loan ends sooner.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.hpp"
#include "core/money.hpp"
#include "core/result.hpp"
#include "lending/calendar.hpp"
#include "lending/psk.hpp"

namespace sdelka::lending {

using core::Date;
using core::Money;
using core::Rounding;

// An annual interest rate in millionths of a percent: 12 % → 12'000'000.
struct Rate {
  std::int64_t micro_percent = 0;
  friend constexpr bool operator==(const Rate&, const Rate&) = default;
};
constexpr std::int64_t kMaxRateMicroPercent = 10'000LL * 1'000'000;  // 10 000 % a year
constexpr int kMaxMonths = 1200;

// Parses a rate in percent a year: digits, optionally '.' and 1–6 digits ("12", "11.5", "9.4822").
// Returns the rate, or an Error when malformed, negative or over 10 000 %.
core::Result<Rate> parse_rate(std::string_view text);

enum class Method { annuity, differentiated };
enum class DayCount { thirty_360, actual_365, actual_actual };
enum class EarlyMode { reduce_payment, reduce_term };

// "annuity" / "differentiated"; "30-360" / "actual-365" / "actual-actual"; "reduce-payment" /
// "reduce-term" → the value, anything else → std::nullopt.
std::optional<Method> parse_method(std::string_view text) noexcept;
std::optional<DayCount> parse_day_count(std::string_view text) noexcept;
std::optional<EarlyMode> parse_early_mode(std::string_view text) noexcept;
std::string_view to_string(Method m) noexcept;
std::string_view to_string(DayCount d) noexcept;
std::string_view to_string(EarlyMode e) noexcept;

struct EarlyRepayment {
  Date date;
  Money amount;
  EarlyMode mode = EarlyMode::reduce_term;
};

struct LoanTerms {
  Money principal;
  Rate annual_rate;
  int months = 0;                     // regular payments, 1–1200
  Date issue_date;
  std::optional<Date> first_payment;  // default: one month after issue (day clamped)
  Method method = Method::annuity;
  DayCount day_count = DayCount::thirty_360;
  Rounding rounding = Rounding::half_up;
  BusinessDay business_days = BusinessDay::none;
  int grace_months = 0;               // interest-only payments first: 0 … months − 1
  Money fee_at_issue;                 // paid by the borrower on the issue date
  Money monthly_fee;                  // added to every regular payment
  std::vector<EarlyRepayment> early;  // in date order
};

enum class RowKind { regular, early };

struct ScheduleRow {
  int n = 0;          // row number from 1
  Date date;          // the real (moved) payment date
  Money payment;      // what the borrower pays that day: principal + interest + fee
  Money interest;
  Money principal;
  Money fee;
  Money balance;      // owed after this payment
  RowKind kind = RowKind::regular;
};

struct Schedule {
  Money payment;        // the regular payment including the monthly fee: the annuity payment (after
                        // grace), or the first amortising payment of a differentiated schedule
  std::vector<ScheduleRow> rows;
  Money total_interest;
  Money total_fees;     // fee at issue + monthly fees
  Money total_paid;     // every payment of the rows + the fee at issue
  bool provisional_calendar = false;  // a date was moved using the provisional (non-official) calendar
};

// PMT at annual_rate / 12 over `months`, rounded to kopecks with `mode` (rate 0: principal / months).
// Returns the payment, or an Error when principal ≤ 0, months outside 1–1200, the rate outside
// 0–10 000 %, or the payment exceeds the int64 range.
core::Result<Money> annuity_payment(Money principal, Rate annual_rate, int months, Rounding mode);

// The full schedule. Returns it, or an Error (one line naming the field) when: principal ≤ 0; months
// outside 1–1200; rate outside 0–10 000 %; first payment not after the issue date or more than 12
// months after it; grace outside 0 … months−1; a negative fee; moved payment dates that no longer
// increase; an early repayment that is not after the issue date, out of date order, after the loan
// is repaid, not above the interest accrued on its date, or above the payoff amount; any amount
// beyond the int64 range.
core::Result<Schedule> build_schedule(const LoanTerms& terms, const Calendar& calendar);

// The amount that closes the loan on `on`, when every payment dated before `on` was made: the balance
// plus interest accrued to `on`. On a payment date this is the balance before that payment plus the
// period's interest; after the last payment it is 0; on the issue date it is the principal.
// Returns the amount, or the errors of build_schedule, or an Error when `on` is before the issue date.
core::Result<Money> payoff_amount(const LoanTerms& terms, const Calendar& calendar, Date on);

// The borrower's cash flows for ПСК: the issue (−principal + fee at issue) and every row's payment.
std::vector<CashFlow> cash_flows(const LoanTerms& terms, const Schedule& schedule);

}  // namespace sdelka::lending
