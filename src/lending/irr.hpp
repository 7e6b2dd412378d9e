#pragma once
// Internal to sdelka_lending (not a public header): a safeguarded Newton root finder for the
// ПСК and APRC equations, on rates only, in long double.
#include <cmath>
#include <limits>

namespace sdelka::lending::detail {

struct ValueSlope {
  long double f;   // the function
  long double df;  // its derivative
};

// A root of `fn` inside [lo, hi], where fn(lo) = flo and fn(hi) have opposite signs. Newton steps
// are taken while they stay inside the shrinking sign-change bracket and at least halve the step
// before last; otherwise the bracket is bisected. Stops when fn is exactly 0, the step or the
// bracket is within a few ulps of the root, or after 400 iterations. `guess` may be anywhere.
template <class Fn>
long double bracketed_root(Fn&& fn, long double lo, long double hi, long double flo, long double guess) {
  constexpr long double eps = std::numeric_limits<long double>::epsilon();
  const bool lo_positive = flo > 0;
  long double x = (guess > lo && guess < hi) ? guess : lo + (hi - lo) / 2;
  long double step_before_last = hi - lo, last_step = hi - lo;
  for (int iter = 0; iter < 400; ++iter) {
    const ValueSlope v = fn(x);
    if (v.f == 0) return x;
    if ((v.f > 0) == lo_positive) lo = x;
    else hi = x;
    const long double scale = std::fmax(std::fabs(lo), std::fabs(hi));
    if (hi - lo <= 4 * eps * scale) return x;
    long double next = x - v.f / v.df;
    const bool newton_ok = v.df != 0 && std::isfinite(next) && next > lo && next < hi &&
                           std::fabs(next - x) * 2 <= std::fabs(step_before_last);
    if (!newton_ok) next = lo + (hi - lo) / 2;
    step_before_last = last_step;
    last_step = next - x;
    if (std::fabs(next - x) <= 2 * eps * std::fabs(next)) return next;
    x = next;
  }
  return x;
}

}  // namespace sdelka::lending::detail
