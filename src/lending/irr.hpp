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

// A Newton step below this relative size ends the search: the step's own error is about its square,
// far below long double resolution. (Which side of a rounding boundary the root lies on is decided
// separately, in 50-digit decimal.)
inline constexpr long double kRelativeStep = 1e-14L;

// A root of `fn` right of `lo`, where fn(lo) = flo ≠ 0. Newton steps start at `guess` (> lo). Until a
// point of the other sign is found the upper end is open and a step that does not move right of lo
// doubles x instead; once the root is bracketed, steps that leave the bracket or do not at least
// halve the step before last are replaced by bisection. Returns NaN when no sign change turns up
// below `limit`; else a point within about 1e-28 (relative) of a root, or the bracket after 400 steps.
template <class Fn>
long double root_right_of(Fn&& fn, long double lo, long double flo, long double guess, long double limit) {
  const bool lo_positive = flo > 0;
  long double hi = std::numeric_limits<long double>::infinity();
  long double x = guess;
  long double last_step = hi, step_before_last = hi;
  for (int iter = 0; iter < 400; ++iter) {
    if (!(x < limit)) return std::numeric_limits<long double>::quiet_NaN();
    const ValueSlope v = fn(x);
    if (v.f == 0) return x;
    if ((v.f > 0) == lo_positive) lo = x;
    else hi = x;
    const bool bracketed = std::isfinite(hi);
    if (bracketed && hi - lo <= 4 * std::numeric_limits<long double>::epsilon() * std::fabs(hi)) return x;
    long double next = x - v.f / v.df;
    bool newton = v.df != 0 && std::isfinite(next) && next > lo && next < hi &&
                  (!bracketed || std::fabs(next - x) * 2 <= std::fabs(step_before_last));
    if (newton && std::fabs(next - x) <= kRelativeStep * std::fabs(next)) return next;
    if (!newton) next = bracketed ? lo + (hi - lo) / 2 : (x > 0 ? x * 2 : 1);
    step_before_last = last_step;
    last_step = next - x;
    x = next;
  }
  return std::isfinite(hi) ? lo + (hi - lo) / 2 : std::numeric_limits<long double>::quiet_NaN();
}

// A root of `fn` inside [lo, hi], where fn(lo) = flo and fn(hi) have opposite signs; the same
// safeguarded Newton as root_right_of, starting at `guess` (or the midpoint when guess is outside).
template <class Fn>
long double bracketed_root(Fn&& fn, long double lo, long double hi, long double flo, long double guess) {
  const bool lo_positive = flo > 0;
  long double x = (guess > lo && guess < hi) ? guess : lo + (hi - lo) / 2;
  long double last_step = hi - lo, step_before_last = hi - lo;
  for (int iter = 0; iter < 400; ++iter) {
    const ValueSlope v = fn(x);
    if (v.f == 0) return x;
    if ((v.f > 0) == lo_positive) lo = x;
    else hi = x;
    const long double scale = std::fmax(std::fabs(lo), std::fabs(hi));
    if (hi - lo <= 4 * std::numeric_limits<long double>::epsilon() * scale) return x;
    long double next = x - v.f / v.df;
    const bool newton = v.df != 0 && std::isfinite(next) && next > lo && next < hi &&
                        std::fabs(next - x) * 2 <= std::fabs(step_before_last);
    if (newton && std::fabs(next - x) <= kRelativeStep * std::fmax(std::fabs(next), 1e-4L)) return next;
    if (!newton) next = lo + (hi - lo) / 2;
    step_before_last = last_step;
    last_step = next - x;
    x = next;
  }
  return x;
}

}  // namespace sdelka::lending::detail
