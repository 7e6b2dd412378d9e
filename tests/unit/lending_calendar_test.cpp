#include <gtest/gtest.h>

#include "lending/calendar.hpp"
#include "lending_test_util.hpp"

using namespace sdelka::lending;
using sdelka::core::make_date;

TEST(Calendar, EmbeddedCopyEqualsTheSharedFile) {
  EXPECT_EQ(embedded_calendar_ru_json(), sdelka::testing::read_text(sdelka::testing::shared_data("calendar/ru.json")));
}

TEST(Calendar, EmbeddedCalendarParses) {
  EXPECT_TRUE(Calendar::from_json(embedded_calendar_ru_json()).ok());
}

TEST(Calendar, OfficialWorkingDayCounts) {
  const Calendar& ru = Calendar::russia();
  EXPECT_EQ(ru.working_days(2024), 248);
  EXPECT_EQ(ru.working_days(2025), 247);
  EXPECT_EQ(ru.working_days(2026), 247);
  EXPECT_TRUE(ru.is_official(2024));
  EXPECT_TRUE(ru.is_official(2026));
  EXPECT_FALSE(ru.is_official(2023));
  EXPECT_FALSE(ru.is_official(2027));
}

TEST(Calendar, OfficialMovedDays) {
  const Calendar& ru = Calendar::russia();
  EXPECT_TRUE(ru.is_working_day(make_date(2024, 4, 27)));    // working Saturday
  EXPECT_FALSE(ru.is_working_day(make_date(2024, 4, 29)));   // moved day off, Monday
  EXPECT_FALSE(ru.is_working_day(make_date(2024, 12, 31)));
  EXPECT_TRUE(ru.is_working_day(make_date(2025, 11, 1)));    // working Saturday
  EXPECT_FALSE(ru.is_working_day(make_date(2025, 6, 13)));   // Friday after Russia Day
  EXPECT_FALSE(ru.is_working_day(make_date(2026, 3, 9)));    // Mar 8 is a Sunday
  EXPECT_TRUE(ru.is_working_day(make_date(2026, 3, 10)));
  EXPECT_FALSE(ru.is_working_day(make_date(2026, 1, 3)));    // Saturday
}

TEST(Calendar, ProvisionalYearsFollowTheLabourCode) {
  const Calendar& ru = Calendar::russia();
  // 2027: Jan 1 is a Friday; May 1 and Jun 12 are Saturdays, May 9 a Sunday.
  for (unsigned d : {1u, 4u, 5u, 6u, 7u, 8u}) EXPECT_FALSE(ru.is_working_day(make_date(2027, 1, d))) << d;
  EXPECT_FALSE(ru.is_working_day(make_date(2027, 2, 23)));
  EXPECT_FALSE(ru.is_working_day(make_date(2027, 3, 8)));
  EXPECT_FALSE(ru.is_working_day(make_date(2027, 5, 3)));   // May 1 moved
  EXPECT_TRUE(ru.is_working_day(make_date(2027, 5, 4)));
  EXPECT_FALSE(ru.is_working_day(make_date(2027, 5, 10)));  // May 9 moved
  EXPECT_FALSE(ru.is_working_day(make_date(2027, 6, 14)));  // Jun 12 moved
  EXPECT_FALSE(ru.is_working_day(make_date(2027, 11, 4)));
  EXPECT_TRUE(ru.is_working_day(make_date(2027, 11, 5)));
  EXPECT_EQ(ru.working_days(2027), 261 - 6 - 3 - 3);
  // 2028: Jan 1 is a Saturday (January holidays are not moved by the rule); Nov 4 a Saturday → Nov 6.
  EXPECT_FALSE(ru.is_working_day(make_date(2028, 11, 6)));
  EXPECT_TRUE(ru.is_working_day(make_date(2028, 11, 7)));
  EXPECT_TRUE(ru.is_working_day(make_date(2028, 1, 10)));
  // 2023 by the rules alone: Nov 4 (Saturday) → Monday Nov 6; the decree's moves of Jan 1 and 8 are not known.
  EXPECT_FALSE(ru.is_working_day(make_date(2023, 11, 6)));
  EXPECT_EQ(ru.working_days(2023), 249);
  EXPECT_TRUE(is_day_off_by_labour_code(make_date(2027, 5, 3)));
}

TEST(Calendar, BusinessDayConventions) {
  const Calendar& ru = Calendar::russia();
  const auto d = make_date(2024, 6, 12);  // Russia Day, Wednesday
  EXPECT_EQ(ru.adjust(d, BusinessDay::none), d);
  EXPECT_EQ(ru.adjust(d, BusinessDay::following), make_date(2024, 6, 13));
  EXPECT_EQ(ru.adjust(d, BusinessDay::preceding), make_date(2024, 6, 11));
  EXPECT_EQ(ru.adjust(d, BusinessDay::modified_following), make_date(2024, 6, 13));
  // Saturday Nov 30 2024: following crosses into December, so modified following goes back.
  EXPECT_EQ(ru.adjust(make_date(2024, 11, 30), BusinessDay::following), make_date(2024, 12, 2));
  EXPECT_EQ(ru.adjust(make_date(2024, 11, 30), BusinessDay::modified_following), make_date(2024, 11, 29));
  // The May holidays of 2025: May 1–4 off.
  EXPECT_EQ(ru.adjust(make_date(2025, 5, 1), BusinessDay::following), make_date(2025, 5, 5));
  EXPECT_EQ(ru.adjust(make_date(2025, 5, 1), BusinessDay::preceding), make_date(2025, 4, 30));
  // New year: Dec 30 2024 – Jan 8 2025 off.
  EXPECT_EQ(ru.adjust(make_date(2024, 12, 30), BusinessDay::following), make_date(2025, 1, 9));
  EXPECT_EQ(ru.adjust(make_date(2024, 12, 30), BusinessDay::modified_following), make_date(2024, 12, 28));
  EXPECT_EQ(ru.adjust(make_date(2024, 4, 27), BusinessDay::preceding), make_date(2024, 4, 27));  // working Saturday
  EXPECT_EQ(parse_business_day("modified-following"), BusinessDay::modified_following);
  EXPECT_FALSE(parse_business_day("modified").has_value());
  EXPECT_EQ(to_string(BusinessDay::preceding), "preceding");
}

TEST(Calendar, ReplaceableFromJson) {
  const auto cal = Calendar::from_json(
      R"({"years": {"2024": {"non_working_weekdays": ["2024-06-12", "2024-06-13"], "working_weekend_days": ["2024-06-15"]}}})");
  ASSERT_TRUE(cal.ok()) << cal.error().message;
  EXPECT_EQ(cal->adjust(make_date(2024, 6, 12), BusinessDay::following), make_date(2024, 6, 14));
  EXPECT_TRUE(cal->is_working_day(make_date(2024, 6, 15)));
  EXPECT_TRUE(cal->is_working_day(make_date(2024, 1, 2)));  // 2024 as given: no new-year holidays listed
  EXPECT_FALSE(cal->is_official(2025));
  EXPECT_FALSE(cal->is_working_day(make_date(2025, 1, 2)));  // provisional rules
}

TEST(Calendar, RejectsBadCalendars) {
  const auto msg = [](const char* json) {
    auto r = Calendar::from_json(json);
    return r ? std::string("ok") : r.error().message;
  };
  EXPECT_EQ(msg("{"), "calendar: not valid JSON");
  EXPECT_EQ(msg("[]"), "calendar: expected an object with a \"years\" object");
  EXPECT_EQ(msg(R"({"years": {"24": {}}})"), "calendar: year key '24' is not YYYY");
  EXPECT_EQ(msg(R"({"years": {"1800": {}}})"), "calendar: year 1800 outside 1900-2999");
  EXPECT_EQ(msg(R"({"years": {"2024": {"non_working_weekdays": ["2024-06-15"]}}})"),
            "calendar: 2024-06-15 is a Saturday or Sunday");
  EXPECT_EQ(msg(R"({"years": {"2024": {"working_weekend_days": ["2024-06-14"]}}})"),
            "calendar: 2024-06-14 is not a Saturday or Sunday");
  EXPECT_EQ(msg(R"({"years": {"2024": {"non_working_weekdays": ["2025-06-16"]}}})"),
            "calendar: 2025-06-16 listed under year 2024");
  EXPECT_EQ(msg(R"({"years": {"2024": {"non_working_weekdays": ["2024-02-30"]}}})"),
            "calendar: malformed date '2024-02-30': no such day");
  EXPECT_EQ(msg(R"({"years": {"2024": {"non_working_weekdays": [5]}}})"),
            "calendar: 2024.non_working_weekdays holds a non-string");
}
