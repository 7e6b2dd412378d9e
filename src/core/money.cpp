#include "core/money.hpp"

#include <limits>

namespace sdelka::core {

std::optional<Rounding> parse_rounding(std::string_view text) noexcept {
  if (text == "half-up") return Rounding::half_up;
  if (text == "half-even") return Rounding::half_even;
  return std::nullopt;
}

std::string_view to_string(Rounding mode) noexcept {
  return mode == Rounding::half_up ? "half-up" : "half-even";
}

std::optional<Money> checked_add(Money a, Money b) noexcept {
  std::int64_t s;
  if (__builtin_add_overflow(a.kopecks, b.kopecks, &s)) return std::nullopt;
  return Money{s};
}

namespace {
template <class I>
I round_div_impl(I num, I den, Rounding mode) noexcept {
  const bool negative = num < 0;
  // Work on the magnitude; num must not be the type's minimum (the contract in money.hpp).
  const I a = negative ? -num : num;
  I q = a / den;
  const I r = a % den;
  const I rest = den - r;  // compare r with den/2 without overflow: r > den - r  ⇔  2r > den
  if (r > rest || (r == rest && (mode == Rounding::half_up || (q % 2) != 0))) ++q;
  return negative ? -q : q;
}
}  // namespace

std::int64_t round_div(std::int64_t num, std::int64_t den, Rounding mode) noexcept {
  return round_div_impl<std::int64_t>(num, den, mode);
}

Int128 round_div(Int128 num, Int128 den, Rounding mode) noexcept {
  return round_div_impl<Int128>(num, den, mode);
}

Result<Money> parse_money(std::string_view text) {
  const auto bad = [&](const char* why) {
    return fail("malformed amount '" + std::string(text) + "': " + why);
  };
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && text[i] == '-') { negative = true; ++i; }
  const std::size_t int_start = i;
  // Accumulate as a negative number so that the int64 minimum is representable on the way.
  std::int64_t acc = 0;
  const auto push = [&](char c) -> bool {
    return !__builtin_mul_overflow(acc, 10, &acc) && !__builtin_sub_overflow(acc, c - '0', &acc);
  };
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (!push(text[i])) return bad("out of range");
    ++i;
  }
  if (i == int_start) return bad("expected digits");
  int decimals = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (decimals == 2) return bad("at most two decimals (kopecks)");
      if (!push(text[i])) return bad("out of range");
      ++decimals;
      ++i;
    }
    if (decimals == 0) return bad("expected digits after '.'");
  }
  if (i != text.size()) return bad("unexpected character");
  for (; decimals < 2; ++decimals) {
    if (__builtin_mul_overflow(acc, 10, &acc)) return bad("out of range");
  }
  if (!negative) {
    if (acc == std::numeric_limits<std::int64_t>::min()) return bad("out of range");
    acc = -acc;
  }
  return Money{acc};
}

namespace {
// Magnitude split into roubles and kopecks, safe for the int64 minimum.
void split(Money m, bool& negative, std::uint64_t& roubles, unsigned& kop) {
  negative = m.kopecks < 0;
  const std::uint64_t mag = negative ? (~static_cast<std::uint64_t>(m.kopecks) + 1)
                                     : static_cast<std::uint64_t>(m.kopecks);
  roubles = mag / 100;
  kop = static_cast<unsigned>(mag % 100);
}

std::string two_digits(unsigned v) {
  return std::string{static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10)};
}
}  // namespace

std::string format_money(Money m) {
  bool negative;
  std::uint64_t roubles;
  unsigned kop;
  split(m, negative, roubles, kop);
  std::string out = negative ? "-" : "";
  out += std::to_string(roubles);
  out += '.';
  out += two_digits(kop);
  return out;
}

std::string format_money_ru(Money m) {
  static constexpr std::string_view kNbsp = "\xC2\xA0";
  bool negative;
  std::uint64_t roubles;
  unsigned kop;
  split(m, negative, roubles, kop);
  const std::string digits = std::to_string(roubles);
  std::string out = negative ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out += kNbsp;
    out += digits[i];
  }
  out += ',';
  out += two_digits(kop);
  out += kNbsp;
  out += "\xE2\x82\xBD";  // ₽ U+20BD
  return out;
}

}  // namespace sdelka::core
