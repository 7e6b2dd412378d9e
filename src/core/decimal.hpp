#pragma once
// Exact-decimal intermediate maths for money (Boost.Multiprecision cpp_dec_float, no expression
// templates so that `auto` never captures an expression). Include only from .cpp files: the header
// is heavy. Values enter from integers or strings, never from double.
#include <boost/multiprecision/cpp_dec_float.hpp>

#include <cstdint>
#include <optional>

#include "core/money.hpp"

namespace sdelka::core {

// 34 significant decimal digits (plus Boost's guard digits): enough for every kopeck sum Sdelka
// handles (≤ 19 digits) with 15 digits to spare for products and powers.
using Decimal = boost::multiprecision::number<boost::multiprecision::cpp_dec_float<34>,
                                              boost::multiprecision::et_off>;
// 50 digits, for deciding which side of a rounding boundary a root lies on.
using Decimal50 = boost::multiprecision::number<boost::multiprecision::cpp_dec_float<50>,
                                                boost::multiprecision::et_off>;

// x rounded to an integer with `mode`; std::nullopt when the result leaves the int64 range.
template <class D>
std::optional<std::int64_t> round_to_int64(const D& x, Rounding mode) {
  const bool negative = x < 0;
  const D a = negative ? D(-x) : x;
  D f = floor(a);
  const D diff = a - f;
  static const D half("0.5");
  if (diff > half || (diff == half && (mode == Rounding::half_up || fmod(f, D(2)) != 0))) f += 1;
  static const D limit("9223372036854775807");
  if (f > limit) return std::nullopt;
  const auto v = f.template convert_to<std::int64_t>();
  return negative ? -v : v;
}

}  // namespace sdelka::core
