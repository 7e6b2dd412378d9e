#include "lending/calendar.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace sdelka::lending {

using core::make_date;

std::optional<BusinessDay> parse_business_day(std::string_view text) noexcept {
  if (text == "none") return BusinessDay::none;
  if (text == "following") return BusinessDay::following;
  if (text == "modified-following") return BusinessDay::modified_following;
  if (text == "preceding") return BusinessDay::preceding;
  return std::nullopt;
}

std::string_view to_string(BusinessDay convention) noexcept {
  switch (convention) {
    case BusinessDay::none: return "none";
    case BusinessDay::following: return "following";
    case BusinessDay::modified_following: return "modified-following";
    case BusinessDay::preceding: return "preceding";
  }
  return "none";
}

namespace {

struct MonthDay {
  unsigned month, day;
};
// Labour Code art. 112 holidays outside January (the January ones are never moved by the rule).
constexpr std::array<MonthDay, 6> kMovableHolidays = {{{2, 23}, {3, 8}, {5, 1}, {5, 9}, {6, 12}, {11, 4}}};

bool is_holiday(unsigned m, unsigned d) noexcept {
  if (m == 1) return d <= 8;
  for (const auto& h : kMovableHolidays) {
    if (h.month == m && h.day == d) return true;
  }
  return false;
}

}  // namespace

bool is_day_off_by_labour_code(Date date) noexcept {
  if (core::is_weekend(date)) return true;
  const unsigned m = static_cast<unsigned>(date.month());
  const unsigned d = static_cast<unsigned>(date.day());
  if (is_holiday(m, d)) return true;
  // A transferred holiday lands within a few days after its holiday: check those windows only.
  bool near = false;
  for (const auto& h : kMovableHolidays) {
    if (h.month == m && d > h.day && d <= h.day + 6) near = true;
  }
  if (!near) return false;
  const int y = static_cast<int>(date.year());
  std::array<Date, kMovableHolidays.size()> used{};
  std::size_t n_used = 0;
  for (const auto& h : kMovableHolidays) {
    const Date hd = make_date(y, h.month, h.day);
    if (!core::is_weekend(hd)) continue;
    Date t = core::add_days(hd, 1);
    while (core::is_weekend(t) || is_holiday(static_cast<unsigned>(t.month()), static_cast<unsigned>(t.day())) ||
           std::find(used.begin(), used.begin() + static_cast<std::ptrdiff_t>(n_used), t) !=
               used.begin() + static_cast<std::ptrdiff_t>(n_used)) {
      t = core::add_days(t, 1);
    }
    used[n_used++] = t;
    if (t == date) return true;
  }
  return false;
}

core::Result<Calendar> Calendar::from_json(std::string_view json_text) {
  using nlohmann::json;
  json doc = json::parse(json_text.begin(), json_text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return core::fail("calendar: not valid JSON");
  if (!doc.is_object() || !doc.contains("years") || !doc["years"].is_object()) {
    return core::fail("calendar: expected an object with a \"years\" object");
  }
  Calendar cal;
  for (const auto& [key, value] : doc["years"].items()) {
    if (key.size() != 4 || !std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return core::fail("calendar: year key '" + key + "' is not YYYY");
    }
    const int year = std::stoi(key);
    if (year < 1900 || year > 2999) return core::fail("calendar: year " + key + " outside 1900-2999");
    if (!value.is_object()) return core::fail("calendar: year " + key + " is not an object");
    Year y{year, {}, {}};
    for (const bool working : {false, true}) {
      const char* field = working ? "working_weekend_days" : "non_working_weekdays";
      if (!value.contains(field)) continue;
      const auto& list = value[field];
      if (!list.is_array()) return core::fail(std::string("calendar: ") + key + "." + field + " is not an array");
      auto& out = working ? y.working_weekend_days : y.non_working_weekdays;
      for (const auto& item : list) {
        if (!item.is_string()) return core::fail(std::string("calendar: ") + key + "." + field + " holds a non-string");
        auto d = core::parse_date(item.get<std::string>());
        if (!d) return core::fail("calendar: " + d.error().message);
        const std::string text = item.get<std::string>();
        if (static_cast<int>(d->year()) != year) return core::fail("calendar: " + text + " listed under year " + key);
        if (core::is_weekend(*d) != working) {
          return core::fail("calendar: " + text + (working ? " is not a Saturday or Sunday" : " is a Saturday or Sunday"));
        }
        out.push_back(*d);
      }
      std::sort(out.begin(), out.end());
      out.erase(std::unique(out.begin(), out.end()), out.end());
    }
    cal.years_.push_back(std::move(y));
  }
  std::sort(cal.years_.begin(), cal.years_.end(), [](const Year& a, const Year& b) { return a.year < b.year; });
  return cal;
}

const Calendar& Calendar::russia() {
  static const Calendar cal = [] {
    auto parsed = Calendar::from_json(embedded_calendar_ru_json());
    if (!parsed) throw std::logic_error("embedded calendar: " + parsed.error().message);
    return std::move(parsed).value();
  }();
  return cal;
}

const Calendar::Year* Calendar::find(int year) const noexcept {
  for (const auto& y : years_) {
    if (y.year == year) return &y;
  }
  return nullptr;
}

bool Calendar::is_official(int year) const noexcept { return find(year) != nullptr; }

bool Calendar::is_working_day(Date d) const noexcept {
  const Year* y = find(static_cast<int>(d.year()));
  if (y == nullptr) return !is_day_off_by_labour_code(d);
  if (core::is_weekend(d)) return std::binary_search(y->working_weekend_days.begin(), y->working_weekend_days.end(), d);
  return !std::binary_search(y->non_working_weekdays.begin(), y->non_working_weekdays.end(), d);
}

int Calendar::working_days(int year) const noexcept {
  int n = 0;
  for (Date d = make_date(year, 1, 1); static_cast<int>(d.year()) == year; d = core::add_days(d, 1)) {
    if (is_working_day(d)) ++n;
  }
  return n;
}

Date Calendar::adjust(Date d, BusinessDay convention) const noexcept {
  if (convention == BusinessDay::none) return d;
  const auto step = [&](Date from, int dir) {
    while (!is_working_day(from)) from = core::add_days(from, dir);
    return from;
  };
  switch (convention) {
    case BusinessDay::none: return d;
    case BusinessDay::following: return step(d, +1);
    case BusinessDay::preceding: return step(d, -1);
    case BusinessDay::modified_following: {
      const Date f = step(d, +1);
      return f.month() == d.month() ? f : step(d, -1);
    }
  }
  return d;
}

}  // namespace sdelka::lending
