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

// A date unpacked once into integers.
struct Ymd {
  int y, m, d;
};
[[gnu::always_inline]] inline Ymd unpack(Date date) noexcept {
  return {static_cast<int>(date.year()), static_cast<int>(static_cast<unsigned>(date.month())),
          static_cast<int>(static_cast<unsigned>(date.day()))};
}
[[gnu::always_inline]] inline int dim(int y, int m) noexcept {
  return static_cast<int>(core::days_in_month(y, static_cast<unsigned>(m)));
}
[[gnu::always_inline]] inline bool same_day(const Ymd& a, const Ymd& b) noexcept {
  return a.y == b.y && a.m == b.m && a.d == b.d;
}
[[gnu::always_inline]] inline int key(const Ymd& a) noexcept { return (a.y * 16 + a.m) * 32 + a.d; }
// `months` calendar months after a, its day clamped to the month's length.
[[gnu::always_inline]] inline Ymd plus_months(const Ymd& a, int months) noexcept {
  const int total = a.y * 12 + a.m - 1 + months;
  const int y = total / 12;  // dates are 1900–2999: total > 0
  const int m = total - y * 12 + 1;
  return {y, m, std::min(a.d, dim(y, m))};
}

// Days from a to b (a ≤ b), from the fields when both fall in one month or in adjacent months.
[[gnu::always_inline]] inline int days_from_to(const Ymd& a, const Ymd& b) noexcept {
  if (a.y == b.y && a.m == b.m) return b.d - a.d;
  if ((a.y == b.y && b.m == a.m + 1) || (b.y == a.y + 1 && a.m == 12 && b.m == 1)) return dim(a.y, a.m) - a.d + b.d;
  return core::day_number(core::make_date(b.y, static_cast<unsigned>(b.m), static_cast<unsigned>(b.d))) -
         core::day_number(core::make_date(a.y, static_cast<unsigned>(a.m), static_cast<unsigned>(a.d)));
}

// The standard interval an interval from a to b counts as. Exactly k calendar months (1, 3, 6, 12):
// b is a plus k months, or a is its month's last day and b is the same or a later day k months on.
std::size_t classify(const Ymd& a, const Ymd& b) noexcept {
  const int months = (b.y - a.y) * 12 + (b.m - a.m);
  if (months == 1 || months == 3 || months == 6 || months == 12) {
    if (b.d == std::min(a.d, dim(b.y, b.m)) || (a.d == dim(a.y, a.m) && b.d >= a.d)) {
      for (std::size_t i = 2; i < kStandard.size(); ++i) {
        if (kStandard[i].months == months) return i;
      }
    }
  }
  // The nearest standard length, in twelfths of a day: 12, 84, 365, 1095, 2190, 4380; the midpoints
  // between neighbours decide (a tie goes to the shorter).
  const long twelfths = 12L * days_from_to(a, b);
  if (twelfths <= (12 + 84) / 2) return 0;
  if (twelfths * 2 <= 84 + 365) return 1;
  if (twelfths <= (365 + 1095) / 2) return 2;
  if (twelfths * 2 <= 1095 + 2190) return 3;
  if (twelfths * 2 <= 2190 + 4380) return 4;
  return 5;
}

struct Term {
  std::int64_t amount;
  std::int64_t e_num;  // e = e_num / e_den, e_den common to all flows
  int q;
  std::uint32_t slot;  // index of e among the distinct e values (slot 0: e = 0)
};

// Distinct e values are few (a monthly schedule moved by holidays has a handful): an evaluation
// divides once per distinct value, not once per flow.
constexpr std::size_t kMaxSlots = 64;

struct Flows {
  std::vector<Term> terms;
  std::vector<long double> slot_e;  // the distinct e values
  bool slotted = true;              // every term's slot indexes slot_e
  long double e_scale = 0;          // 1 / e_den, for terms without a slot
};

// f(i) = Σ a_k / ((1 + e_k i)(1 + i)^q_k) and its derivative, in long double.
detail::ValueSlope npv(const Flows& fl, long double i) noexcept {
  const long double v = 1 / (1 + i);
  std::array<long double, kMaxSlots> inv, einv;  // 1 / (1 + e i) and e / (1 + e i) per distinct e
  if (fl.slotted) {
    for (std::size_t j = 0; j < fl.slot_e.size(); ++j) {
      inv[j] = 1 / (1 + fl.slot_e[j] * i);
      einv[j] = fl.slot_e[j] * inv[j];
    }
  }
  long double pw = 1, qv = 0;  // (1 + i)^-q and q·v for the current q
  int q = 0;
  long double f = 0, df = 0;
  for (const auto& t : fl.terms) {
    while (q < t.q) {
      pw *= v;
      qv += v;
      ++q;
    }
    long double in, ein;
    if (fl.slotted) {
      in = inv[t.slot];
      ein = einv[t.slot];
    } else {
      const long double e = static_cast<long double>(t.e_num) * fl.e_scale;
      in = 1 / (1 + e * i);
      ein = e * in;
    }
    const long double d = static_cast<long double>(t.amount) * pw * in;
    f += d;
    df -= d * (ein + qv);
  }
  return {f, df};
}

// The sign of f at i = num / den, exactly enough (50 digits) to tell zero from non-zero.
int npv_sign_exact(const std::vector<Term>& terms, std::int64_t e_den, Int128 num, Int128 den) {
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
    if (t.e_num != 0) term /= D(1) + D(t.e_num) * i / D(e_den);
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
    if (core::date_key(flows[k].date) < core::date_key(flows[k - 1].date)) {
      return fail("flows are not in date order at " + core::format_date(flows[k].date));
    }
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

  // Base period, from the intervals between distinct dates.
  std::vector<Ymd> ymd(flows.size());
  for (std::size_t k = 0; k < flows.size(); ++k) ymd[k] = unpack(flows[k].date);
  std::size_t base = 0;
  int base_days = 0;  // for the term base period
  {
    std::array<int, kStandard.size()> count{};
    std::size_t distinct = 1, prev = 0;
    for (std::size_t k = 1; k < ymd.size(); ++k) {
      if (same_day(ymd[k], ymd[prev])) continue;
      ++count[classify(ymd[prev], ymd[k])];
      ++distinct;
      prev = k;
    }
    if (distinct < 2) return fail("all flows are on one date");
    const int span = core::days_between(issue, flows.back().date);
    if (distinct == 2) {
      res.base_period.kind = Kind::term;
      base_days = span;
      res.base_period.term_days = base_days;
      res.chbp_num = 365;
      res.chbp_den = base_days;
    } else {
      const long double mean = static_cast<long double>(span) / static_cast<long double>(distinct - 1);
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
  }
  res.chbp = static_cast<long double>(res.chbp_num) / static_cast<long double>(res.chbp_den);

  // q_k and e_k.
  Flows fl;
  fl.terms.resize(flows.size());
  res.q.resize(flows.size());
  res.e.resize(flows.size());
  const int base_months = res.base_period.kind == Kind::term ? 0 : kStandard[base].months;
  const int base_len_days = res.base_period.kind == Kind::term ? base_days : static_cast<int>(kStandard[base].days);
  const std::int64_t e_den = base_months > 0 ? std::int64_t{365} * base_months : base_len_days;
  fl.e_scale = 1 / static_cast<long double>(e_den);
  std::vector<std::int64_t> slot_num{0};  // e_num of each distinct e; slot 0 is e = 0
  fl.slot_e.push_back(0);
  const int issue_day = base_months > 0 ? 0 : core::day_number(issue);
  // Month-based periods: the end of the q-th base period (anchor) and of the next, walked forward
  // with the flows (which are in date order).
  const Ymd start = ymd.front();
  int q_now = 0;
  Ymd anchor = start, next_anchor = base_months > 0 ? plus_months(start, base_months) : start;
  int next_key = key(next_anchor);
  for (std::size_t k = 0; k < flows.size(); ++k) {
    Term& t = fl.terms[k];
    t.amount = flows[k].amount.kopecks;
    if (base_months > 0) {
      while (key(ymd[k]) >= next_key) {
        ++q_now;
        anchor = next_anchor;
        next_anchor = plus_months(start, (q_now + 1) * base_months);
        next_key = key(next_anchor);
      }
      t.q = q_now;
      // From the end of the q-th base period: less than one base period, usually within two months.
      t.e_num = std::int64_t{days_from_to(anchor, ymd[k])} * 12;
    } else {
      const int days = core::day_number(flows[k].date) - issue_day;
      t.q = days / base_len_days;
      t.e_num = days % base_len_days;
    }
    std::size_t j = 0;
    while (j < slot_num.size() && slot_num[j] != t.e_num) ++j;
    if (j == slot_num.size()) {
      if (slot_num.size() < kMaxSlots) {
        slot_num.push_back(t.e_num);
        fl.slot_e.push_back(static_cast<long double>(t.e_num) / static_cast<long double>(e_den));
      } else {
        fl.slotted = false;  // too many distinct e: evaluations divide per flow
      }
    }
    t.slot = static_cast<std::uint32_t>(j);
    res.q[k] = t.q;
    res.e[k] = j < fl.slot_e.size() ? fl.slot_e[j] : static_cast<long double>(t.e_num) / static_cast<long double>(e_den);
  }
  const std::vector<Term>& terms = fl.terms;

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
      // One base period for all flows, so e_den is common: equal (q, e_num) is an equal time.
      while (j < terms.size() && terms[j].q == terms[k].q && terms[j].e_num == terms[k].e_num) {
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
    const auto fn = [&](long double i) { return npv(fl, i); };
    long double lo = 0, hi = 0, flo = static_cast<long double>(sum), guess = 0;
    bool found = false;
    if (changes == 1) {
      const int s_inf = at_infinity > 0 ? 1 : at_infinity < 0 ? -1 : 0;
      if (s_inf != 0 && s_inf != s0) {
        // First guess: the rate of a level annuity with the same totals and horizon, L = c·(1 − (1+i)^−T)/i
        // (c = paid / T, T the time of the last payment in base periods) — the usual shape of a loan.
        long double lent = 0, paid = 0, horizon = 0, weighted = 0;
        for (std::size_t k = 0; k < terms.size(); ++k) {
          const long double tt = static_cast<long double>(terms[k].q) + res.e[k];
          const long double a = static_cast<long double>(terms[k].amount);
          if (a < 0) {
            lent -= a;
          } else {
            paid += a;
            if (tt > horizon) horizon = tt;
          }
          weighted += (a < 0 ? -a : a) * tt;
        }
        guess = std::fabs(flo) / weighted * 2;  // simple interest, the fallback
        if (s0 > 0 && horizon > 0 && paid > lent && lent > 0) {
          const long double c = paid / horizon;
          const auto annuity = [&](long double x) {
            const long double g = std::pow(1 + x, -horizon);
            return detail::ValueSlope{c * (1 - g) / x - lent, c * (horizon * g / (1 + x) * x - (1 - g)) / (x * x)};
          };
          const long double model = detail::root_right_of(annuity, 0, paid - lent, guess, 1e6L);
          if (model > 0 && std::isfinite(model)) guess = model;
        }
        if (!(guess > 0) || !std::isfinite(guess)) guess = 0.01L;
        res.i = detail::root_right_of(fn, 0, flo, guess, 1e30L);
        found = std::isfinite(res.i);
      }
    } else {
      for (long double x = 1e-9L; x < 1e9L; x *= 1.25L) {
        const long double fx = fn(x).f;
        if ((fx > 0 ? 1 : fx < 0 ? -1 : 0) != s0) {
          hi = x;
          found = true;
          break;
        }
        lo = x;
        flo = fx;
      }
      if (found) res.i = detail::bracketed_root(fn, lo, hi, flo, (lo + hi) / 2);
    }
    if (!found) return fail("the ПСК equation has no positive root: the payments do not exceed the amount received");
  }
  res.psk_exact = res.i * res.chbp * 100;

  // Three decimals; a value within 1e-9 (relative) of a boundary is decided exactly.
  long double scaled = res.psk_exact * 1000;
  if (mode == PskRounding::half_up) scaled += 0.5L;
  const long double whole = std::floor(scaled);
  std::int64_t result = static_cast<std::int64_t>(whole);
  const long double frac = scaled - whole;
  const long double tol = 1e-9L * std::fmax(1.0L, std::fabs(scaled));
  const int s_left = sum > 0 ? 1 : -1;
  // Is the root at or above the boundary b (in thousandths of a percent, minus ½ for half-up)?
  const auto root_at_or_above = [&](std::int64_t b) {
    // percent = b / 1000 (truncate) or (2b − 1) / 2000 (half-up); i = percent × chbp_den / (100 × chbp_num).
    Int128 num = mode == PskRounding::truncate ? Int128{b} * 2 : Int128{b} * 2 - 1;
    num *= res.chbp_den;
    const Int128 den = Int128{2000} * 100 * res.chbp_num;
    if (num <= 0) return true;
    const int sg = npv_sign_exact(terms, e_den, num, den);
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
