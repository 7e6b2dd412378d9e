#pragma once
// The Russian production calendar (производственный календарь) for a five-day week, and the
// business-day conventions that move payment dates off days off. No I/O: a replacement calendar is
// passed in as JSON text.
#include <optional>
#include <string_view>
#include <vector>

#include "core/date.hpp"
#include "core/result.hpp"

namespace sdelka::lending {

using core::Date;

// How a payment date that falls on a day off is moved.
//   none               — never moved;
//   following          — to the next working day;
//   modified_following — to the next working day unless that is in the next month, then to the previous one;
//   preceding          — to the previous working day.
enum class BusinessDay { none, following, modified_following, preceding };

// "none" / "following" / "modified-following" / "preceding" → the convention; else std::nullopt.
std::optional<BusinessDay> parse_business_day(std::string_view text) noexcept;
std::string_view to_string(BusinessDay convention) noexcept;

// Immutable after construction; copying is cheap; all members are thread-safe.
class Calendar {
 public:
  // Parses a calendar in the format of shared/data/calendar/ru.json: an object whose "years" member
  // maps "YYYY" to {"non_working_weekdays": [...], "working_weekend_days": [...]} (ISO dates;
  // other members are ignored). Returns the calendar, or an Error when the text is not such JSON,
  // a year is outside 1900–2999, a date is malformed or not in its year, a "non-working weekday"
  // is a Saturday/Sunday, or a "working weekend day" is a weekday.
  static core::Result<Calendar> from_json(std::string_view json_text);

  // The calendar compiled into the binary (src/lending/data/calendar_ru.json: official 2024–2026).
  // Parsed once on first use. Never fails (a unit test proves the embedded text parses).
  static const Calendar& russia();

  // True for a working day. For a year in the loaded data: weekdays except its non-working
  // weekdays, plus its working weekend days. For any other year: the provisional Labour Code
  // rules (art. 112): Saturdays, Sundays, Jan 1–8, Feb 23, Mar 8, May 1, May 9, Jun 12 and Nov 4 are
  // days off; each of the non-January holidays that falls on a Saturday or Sunday moves to the next
  // working day (the January ones are moved by a yearly decree, which cannot be foreseen).
  bool is_working_day(Date d) const noexcept;

  // True when `year` comes from the loaded data; false when is_working_day uses the provisional rules.
  bool is_official(int year) const noexcept;

  // Working days in the calendar year.
  int working_days(int year) const noexcept;

  // `d` moved by the convention (d itself when it is a working day or the convention is none).
  // Dates must stay within 1900–2999.
  Date adjust(Date d, BusinessDay convention) const noexcept;

 private:
  struct Year {
    int year;
    std::vector<Date> non_working_weekdays;  // sorted
    std::vector<Date> working_weekend_days;  // sorted
  };
  const Year* find(int year) const noexcept;
  std::vector<Year> years_;  // sorted by year
};

// True when `d` is a day off by the provisional Labour Code rules alone (see is_working_day).
bool is_day_off_by_labour_code(Date d) noexcept;

// The bytes of src/lending/data/calendar_ru.json as embedded at build time.
std::string_view embedded_calendar_ru_json() noexcept;

}  // namespace sdelka::lending
