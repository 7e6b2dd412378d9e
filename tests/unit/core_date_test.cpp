#include <gtest/gtest.h>

#include "core/date.hpp"

using namespace sdelka::core;

TEST(Date, ParsesAndFormatsIso) {
  const auto d = parse_date("2024-01-15");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, make_date(2024, 1, 15));
  EXPECT_EQ(format_date(*d), "2024-01-15");
  EXPECT_EQ(format_date(*parse_date("2024-02-29")), "2024-02-29");
  for (const char* t : {"2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "2024-1-01", "24-01-01", "2024/01/01",
                        "2024-01-15 ", "1899-12-31", "3000-01-01", "", "abcd-ef-gh"}) {
    const auto r = parse_date(t);
    EXPECT_FALSE(r.ok()) << t;
    if (!r) {
      EXPECT_NE(r.error().message.find("malformed date"), std::string::npos);
    }
  }
}

TEST(Date, AddMonthsClampsToTheMonthEnd) {
  EXPECT_EQ(add_months(make_date(2024, 1, 31), 1), make_date(2024, 2, 29));
  EXPECT_EQ(add_months(make_date(2023, 1, 31), 1), make_date(2023, 2, 28));
  EXPECT_EQ(add_months(make_date(2024, 1, 31), 3), make_date(2024, 4, 30));
  EXPECT_EQ(add_months(make_date(2024, 2, 29), 1, 31), make_date(2024, 3, 31));
  EXPECT_EQ(add_months(make_date(2024, 11, 15), 2), make_date(2025, 1, 15));
  EXPECT_EQ(add_months(make_date(2024, 1, 15), -1), make_date(2023, 12, 15));
  EXPECT_EQ(add_months(make_date(2024, 1, 15), 600), make_date(2074, 1, 15));
}

TEST(Date, DayCounts) {
  EXPECT_EQ(days_between(make_date(2024, 1, 15), make_date(2024, 2, 15)), 31);
  EXPECT_EQ(days_between(make_date(2024, 2, 15), make_date(2024, 1, 15)), -31);
  EXPECT_EQ(days_between(make_date(2024, 1, 1), make_date(2025, 1, 1)), 366);
  EXPECT_EQ(add_days(make_date(2024, 2, 28), 1), make_date(2024, 2, 29));
  EXPECT_EQ(days360(make_date(2024, 1, 15), make_date(2024, 3, 1)), 46);
  EXPECT_EQ(days360(make_date(2024, 1, 31), make_date(2024, 2, 29)), 29);
  EXPECT_EQ(days360(make_date(2024, 1, 30), make_date(2024, 3, 31)), 60);
  EXPECT_EQ(days360(make_date(2024, 1, 15), make_date(2025, 1, 15)), 360);
  EXPECT_EQ(whole_months_between(make_date(2024, 1, 31), make_date(2024, 2, 29)), 1);
  EXPECT_EQ(whole_months_between(make_date(2024, 1, 15), make_date(2024, 2, 14)), 0);
  EXPECT_EQ(whole_months_between(make_date(2024, 1, 15), make_date(2025, 1, 15)), 12);
  EXPECT_EQ(whole_months_between(make_date(2024, 3, 1), make_date(2024, 1, 1)), 0);
}

TEST(Date, LeapYearsAndWeekends) {
  EXPECT_TRUE(is_leap_year(2024));
  EXPECT_FALSE(is_leap_year(2100));
  EXPECT_TRUE(is_leap_year(2000));
  EXPECT_EQ(days_in_month(2024, 2), 29u);
  EXPECT_EQ(days_in_month(2023, 2), 28u);
  EXPECT_TRUE(is_weekend(make_date(2024, 4, 27)));   // Saturday
  EXPECT_TRUE(is_weekend(make_date(2024, 4, 28)));   // Sunday
  EXPECT_FALSE(is_weekend(make_date(2024, 4, 29)));  // Monday
}
