#pragma once
// Calendar dates (std::chrono::year_month_day) and the day arithmetic lending needs. No I/O, no clock.
#include <bit>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace sdelka::core {

using Date = std::chrono::year_month_day;

namespace detail {
// libstdc++ lays year_month_day out as {int16 year, uint8 month, uint8 day}; building it as one
// 32-bit value keeps hot loops free of narrow-store/wide-load stalls. Checked at compile time below.
constexpr std::uint32_t pack_ymd(int y, unsigned m, unsigned d) noexcept {
  return static_cast<std::uint16_t>(y) | (m << 16) | (d << 24);
}
inline constexpr bool kPackedYmd =
    sizeof(Date) == 4 && std::endian::native == std::endian::little &&
    std::bit_cast<std::uint32_t>(Date{std::chrono::year{2024}, std::chrono::month{2}, std::chrono::day{29}}) ==
        pack_ymd(2024, 2, 29) &&
    std::bit_cast<std::uint32_t>(Date{std::chrono::year{-7}, std::chrono::month{12}, std::chrono::day{31}}) ==
        pack_ymd(-7, 12, 31);
}  // namespace detail

// Makes a date from numbers; the caller guarantees validity (use parse_date for outside text).
[[gnu::always_inline]] constexpr Date make_date(int y, unsigned m, unsigned d) noexcept {
  if constexpr (detail::kPackedYmd) {
    return std::bit_cast<Date>(detail::pack_ymd(y, m, d));
  } else {
    return Date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  }
}

// A 32-bit key ordered like the dates: for comparisons in hot loops.
[[gnu::always_inline]] constexpr std::uint32_t date_key(Date d) noexcept {
  return (static_cast<std::uint32_t>(static_cast<int>(d.year()) + 32768) << 9) |
         (static_cast<unsigned>(d.month()) << 5) | static_cast<unsigned>(d.day());
}

// Parses exactly "YYYY-MM-DD" (ISO 8601 calendar date, years 1900–2999).
// Returns the date, or an Error naming the text when it is malformed or not a real day (2023-02-29).
Result<Date> parse_date(std::string_view text);

// "YYYY-MM-DD".
std::string format_date(Date d);

constexpr bool is_leap_year(int y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

namespace detail {
inline constexpr unsigned char kDaysInMonth[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
}  // namespace detail

// Number of days in the month: 28–31.
constexpr unsigned days_in_month(int y, unsigned m) noexcept {
  return (m == 2 && is_leap_year(y)) ? 29u : detail::kDaysInMonth[m - 1];
}

// `months` calendar months after `from` (negative: before), on day `day_of_month` clamped to the
// month's last day: add_months(2024-01-31, 1, 31) = 2024-02-29. `from` must be valid.
[[gnu::always_inline]] constexpr Date add_months(Date from, int months, unsigned day_of_month) noexcept {
  const int total = static_cast<int>(from.year()) * 12 + static_cast<int>(static_cast<unsigned>(from.month())) - 1 + months;
  const int y = total >= 0 ? total / 12 : (total - 11) / 12;
  const unsigned m = static_cast<unsigned>(total - y * 12) + 1;
  const unsigned dim = days_in_month(y, m);
  return make_date(y, m, day_of_month < dim ? day_of_month : dim);
}
// The same keeping from's own day of month.
constexpr Date add_months(Date from, int months) noexcept {
  return add_months(from, months, static_cast<unsigned>(from.day()));
}

// Whole days from `from` to `to` (negative when `to` is earlier).
inline int days_between(Date from, Date to) noexcept {
  return static_cast<int>((std::chrono::sys_days{to} - std::chrono::sys_days{from}).count());
}
inline Date add_days(Date d, int days) noexcept {
  return Date{std::chrono::sys_days{d} + std::chrono::days{days}};
}

// Saturday or Sunday.
bool is_weekend(Date d) noexcept;

// Days between two dates by the 30E/360 convention (ISDA "Eurobond basis"): every month counts as
// 30 days and the 31st as the 30th. days360(2024-01-15, 2024-03-01) = 46.
int days360(Date from, Date to) noexcept;

// Whole calendar months m ≥ 0 with add_months(from, m) ≤ to (0 when to < from).
[[gnu::always_inline]] constexpr int whole_months_between(Date from, Date to) noexcept {
  if (date_key(to) < date_key(from)) return 0;
  const int y2 = static_cast<int>(to.year());
  const unsigned m2 = static_cast<unsigned>(to.month());
  int m = (y2 - static_cast<int>(from.year())) * 12 + static_cast<int>(m2) - static_cast<int>(static_cast<unsigned>(from.month()));
  // add_months(from, m) falls in to's month, on from's day clamped to that month's length.
  const unsigned d1 = static_cast<unsigned>(from.day());
  const unsigned dim = days_in_month(y2, m2);
  if (m > 0 && (d1 < dim ? d1 : dim) > static_cast<unsigned>(to.day())) --m;
  return m;
}

// The day number of a date (days since 1970-01-01), for differences in hot loops.
[[gnu::always_inline]] inline int day_number(Date d) noexcept {
  return static_cast<int>(std::chrono::sys_days{d}.time_since_epoch().count());
}

}  // namespace sdelka::core
