#pragma once
// Calendar dates (std::chrono::year_month_day) and the day arithmetic lending needs. No I/O, no clock.
#include <chrono>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace sdelka::core {

using Date = std::chrono::year_month_day;

// Makes a date from numbers; the caller guarantees validity (use parse_date for outside text).
constexpr Date make_date(int y, unsigned m, unsigned d) noexcept {
  return Date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

// Parses exactly "YYYY-MM-DD" (ISO 8601 calendar date, years 1900–2999).
// Returns the date, or an Error naming the text when it is malformed or not a real day (2023-02-29).
Result<Date> parse_date(std::string_view text);

// "YYYY-MM-DD".
std::string format_date(Date d);

// Number of days in the month: 28–31.
unsigned days_in_month(int year, unsigned month) noexcept;
bool is_leap_year(int year) noexcept;

// `months` calendar months after `from` (negative: before), on day `day_of_month` clamped to the
// month's last day: add_months(2024-01-31, 1, 31) = 2024-02-29. `from` must be valid.
Date add_months(Date from, int months, unsigned day_of_month) noexcept;
// The same keeping from's own day of month.
inline Date add_months(Date from, int months) noexcept {
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
int whole_months_between(Date from, Date to) noexcept;

}  // namespace sdelka::core
