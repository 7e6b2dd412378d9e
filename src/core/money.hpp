#pragma once
// Money as whole kopecks in a signed 64-bit integer, and exact rounding of rationals.
// No floating point touches money anywhere in Sdelka. No I/O.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace sdelka::core {

// A signed 128-bit integer for exact intermediate products (GCC/Clang extension).
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

// How a value exactly half-way between two kopecks (or two units) is rounded.
// half_up: away from zero (0.5 → 1, -0.5 → -1), "commercial" rounding, ROUND_HALF_UP in Python decimal.
// half_even: to the even neighbour (0.5 → 0, 1.5 → 2), banker's rounding.
enum class Rounding { half_up, half_even };

// "half-up" / "half-even" → the mode; anything else → std::nullopt.
std::optional<Rounding> parse_rounding(std::string_view text) noexcept;
// The mode's name as parse_rounding accepts it.
std::string_view to_string(Rounding mode) noexcept;

struct Money {
  std::int64_t kopecks = 0;

  friend constexpr bool operator==(const Money&, const Money&) = default;
  friend constexpr auto operator<=>(const Money&, const Money&) = default;
  // Unchecked: the caller keeps values in range (see checked_add for sums of outside data).
  friend constexpr Money operator+(Money a, Money b) noexcept { return Money{a.kopecks + b.kopecks}; }
  friend constexpr Money operator-(Money a, Money b) noexcept { return Money{a.kopecks - b.kopecks}; }
  constexpr Money& operator+=(Money o) noexcept { kopecks += o.kopecks; return *this; }
  constexpr Money& operator-=(Money o) noexcept { kopecks -= o.kopecks; return *this; }
};

constexpr Money from_kopecks(std::int64_t k) noexcept { return Money{k}; }

// a + b, or std::nullopt when the sum leaves the int64 range.
std::optional<Money> checked_add(Money a, Money b) noexcept;

// num / den rounded to an integer with `mode`. Requires den > 0 and num above the type's minimum;
// exact for every such input.
std::int64_t round_div(std::int64_t num, std::int64_t den, Rounding mode) noexcept;
Int128 round_div(Int128 num, Int128 den, Rounding mode) noexcept;

// Parses the API form: an optional '-', at least one digit, optionally '.' and one or two digits
// ("1234.56", "100000", "-0.5", "8884.8"). No spaces, no '+', no thousands separators, no exponent.
// Returns the amount, or an Error naming the text when it is malformed or beyond ±92 233 720 368 547 758.07.
Result<Money> parse_money(std::string_view text);

// The API form with exactly two decimals: "1234.56", "-0.50", "0.00".
std::string format_money(Money m);

// The Russian form for people: groups of three digits separated by a no-break space (U+00A0),
// a decimal comma, then U+00A0 and the rouble sign: "1 234,56 ₽", "-0,50 ₽".
std::string format_money_ru(Money m);

}  // namespace sdelka::core
