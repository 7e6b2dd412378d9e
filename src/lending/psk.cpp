#include "lending/psk.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/decimal.hpp"
#include "lending/irr.hpp"

namespace sdelka::lending {

using core::fail;
using core::Int128;
using core::Result;

std::optional<PskRounding> parse_psk_rounding(std::string_view text) noexcept {
  if (text == "half-up") return PskRounding::half_up;
  if (text == "truncate") return PskRounding::truncate;
  return std::nullopt;
}

std::string_view BasePeriod::name() const noexcept {
  switch (kind) {
    case Kind::day: return "day";
    case Kind::week: return "week";
    case Kind::month: return "month";
    case Kind::quarter: return "quarter";
    case Kind::half_year: return "half-year";
    case Kind::year: return "year";
    case Kind::term: return "term";
  }
  return "month";
}

std::string format_thousandths(std::int64_t v) {
  const bool negative = v < 0;
  const std::uint64_t mag = negative ? ~static_cast<std::uint64_t>(v) + 1 : static_cast<std::uint64_t>(v);
  std::string frac = std::to_string(mag % 1000);
  frac.insert(0, 3 - frac.size(), '0');
  std::string out = negative ? "-" : "";
  out += std::to_string(mag / 1000);
  out += '.';
  out += frac;
  return out;
}

std::string format_ratio(std::int64_t num, std::int64_t den, int decimals) {
  const bool negative = num < 0;
  Int128 n = negative ? -Int128{num} : Int128{num};
  Int128 scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  const Int128 scaled = core::round_div(n * scale, Int128{den}, core::Rounding::half_up);
  const auto whole = static_cast<std::int64_t>(scaled / scale);
  auto frac = static_cast<std::int64_t>(scaled % scale);
  std::string out = negative && scaled != 0 ? "-" : "";
  out += std::to_string(whole);
  if (frac != 0) {
    std::string digits = std::to_string(frac);
    digits.insert(0, static_cast<std::size_t>(decimals) - digits.size(), '0');
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    out += '.';
    out += digits;
  }
  return out;
}

std::string format_fixed(long double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*Lf", decimals, v);
  std::string out = buf;
  if (out.rfind("-0.", 0) == 0 && out.find_first_not_of("-0.") == std::string::npos) out.erase(0, 1);
  return out;
}

namespace {

using Kind = BasePeriod::Kind;

struct Standard {
  Kind kind;
  long double days;  // length in days (a month is 365/12)
  int months;        // length in calendar months, 0 for day-based intervals
  std::int64_t chbp_num, chbp_den;
};
constexpr std::array<Standard, 6> kStandard = {{
    {Kind::day, 1.0L, 0, 365, 1},
    {Kind::week, 7.0L, 0, 365, 7},
    {Kind::month, 365.0L / 12, 1, 12, 1},
    {Kind::quarter, 365.0L / 4, 3, 4, 1},
    {Kind::half_year, 365.0L / 2, 6, 2, 1},
    {Kind::year, 365.0L, 12, 1, 1},
}};

bool is_month_end(Date d) noexcept {
  return static_cast<unsigned>(d.day()) == core::days_in_month(static_cast<int>(d.year()), static_cast<unsigned>(d.month()));
}

// b is exactly m calendar months after a (a month-end date stands for any later payment day).
bool exact_months(Date a, Date b, int m) noexcept {
  if (core::add_months(a, m) == b) return true;
  return is_month_end(a) && b.day() >= a.day() && core::add_months(a, m, static_cast<unsigned>(b.day())) == b;
}

std::size_t classify(Date a, Date b) noexcept {
  const int m = core::whole_months_between(a, b);
  for (std::size_t i = 0; i < kStandard.size(); ++i) {
    if (kStandard[i].months != 0 && kStandard[i].months == m && exact_months(a, b, m)) return i;
  }
  const long double days = core::days_between(a, b);
  std::size_t best = 0;
  for (std::size_t i = 1; i < kStandard.size(); ++i) {
    if (std::fabs(days - kStandard[i].days) < std::fabs(days - kStandard[best].days)) best = i;
  }
  return best;
}

struct Term {
  std::int64_t amount;
  long double a;
  int q;
  std::int64_t e_num, e_den;
  long double e;
};

// f(i) = Σ a_k / ((1 + e_k i)(1 + i)^q_k) and its derivative, in long double.
detail::ValueSlope npv(const std::vector<Term>& terms, long double i) noexcept {
  const long double v = 1 / (1 + i);
  long double pw = 1;
  int q = 0;
  long double f = 0, df = 0;
  for (const auto& t : terms) {
    while (q < t.q) {
      pw *= v;
      ++q;
    }
    if (t.e_num == 0) {
      const long double d = t.a * pw;
      f += d;
      df -= d * t.q * v;
    } else {
      const long double denom = 1 + t.e * i;
      const long double d = t.a * pw / denom;
      f += d;
      df -= d * (t.e / denom + t.q * v);
    }
  }
  return {f, df};
}

// The sign of f at i = num / den, exactly enough (50 digits) to tell zero from non-zero.
int npv_sign_exact(const std::vector<Term>& terms, Int128 num, Int128 den) {
  using D = core::Decimal50;
  const auto to_dec = [](Int128 v) {
    // |v| < 2^126: split into two int64 halves.
    const bool neg = v < 0;
    const Int128 m = neg ? -v : v;
    const D hi = D(static_cast<std::int64_t>(m >> 62)) * D(std::int64_t{1} << 62);
    const D r = hi + D(static_cast<std::int64_t>(m & ((Int128{1} << 62) - 1)));
    return neg ? D(-r) : r;
  };
  const D i = to_dec(num) / to_dec(den);
  const D v = D(1) / (D(1) + i);
  D pw = 1, f = 0, magnitude = 0;
  int q = 0;
  for (const auto& t : terms) {
    while (q < t.q) {
      pw *= v;
      ++q;
    }
    D term = D(t.amount) * pw;
    if (t.e_num != 0) term /= D(1) + D(t.e_num) * i / D(t.e_den);
    f += term;
    magnitude += D(t.amount < 0 ? -t.amount : t.amount);
  }
  static const D tiny("1e-40");
  if (abs(f) <= magnitude * tiny) return 0;
  return f > 0 ? 1 : -1;
}

}  // namespace

Result<PskResult> compute_psk(std::span<const CashFlow> flows, PskRounding mode) {
  if (flows.size() < 2) return fail("ПСК needs at least two flows: the issue and a repayment");
  for (std::size_t k = 1; k < flows.size(); ++k) {
    if (flows[k].date < flows[k - 1].date) return fail("flows are not in date order at " + core::format_date(flows[k].date));
  }
  bool has_neg = false, has_pos = false;
  Int128 sum = 0;
  for (const auto& f : flows) {
    has_neg |= f.amount.kopecks < 0;
    has_pos |= f.amount.kopecks > 0;
    sum += f.amount.kopecks;
  }
  if (!has_neg || !has_pos) return fail("the flows have no sign change: need money received (negative) and paid (positive)");
  if (sum > std::numeric_limits<std::int64_t>::max() || sum < std::numeric_limits<std::int64_t>::min()) {
    return fail("the sum of the flows is beyond the supported range");
  }

  PskResult res;
  res.psk_money = Money{static_cast<std::int64_t>(sum)};
  const Date issue = flows.front().date;

  // Base period.
  std::vector<Date> dates;
  dates.reserve(flows.size());
  for (const auto& f : flows) {
    if (dates.empty() || dates.back() != f.date) dates.push_back(f.date);
  }
  if (dates.size() < 2) return fail("all flows are on one date");
  std::size_t base = 0;
  int base_days = 0;  // for the term base period
  if (dates.size() == 2) {
    res.base_period.kind = Kind::term;
    base_days = core::days_between(dates[0], dates[1]);
    res.base_period.term_days = base_days;
    res.chbp_num = 365;
    res.chbp_den = base_days;
  } else {
    std::array<int, kStandard.size()> count{};
    for (std::size_t k = 1; k < dates.size(); ++k) ++count[classify(dates[k - 1], dates[k])];
    const long double mean = static_cast<long double>(core::days_between(dates.front(), dates.back())) /
                             static_cast<long double>(dates.size() - 1);
    for (std::size_t i = 1; i < kStandard.size(); ++i) {
      if (count[i] > count[base] ||
          (count[i] == count[base] && std::fabs(kStandard[i].days - mean) < std::fabs(kStandard[base].days - mean))) {
        base = i;
      }
    }
    res.base_period.kind = kStandard[base].kind;
    res.chbp_num = kStandard[base].chbp_num;
    res.chbp_den = kStandard[base].chbp_den;
  }
  res.chbp = static_cast<long double>(res.chbp_num) / static_cast<long double>(res.chbp_den);

  // q_k and e_k.
  std::vector<Term> terms;
  terms.reserve(flows.size());
  res.q.reserve(flows.size());
  res.e.reserve(flows.size());
  const int base_months = res.base_period.kind == Kind::term ? 0 : kStandard[base].months;
  const int base_len_days = res.base_period.kind == Kind::term ? base_days : static_cast<int>(kStandard[base].days);
  for (const auto& f : flows) {
    Term t{f.amount.kopecks, static_cast<long double>(f.amount.kopecks), 0, 0, 1, 0};
    if (base_months > 0) {
      const int m = core::whole_months_between(issue, f.date);
      t.q = m / base_months;
      const int days = core::days_between(core::add_months(issue, t.q * base_months), f.date);
      t.e_num = std::int64_t{days} * 12;
      t.e_den = std::int64_t{365} * base_months;
    } else {
      const int days = core::days_between(issue, f.date);
      t.q = days / base_len_days;
      t.e_num = days % base_len_days;
      t.e_den = base_len_days;
    }
    t.e = static_cast<long double>(t.e_num) / static_cast<long double>(t.e_den);
    res.q.push_back(t.q);
    res.e.push_back(t.e);
    terms.push_back(t);
  }

  // The smallest positive root.
  if (sum == 0) {
    res.i = 0;
  } else {
    const int s0 = sum > 0 ? 1 : -1;
    // Sign changes in time order, amounts on one (q, e) merged.
    int changes = 0, last_sign = 0;
    Int128 at_infinity = 0;  // f(i → ∞): the flows at q = 0, e = 0
    for (std::size_t k = 0; k < terms.size();) {
      Int128 group = 0;
      std::size_t j = k;
      while (j < terms.size() && terms[j].q == terms[k].q && terms[j].e_num * terms[k].e_den == terms[k].e_num * terms[j].e_den) {
        group += terms[j].amount;
        ++j;
      }
      if (terms[k].q == 0 && terms[k].e_num == 0) at_infinity = group;
      const int sg = group > 0 ? 1 : group < 0 ? -1 : 0;
      if (sg != 0) {
        if (last_sign != 0 && sg != last_sign) ++changes;
        last_sign = sg;
      }
      k = j;
    }
    const auto fn = [&](long double i) { return npv(terms, i); };
    long double lo = 0, hi = 0, flo = static_cast<long double>(sum), guess = 0;
    bool found = false;
    if (changes == 1) {
      const int s_inf = at_infinity > 0 ? 1 : at_infinity < 0 ? -1 : 0;
      if (s_inf != 0 && s_inf != s0) {
        long double weighted = 0;
        for (const auto& t : terms) weighted += std::fabs(t.a) * (t.q + t.e);
        guess = std::fabs(flo) / weighted * 2;
        if (!(guess > 0) || !std::isfinite(guess)) guess = 0.01L;
        hi = guess;
        for (int n = 0; n < 80; ++n) {
          const long double fh = fn(hi).f;
          if ((fh > 0 ? 1 : fh < 0 ? -1 : 0) != s0) {
            found = true;
            guess = lo + (hi - lo) * (flo / (flo - fh));
            break;
          }
          lo = hi;
          flo = fh;
          hi *= 4;
        }
      }
    } else {
      for (long double x = 1e-9L; x < 1e9L; x *= 1.25L) {
        const long double fx = fn(x).f;
        if ((fx > 0 ? 1 : fx < 0 ? -1 : 0) != s0) {
          hi = x;
          found = true;
          guess = (lo + hi) / 2;
          break;
        }
        lo = x;
        flo = fx;
      }
    }
    if (!found) return fail("the ПСК equation has no positive root: the payments do not exceed the amount received");
    res.i = detail::bracketed_root(fn, lo, hi, flo, guess);
  }
  res.psk_exact = res.i * res.chbp * 100;

  // Three decimals; a value within 1e-9 (relative) of a boundary is decided exactly.
  long double scaled = res.psk_exact * 1000;
  if (mode == PskRounding::half_up) scaled += 0.5L;
  const long double fl = std::floor(scaled);
  std::int64_t result = static_cast<std::int64_t>(fl);
  const long double frac = scaled - fl;
  const long double tol = 1e-9L * std::fmax(1.0L, std::fabs(scaled));
  const int s_left = sum > 0 ? 1 : -1;
  // Is the root at or above the boundary b (in thousandths of a percent, minus ½ for half-up)?
  const auto root_at_or_above = [&](std::int64_t b) {
    // percent = b / 1000 (truncate) or (2b − 1) / 2000 (half-up); i = percent × chbp_den / (100 × chbp_num).
    Int128 num = mode == PskRounding::truncate ? Int128{b} * 2 : Int128{b} * 2 - 1;
    num *= res.chbp_den;
    const Int128 den = Int128{2000} * 100 * res.chbp_num;
    if (num <= 0) return true;
    const int sg = npv_sign_exact(terms, num, den);
    return sg == 0 || sg == s_left;
  };
  if (sum != 0) {
    if (frac < tol && !root_at_or_above(result)) --result;
    else if (1 - frac < tol && root_at_or_above(result + 1)) ++result;
  }
  res.psk_thousandths = result;
  return res;
}

}  // namespace sdelka::lending
