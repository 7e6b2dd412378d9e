#include "lending/schedule.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

#include "core/decimal.hpp"

namespace sdelka::lending {

using core::fail;
using core::Int128;
using core::Result;
using core::UInt128;

Result<Rate> parse_rate(std::string_view text) {
  const std::string shown(text);
  if (!text.empty() && text[0] == '-') return fail("rate must not be negative: '" + shown + "'");
  const auto bad = [&] { return fail("malformed rate '" + shown + "': expected percent a year like 12 or 11.5"); };
  std::size_t i = 0;
  std::int64_t whole = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    whole = whole * 10 + (text[i] - '0');
    if (whole > 1'000'000) return fail("rate over 10000 %: '" + shown + "'");
    ++i;
  }
  if (i == 0) return bad();
  std::int64_t frac = 0;
  int decimals = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (decimals == 6) return fail("rate '" + shown + "' has more than 6 decimals");
      frac = frac * 10 + (text[i] - '0');
      ++decimals;
      ++i;
    }
    if (decimals == 0) return bad();
  }
  if (i != text.size()) return bad();
  for (int d = decimals; d < 6; ++d) frac *= 10;
  const std::int64_t micro = whole * 1'000'000 + frac;
  if (micro > kMaxRateMicroPercent) return fail("rate over 10000 %: '" + shown + "'");
  return Rate{micro};
}

std::optional<Method> parse_method(std::string_view text) noexcept {
  if (text == "annuity") return Method::annuity;
  if (text == "differentiated") return Method::differentiated;
  return std::nullopt;
}
std::optional<DayCount> parse_day_count(std::string_view text) noexcept {
  if (text == "30-360") return DayCount::thirty_360;
  if (text == "actual-365") return DayCount::actual_365;
  if (text == "actual-actual") return DayCount::actual_actual;
  return std::nullopt;
}
std::optional<EarlyMode> parse_early_mode(std::string_view text) noexcept {
  if (text == "reduce-payment") return EarlyMode::reduce_payment;
  if (text == "reduce-term") return EarlyMode::reduce_term;
  return std::nullopt;
}
std::string_view to_string(Method m) noexcept { return m == Method::annuity ? "annuity" : "differentiated"; }
std::string_view to_string(DayCount d) noexcept {
  switch (d) {
    case DayCount::thirty_360: return "30-360";
    case DayCount::actual_365: return "actual-365";
    case DayCount::actual_actual: return "actual-actual";
  }
  return "30-360";
}
std::string_view to_string(EarlyMode e) noexcept {
  return e == EarlyMode::reduce_payment ? "reduce-payment" : "reduce-term";
}

Result<Money> annuity_payment(Money principal, Rate annual_rate, int months, Rounding mode) {
  if (principal.kopecks <= 0) return fail("principal must be positive");
  if (months < 1 || months > kMaxMonths) return fail("months must be between 1 and 1200");
  if (annual_rate.micro_percent < 0 || annual_rate.micro_percent > kMaxRateMicroPercent) {
    return fail("rate must be between 0 and 10000 %");
  }
  if (annual_rate.micro_percent == 0) return Money{core::round_div(principal.kopecks, months, mode)};
  using core::Decimal;
  // r = rate / 12 months / 100 % / 10^6 micro (times a constant: one decimal division fewer).
  static const Decimal kPerMicroPercentMonth = Decimal(1) / Decimal(1'200'000'000LL);
  const Decimal r = Decimal(annual_rate.micro_percent) * kPerMicroPercentMonth;
  Decimal base = r + 1;
  Decimal growth = 1;  // (1 + r)^months by squaring
  for (int e = months;;) {
    if (e & 1) growth *= base;
    e >>= 1;
    if (e == 0) break;
    base *= base;
  }
  const Decimal pmt = Decimal(principal.kopecks) * r * growth / (growth - 1);
  const auto k = core::round_to_int64(pmt, mode);
  if (!k) return fail("the payment is beyond the supported range");
  return Money{*k};
}

namespace {

constexpr std::int64_t kMicroPercentPerUnit = 100'000'000;  // 100 % × 10^6

// Exact n / d for n < 2^64 with a precomputed reciprocal: one multiplication and at most two
// corrections instead of the slow 64-bit hardware divide in the per-month loop.
class Divider {
 public:
  explicit Divider(std::uint64_t d) noexcept : d_(d), inv_(~std::uint64_t{0} / d) {}
  [[gnu::always_inline]] void divmod(std::uint64_t n, std::uint64_t& q, std::uint64_t& r) const noexcept {
    q = static_cast<std::uint64_t>((static_cast<UInt128>(n) * inv_) >> 64);
    r = n - q * d_;
    while (r >= d_) {
      ++q;
      r -= d_;
    }
  }
  std::uint64_t d() const noexcept { return d_; }

 private:
  std::uint64_t d_, inv_;
};

// balance × annual rate / 12, rounded, exactly: one whole 30/360 month (the fast path).
class MonthlyInterest {
 public:
  MonthlyInterest(Rate rate, Rounding mode) : mode_(mode), div_(1) {
    const std::int64_t den = 12 * kMicroPercentPerUnit;
    const std::int64_t g = std::gcd(rate.micro_percent, den);
    mul_ = static_cast<std::uint64_t>(rate.micro_percent / g);
    div_ = Divider(static_cast<std::uint64_t>(den / g));
  }
  // Sets `out` and returns true, or returns false when the product needs more than 64 bits (then
  // the caller uses InterestCalc).
  [[gnu::always_inline]] bool of(Money balance, Money& out) const noexcept {
    std::uint64_t n = static_cast<std::uint64_t>(balance.kopecks);
    if (mul_ != 1 && __builtin_mul_overflow(n, mul_, &n)) return false;
    std::uint64_t q, r;
    div_.divmod(n, q, r);
    const std::uint64_t rest = div_.d() - r;
    if (r > rest || (r == rest && (mode_ == Rounding::half_up || (q & 1) != 0))) ++q;
    out = Money{static_cast<std::int64_t>(q)};
    return true;
  }

 private:
  Rounding mode_;
  std::uint64_t mul_ = 0;
  Divider div_;
};

// balance × annual rate × year fraction, rounded, exactly. The year fraction is num / base with base
// 360 (30/360), 365 (actual/365) or 365·366 (actual/actual), so one divisor serves a whole schedule.
class InterestCalc {
 public:
  InterestCalc(Rate rate, DayCount dc, Rounding mode)
      : mode_(mode), div_(1) {
    base_ = dc == DayCount::thirty_360 ? 360 : dc == DayCount::actual_365 ? 365 : 365 * 366;
    const std::int64_t den = base_ * kMicroPercentPerUnit;
    const std::int64_t g = std::gcd(rate.micro_percent, den);
    mul_ = rate.micro_percent / g;
    div_ = Divider(static_cast<std::uint64_t>(den / g));
  }

  // The denominator of the year fractions: 360, 365 or 365·366.
  std::int64_t base() const noexcept { return base_; }

  // Sets `out` to the interest and returns true, or returns false when it leaves the int64 range.
  [[gnu::always_inline]] bool of(Money balance, std::int64_t num, Money& out) const noexcept {
    if (mul_ == 0 || num <= 0 || balance.kopecks <= 0) {
      out = Money{0};
      return true;
    }
    std::uint64_t p1, p2;
    if (!__builtin_mul_overflow(static_cast<std::uint64_t>(balance.kopecks), static_cast<std::uint64_t>(mul_), &p1) &&
        !__builtin_mul_overflow(p1, static_cast<std::uint64_t>(num), &p2)) {
      std::uint64_t q, r;
      div_.divmod(p2, q, r);
      const std::uint64_t rest = div_.d() - r;
      if (r > rest || (r == rest && (mode_ == Rounding::half_up || (q & 1) != 0))) ++q;
      out = Money{static_cast<std::int64_t>(q)};
      return true;
    }
    const Int128 n = static_cast<Int128>(balance.kopecks) * mul_ * num;
    const Int128 q = core::round_div(n, static_cast<Int128>(div_.d()), mode_);
    if (q > std::numeric_limits<std::int64_t>::max()) return false;
    out = Money{static_cast<std::int64_t>(q)};
    return true;
  }

 private:
  Rounding mode_;
  std::int64_t base_ = 360;
  std::int64_t mul_ = 0;
  Divider div_;
};

// The numerator of the year fraction from `from` to `to` over InterestCalc's base.
inline std::int64_t fraction_num(DayCount dc, Date from, Date to, bool whole_month) noexcept {
  if (dc == DayCount::thirty_360 && whole_month) return 30;  // a whole scheduled month (to > from by construction)
  if (to <= from) return 0;
  switch (dc) {
    case DayCount::thirty_360:
      return std::max(0, core::days360(from, to));
    case DayCount::actual_365:
      return core::days_between(from, to);
    case DayCount::actual_actual: {
      std::int64_t num = 0;
      for (Date cur = from; cur < to;) {
        const int y = static_cast<int>(cur.year());
        const Date next = std::min(to, core::make_date(y + 1, 1, 1));
        num += static_cast<std::int64_t>(core::days_between(cur, next)) * (core::is_leap_year(y) ? 365 : 366);
        cur = next;
      }
      return num;
    }
  }
  return 0;
}

std::optional<Money> to_money(Int128 v) noexcept {
  if (v > std::numeric_limits<std::int64_t>::max() || v < std::numeric_limits<std::int64_t>::min()) return std::nullopt;
  return Money{static_cast<std::int64_t>(v)};
}

struct Outcome {
  Schedule schedule;
  std::optional<Money> payoff;
};

core::Error too_large() { return core::Error{"amounts beyond the supported range"}; }

Result<Outcome> generate(const LoanTerms& t, const Calendar& cal, std::optional<Date> stop) {
  if (t.principal.kopecks <= 0) return fail("principal must be positive");
  if (t.months < 1 || t.months > kMaxMonths) return fail("months must be between 1 and 1200");
  if (t.annual_rate.micro_percent < 0 || t.annual_rate.micro_percent > kMaxRateMicroPercent) {
    return fail("rate must be between 0 and 10000 %");
  }
  if (!t.issue_date.ok()) return fail("issue date is not a valid date");
  const Date first = t.first_payment.value_or(core::add_months(t.issue_date, 1));
  if (!first.ok()) return fail("first payment date is not a valid date");
  if (first <= t.issue_date) return fail("first payment date must be after the issue date");
  if (first > core::add_months(t.issue_date, 12)) return fail("first payment date must be within 12 months of the issue date");
  if (t.grace_months < 0 || t.grace_months >= t.months) return fail("grace months must be between 0 and months - 1");
  if (t.fee_at_issue.kopecks < 0 || t.monthly_fee.kopecks < 0) return fail("fees must not be negative");
  for (std::size_t i = 0; i < t.early.size(); ++i) {
    const auto& er = t.early[i];
    const std::string when = "early repayment on " + core::format_date(er.date);
    if (!er.date.ok()) return fail("early repayment date is not a valid date");
    if (er.date <= t.issue_date) return fail(when + ": must be after the issue date");
    if (er.amount.kopecks <= 0) return fail(when + ": amount must be positive");
    if (i > 0 && er.date < t.early[i - 1].date) return fail(when + ": early repayments must be in date order");
  }
  if (stop && *stop < t.issue_date) return fail("payoff date " + core::format_date(*stop) + " is before the issue date");

  const bool thirty = t.day_count == DayCount::thirty_360;
  const InterestCalc ic(t.annual_rate, t.day_count, t.rounding);
  const unsigned pay_day = static_cast<unsigned>(first.day());
  const int n_payments = t.months;
  const int grace = t.grace_months;

  Outcome out;
  Schedule& s = out.schedule;
  if (!stop) s.rows.reserve(static_cast<std::size_t>(n_payments) + t.early.size());

  const bool first_whole = first == core::add_months(t.issue_date, 1);
  // The payment dates: k-th scheduled (unmoved) date and its moved real date.
  const auto scheduled = [&](int k) { return k == 1 ? first : core::add_months(first, k - 1, pay_day); };
  const auto accrual_end_of = [&](int k) {
    const Date sd = scheduled(k);
    return (thirty || t.business_days == BusinessDay::none) ? sd : cal.adjust(sd, t.business_days);
  };
  // Year-fraction numerators of every period (index 1..n), computed only when a level payment must
  // follow uneven periods.
  std::vector<std::int64_t> period_num;
  const auto ensure_period_nums = [&] {
    if (!period_num.empty()) return;
    period_num.resize(static_cast<std::size_t>(n_payments) + 1);
    Date prev = t.issue_date;
    for (int k = 1; k <= n_payments; ++k) {
      const Date end = accrual_end_of(k);
      period_num[static_cast<std::size_t>(k)] = fraction_num(t.day_count, prev, end, thirty && (k > 1 || first_whole));
      prev = end;
    }
  };

  Money balance = t.principal;
  Money level;  // the annuity payment, or the differentiated principal part
  // Sets `level` for amortisation over payments start_k..n of the current balance; `first_num`
  // overrides the year fraction of period start_k (a period broken by an early repayment).
  const auto set_level = [&](int start_k, std::optional<std::int64_t> first_num) -> std::optional<core::Error> {
    const int amortising = n_payments - start_k + 1;
    if (t.method == Method::differentiated || t.annual_rate.micro_percent == 0) {
      level = Money{core::round_div(balance.kopecks, std::int64_t{amortising}, t.rounding)};
      return std::nullopt;
    }
    const bool whole_months = thirty && (first_num ? *first_num == 30 : (start_k > 1 || first_whole));
    if (whole_months) {
      auto p = annuity_payment(balance, t.annual_rate, amortising, t.rounding);
      if (!p) return p.error();
      level = *p;
      return std::nullopt;
    }
    // Uneven periods: the level payment X with balance = Σ_k X · Π_{j≤k} 1 / (1 + ρ_j), ρ_j the
    // period's rate, so that only rounding is left for the last payment.
    using core::Decimal;
    ensure_period_nums();
    const Decimal per_num = Decimal(t.annual_rate.micro_percent) / Decimal(ic.base() * kMicroPercentPerUnit);
    std::vector<std::pair<std::int64_t, Decimal>> factors;  // year-fraction numerator → 1 / (1 + ρ)
    Decimal discount = 1, sum = 0;
    for (int k = start_k; k <= n_payments; ++k) {
      const std::int64_t num = (k == start_k && first_num) ? *first_num : period_num[static_cast<std::size_t>(k)];
      auto it = std::find_if(factors.begin(), factors.end(), [&](const auto& f) { return f.first == num; });
      if (it == factors.end()) {
        factors.emplace_back(num, Decimal(1) / (Decimal(1) + per_num * Decimal(num)));
        it = factors.end() - 1;
      }
      discount *= it->second;
      sum += discount;
    }
    const auto x = core::round_to_int64(Decimal(balance.kopecks) / sum, t.rounding);
    if (!x) return too_large();
    level = Money{*x};
    return std::nullopt;
  };
  if (auto e = set_level(grace + 1, std::nullopt)) return *e;
  const Money initial_level = level;

  Date anchor = t.issue_date;  // interest accrues from here
  bool anchor_whole = first_whole;  // anchor → next scheduled date is one whole month
  Date prev_real = t.issue_date;
  std::size_t next_early = 0;
  int row_n = 0;
  bool closed = false;
  std::int64_t total_interest = 0;
  std::int64_t total_fees = t.fee_at_issue.kopecks;
  std::int64_t total_paid = t.fee_at_issue.kopecks;
  std::optional<Money> first_amortising;

  // Interest from the anchor to `to`, not beyond `limit` under 30/360 (interest keeps to the
  // scheduled dates there); 0 when `to` is not after the anchor.
  const auto accrued_to = [&](Date to, Date limit) -> std::optional<Money> {
    const Date end = (thirty && limit < to) ? limit : to;
    Money m;
    if (!ic.of(balance, fraction_num(t.day_count, anchor, end, false), m)) return std::nullopt;
    return m;
  };
  const auto push = [&](Date date, Money principal, Money interest, Money fee, RowKind kind)
                        __attribute__((always_inline)) -> bool {
    std::int64_t payment;
    if (__builtin_add_overflow(principal.kopecks, interest.kopecks, &payment) ||
        __builtin_add_overflow(payment, fee.kopecks, &payment) ||
        __builtin_add_overflow(total_interest, interest.kopecks, &total_interest) ||
        __builtin_add_overflow(total_fees, fee.kopecks, &total_fees) ||
        __builtin_add_overflow(total_paid, payment, &total_paid)) {
      return false;
    }
    balance -= principal;
    s.rows.push_back(ScheduleRow{++row_n, date, Money{payment}, interest, principal, fee, balance, kind});
    return true;
  };
  // Applies early repayment `er`, accruing up to `limit` (the current period's accrual end); `next_k`
  // is the number of the next regular payment.
  const auto apply_early = [&](const EarlyRepayment& er, Date limit, int next_k) -> std::optional<core::Error> {
    const std::string when = "early repayment of " + core::format_money(er.amount) + " on " + core::format_date(er.date);
    const auto accrued = accrued_to(er.date, limit);
    if (!accrued) return too_large();
    const Int128 payoff = Int128{balance.kopecks} + accrued->kopecks;
    if (er.amount.kopecks > payoff) {
      return core::Error{when + " exceeds the payoff amount " + core::format_money(Money{static_cast<std::int64_t>(payoff)})};
    }
    if (er.amount.kopecks <= accrued->kopecks) {
      return core::Error{when + " does not exceed the interest accrued, " + core::format_money(*accrued)};
    }
    if (!push(er.date, er.amount - *accrued, *accrued, Money{0}, RowKind::early)) return too_large();
    const Date end = (thirty && limit < er.date) ? limit : er.date;
    if (end > anchor) {  // on a payment date nothing accrued and the next period stays whole
      anchor = end;
      anchor_whole = false;
    }
    if (balance.kopecks == 0) {
      closed = true;
      return std::nullopt;
    }
    if (er.mode == EarlyMode::reduce_payment) {
      if (next_k <= grace) return set_level(grace + 1, std::nullopt);
      std::optional<std::int64_t> broken;
      if (!anchor_whole) broken = fraction_num(t.day_count, anchor, limit, false);
      return set_level(next_k, broken);
    }
    return std::nullopt;
  };

  // The principal part of regular payment k with the period's interest.
  const auto principal_for = [&](int k, Money interest) __attribute__((always_inline)) {
    if (k <= grace) return Money{0};
    if (k == n_payments) return balance;
    if (t.method == Method::annuity) {
      if (Int128{level.kopecks} >= Int128{balance.kopecks} + interest.kopecks) return balance;
      return Money{std::max<std::int64_t>(0, level.kopecks - interest.kopecks)};
    }
    return std::min(level, balance);
  };

  if (thirty && t.business_days == BusinessDay::none && t.early.empty() && !stop) {
    // The common case (the defaults): whole months after the first period, dates never moved, no
    // early repayment. Same rules as the general loop below, on month numbers instead of Date values.
    const MonthlyInterest monthly(t.annual_rate, t.rounding);
    const std::int64_t fee = t.monthly_fee.kopecks;
    // principal + interest + fee stays in range while interest ≤ this (principal ≤ the loan).
    const std::int64_t interest_limit = std::numeric_limits<std::int64_t>::max() - t.principal.kopecks - fee;
    const bool annuity = t.method == Method::annuity;
    const std::int64_t lvl = level.kopecks;
    // Loop state in locals (not captured by the lambdas above) so that it stays in registers.
    std::int64_t bal = balance.kopecks, interest_sum = 0;
    int y = static_cast<int>(first.year());
    unsigned m = static_cast<unsigned>(first.month());
    std::int64_t num = fraction_num(t.day_count, t.issue_date, first, first_whole);
    int rows = 0;
    s.rows.resize(static_cast<std::size_t>(n_payments));  // written in place; cut back if repaid early
    ScheduleRow* const out_rows = s.rows.data();
    for (int k = 1; k <= n_payments; ++k) {
      const unsigned dim = core::days_in_month(y, m);
      Money interest_m;
      if ((num != 30 || !monthly.of(Money{bal}, interest_m)) && !ic.of(Money{bal}, num, interest_m)) return too_large();
      const std::int64_t interest = interest_m.kopecks;
      num = 30;
      if (interest > interest_limit || __builtin_add_overflow(interest_sum, interest, &interest_sum)) return too_large();
      std::int64_t principal;
      if (k <= grace) principal = 0;
      else if (k == n_payments || (annuity && lvl >= bal + interest)) principal = bal;
      else if (annuity) principal = std::max<std::int64_t>(0, lvl - interest);
      else principal = std::min(lvl, bal);
      bal -= principal;
      out_rows[rows] = ScheduleRow{rows + 1, core::make_date(y, m, pay_day < dim ? pay_day : dim),
                                   Money{principal + interest + fee}, Money{interest}, Money{principal}, Money{fee},
                                   Money{bal}, RowKind::regular};
      ++rows;
      if (bal == 0) break;
      if (++m > 12) {
        m = 1;
        ++y;
      }
    }
    s.rows.resize(static_cast<std::size_t>(rows));
    balance = Money{bal};
    total_interest = interest_sum;
    // Totals: the principals add up to the loan; fees are one per row.
    std::int64_t fees;
    if (__builtin_mul_overflow(fee, static_cast<std::int64_t>(rows), &fees) ||
        __builtin_add_overflow(total_fees, fees, &total_fees) ||
        __builtin_add_overflow(total_paid, t.principal.kopecks, &total_paid) ||
        __builtin_add_overflow(total_paid, total_interest, &total_paid) ||
        __builtin_add_overflow(total_paid, fees, &total_paid)) {
      return too_large();
    }
    if (static_cast<int>(s.rows.size()) > grace) first_amortising = s.rows[static_cast<std::size_t>(grace)].payment;
    closed = true;
  }

  for (int k = 1; k <= n_payments && !closed; ++k) {
    const Date sched = scheduled(k);
    Date real = sched;
    if (t.business_days != BusinessDay::none) {
      real = cal.adjust(sched, t.business_days);
      if (!cal.is_official(static_cast<int>(sched.year())) || !cal.is_official(static_cast<int>(real.year()))) {
        s.provisional_calendar = true;
      }
    }
    if (core::date_key(real) <= core::date_key(prev_real)) {
      return fail("payment " + std::to_string(k) + " moves to " + core::format_date(real) + ", not after the " +
                  (k == 1 ? "issue date" : "previous payment date") + "; use another business-day convention");
    }
    const Date accrual_end = thirty ? sched : real;

    while (next_early < t.early.size() && core::date_key(t.early[next_early].date) < core::date_key(real) &&
           !(stop && *stop <= t.early[next_early].date)) {
      if (auto e = apply_early(t.early[next_early], accrual_end, k)) return *e;
      ++next_early;
      if (closed) break;
    }
    if (closed) break;

    const bool whole = thirty && anchor_whole;
    if (stop && core::date_key(*stop) <= core::date_key(real)) {
      std::optional<Money> interest;
      if (*stop == real || (thirty && *stop >= sched)) {
        Money m;
        if (ic.of(balance, fraction_num(t.day_count, anchor, accrual_end, whole), m)) interest = m;
      } else {
        interest = accrued_to(*stop, accrual_end);
      }
      if (!interest) return too_large();
      out.payoff = balance + *interest;
      return out;
    }

    Money interest;
    if (!ic.of(balance, fraction_num(t.day_count, anchor, accrual_end, whole), interest)) return too_large();
    const Money principal = principal_for(k, interest);
    if (!push(real, principal, interest, t.monthly_fee, RowKind::regular)) return too_large();
    if (k > grace && !first_amortising) first_amortising = s.rows.back().payment;
    anchor = accrual_end;
    anchor_whole = true;
    prev_real = real;
    if (balance.kopecks == 0) closed = true;

    while (!closed && next_early < t.early.size() && core::date_key(t.early[next_early].date) == core::date_key(real)) {
      if (auto e = apply_early(t.early[next_early], accrual_end, k + 1)) return *e;
      ++next_early;
    }
  }
  if (stop) {
    out.payoff = Money{0};
    return out;
  }
  if (next_early < t.early.size()) {
    return fail("early repayment on " + core::format_date(t.early[next_early].date) + ": after the loan is repaid");
  }

  if (t.method == Method::annuity) {
    const auto p = to_money(Int128{initial_level.kopecks} + t.monthly_fee.kopecks);
    if (!p) return too_large();
    s.payment = *p;
  } else {
    s.payment = first_amortising.value_or(s.rows.front().payment);
  }
  s.total_interest = Money{total_interest};
  s.total_fees = Money{total_fees};
  s.total_paid = Money{total_paid};
  return out;
}

}  // namespace

Result<Schedule> build_schedule(const LoanTerms& terms, const Calendar& calendar) {
  auto out = generate(terms, calendar, std::nullopt);
  if (!out) return out.error();
  return std::move(out->schedule);
}

Result<Money> payoff_amount(const LoanTerms& terms, const Calendar& calendar, Date on) {
  auto out = generate(terms, calendar, on);
  if (!out) return out.error();
  return *out->payoff;
}

std::vector<CashFlow> cash_flows(const LoanTerms& terms, const Schedule& schedule) {
  std::vector<CashFlow> flows;
  flows.reserve(schedule.rows.size() + 1);
  flows.push_back(CashFlow{terms.issue_date, Money{terms.fee_at_issue.kopecks - terms.principal.kopecks}});
  for (const auto& row : schedule.rows) flows.push_back(CashFlow{row.date, row.payment});
  return flows;
}

}  // namespace sdelka::lending
