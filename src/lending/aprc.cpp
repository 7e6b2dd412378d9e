#include "lending/aprc.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include "core/decimal.hpp"
#include "lending/irr.hpp"

namespace sdelka::lending {

using core::fail;
using core::Int128;
using core::Result;

std::optional<AprcBasis> parse_aprc_basis(std::string_view text) noexcept {
  if (text == "calendar") return AprcBasis::calendar;
  if (text == "standard-year") return AprcBasis::standard_year;
  return std::nullopt;
}

std::string format_scaled(std::int64_t scaled, int decimals) {
  const bool negative = scaled < 0;
  const std::uint64_t mag = negative ? ~static_cast<std::uint64_t>(scaled) + 1 : static_cast<std::uint64_t>(scaled);
  std::uint64_t p = 1;
  for (int i = 0; i < decimals; ++i) p *= 10;
  std::string out = negative ? "-" : "";
  out += std::to_string(mag / p);
  if (decimals > 0) {
    std::string frac = std::to_string(mag % p);
    frac.insert(0, static_cast<std::size_t>(decimals) - frac.size(), '0');
    out += '.';
    out += frac;
  }
  return out;
}

namespace {

struct Term {
  std::int64_t amount;
  long double a;
  std::int64_t t_num, t_den;  // years = t_num / t_den
  long double t;
};

// f(y) = Σ a_k e^(−t_k y) with y = ln(1 + X), and its derivative.
detail::ValueSlope npv(const std::vector<Term>& terms, long double y) noexcept {
  long double f = 0, df = 0;
  for (const auto& t : terms) {
    const long double d = t.a * std::exp(-t.t * y);
    f += d;
    df -= t.t * d;
  }
  return {f, df};
}

int sign_of(long double v) noexcept { return v > 0 ? 1 : v < 0 ? -1 : 0; }

// The sign of Σ A_k (1 + X)^(−t_k) at X = num / den, in 50-digit decimal.
int npv_sign_exact(const std::vector<Term>& terms, std::int64_t num, std::int64_t den) {
  using D = core::Decimal50;
  const D base = D(1) + D(num) / D(den);
  D f = 0, magnitude = 0;
  for (const auto& t : terms) {
    const D amount(t.amount);
    f += t.t_num == 0 ? amount : amount * pow(base, -(D(t.t_num) / D(t.t_den)));
    magnitude += abs(amount);
  }
  static const D tiny("1e-40");
  if (abs(f) <= magnitude * tiny) return 0;
  return f > 0 ? 1 : -1;
}

}  // namespace

Result<AprcResult> compute_aprc(std::span<const CashFlow> flows, AprcBasis basis, int decimals) {
  if (decimals < 1 || decimals > 6) return fail("APRC decimals must be between 1 and 6");
  if (flows.size() < 2) return fail("APRC needs at least two flows: the credit and a repayment");
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

  const Date start = flows.front().date;
  std::vector<Term> terms;
  terms.reserve(flows.size());
  for (const auto& f : flows) {
    Term t{f.amount.kopecks, static_cast<long double>(f.amount.kopecks), 0, 365, 0};
    if (basis == AprcBasis::calendar) {
      t.t_num = core::days_between(start, f.date);
    } else {
      const int m = core::whole_months_between(start, f.date);
      const int d = core::days_between(core::add_months(start, m), f.date);
      t.t_num = std::int64_t{m} * 365 + std::int64_t{d} * 12;
      t.t_den = 365 * 12;
    }
    t.t = static_cast<long double>(t.t_num) / static_cast<long double>(t.t_den);
    terms.push_back(t);
  }

  AprcResult res;
  res.decimals = decimals;
  const auto fn = [&](long double y) { return npv(terms, y); };
  long double y = 0;
  int s_left = 0;  // the sign of f just below the root
  if (sum != 0) {
    // Sign changes in time order (equal times merged); f(y → +∞) has the sign of the earliest flows.
    int changes = 0, last_sign = 0;
    Int128 earliest = 0;
    for (std::size_t k = 0; k < terms.size();) {
      Int128 group = 0;
      std::size_t j = k;
      while (j < terms.size() && terms[j].t_num == terms[k].t_num) group += terms[j++].amount;
      const int sg = group > 0 ? 1 : group < 0 ? -1 : 0;
      if (sg != 0) {
        if (last_sign == 0) earliest = group;
        if (last_sign != 0 && sg != last_sign) ++changes;
        last_sign = sg;
      }
      k = j;
    }
    const long double f0 = static_cast<long double>(sum);
    const int s0 = sum > 0 ? 1 : -1;
    bool found = false;
    long double lo = 0, hi = 0, flo = 0;
    if (changes == 1) {
      const bool upward = (earliest > 0 ? 1 : -1) != s0;  // f(+∞) has the earliest flows' sign
      long double near = 0, far = upward ? 0.1L : -0.1L;
      long double fnear = f0;
      for (int n = 0; n < 60 && std::fabs(far) < 1e4L; ++n) {
        const long double ffar = fn(far).f;
        if (!std::isfinite(ffar)) break;
        if (sign_of(ffar) != s0) {
          found = true;
          if (upward) { lo = near; hi = far; flo = fnear; }
          else { lo = far; hi = near; flo = ffar; }
          break;
        }
        near = far;
        fnear = ffar;
        far *= 2;
      }
    } else {
      // Several sign changes: the first root above 0, else the first below.
      for (int dir : {1, -1}) {
        long double prev = 0, fprev = f0;
        for (int n = 1; n <= 2000 && !found; ++n) {
          const long double x = dir * 0.01L * n;
          const long double fx = fn(x).f;
          if (!std::isfinite(fx)) break;
          if (sign_of(fx) != sign_of(fprev)) {
            found = true;
            if (dir > 0) { lo = prev; hi = x; flo = fprev; }
            else { lo = x; hi = prev; flo = fx; }
          }
          prev = x;
          fprev = fx;
        }
        if (found) break;
      }
    }
    if (!found) return fail("no rate above -100 % balances the flows");
    s_left = sign_of(flo);
    y = detail::bracketed_root(fn, lo, hi, flo, lo + (hi - lo) / 2);
  }
  res.rate = std::expm1(y);
  res.percent_exact = res.rate * 100;

  std::int64_t p10 = 1;
  for (int i = 0; i < decimals; ++i) p10 *= 10;
  const long double scaled = res.percent_exact * static_cast<long double>(p10) + 0.5L;
  const long double fl = std::floor(scaled);
  std::int64_t result = static_cast<std::int64_t>(fl);
  const long double frac = scaled - fl;
  const long double tol = 1e-9L * std::fmax(1.0L, std::fabs(scaled));
  // Is the root at or above the half-way boundary below `b` ((2b − 1) / (2·10^d) percent)?
  // f decreases through the root when s_left > 0, so compare f's sign there with s_left.
  const auto root_at_or_above = [&](std::int64_t b) {
    const int sg = npv_sign_exact(terms, 2 * b - 1, 200 * p10);
    return sg == 0 || sg == s_left;
  };
  if (sum != 0) {
    if (frac < tol && !root_at_or_above(result)) --result;
    else if (1 - frac < tol && root_at_or_above(result + 1)) ++result;
  }
  res.percent_scaled = result;
  return res;
}

}  // namespace sdelka::lending
