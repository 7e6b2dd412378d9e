#include <gtest/gtest.h>

#include <limits>

#include "core/decimal.hpp"
#include "core/money.hpp"

using namespace sdelka::core;

TEST(Money, ParsesApiForms) {
  EXPECT_EQ(parse_money("1234.56")->kopecks, 123456);
  EXPECT_EQ(parse_money("100000")->kopecks, 10000000);
  EXPECT_EQ(parse_money("100000.00")->kopecks, 10000000);
  EXPECT_EQ(parse_money("8884.8")->kopecks, 888480);
  EXPECT_EQ(parse_money("-0.5")->kopecks, -50);
  EXPECT_EQ(parse_money("0")->kopecks, 0);
  EXPECT_EQ(parse_money("007.01")->kopecks, 701);
  EXPECT_EQ(parse_money("92233720368547758.07")->kopecks, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(parse_money("-92233720368547758.08")->kopecks, std::numeric_limits<std::int64_t>::min());
}

TEST(Money, RejectsMalformedText) {
  for (const char* t : {"", "-", "1.", ".5", "1.234", "1,5", "+1", " 1", "1 ", "1e3", "abc", "--1", "1.2.3",
                        "92233720368547758.08", "-92233720368547758.09", "99999999999999999999"}) {
    const auto r = parse_money(t);
    EXPECT_FALSE(r.ok()) << t;
    if (!r) {
      EXPECT_NE(r.error().message.find("malformed amount"), std::string::npos);
    }
  }
}

TEST(Money, FormatsForTheApi) {
  EXPECT_EQ(format_money(Money{123456}), "1234.56");
  EXPECT_EQ(format_money(Money{-50}), "-0.50");
  EXPECT_EQ(format_money(Money{0}), "0.00");
  EXPECT_EQ(format_money(Money{7}), "0.07");
  EXPECT_EQ(format_money(Money{std::numeric_limits<std::int64_t>::min()}), "-92233720368547758.08");
  for (const char* t : {"1234.56", "-0.50", "0.00", "92233720368547758.07"}) EXPECT_EQ(format_money(*parse_money(t)), t);
}

TEST(Money, FormatsForPeopleInRussian) {
  EXPECT_EQ(format_money_ru(Money{123456}), "1\u00A0234,56\u00A0\u20BD");
  EXPECT_EQ(format_money_ru(Money{100}), "1,00\u00A0\u20BD");
  EXPECT_EQ(format_money_ru(Money{12345678901234}), "123\u00A0456\u00A0789\u00A0012,34\u00A0\u20BD");
  EXPECT_EQ(format_money_ru(Money{-100000}), "-1\u00A0000,00\u00A0\u20BD");
  EXPECT_EQ(format_money_ru(Money{99999}), "999,99\u00A0\u20BD");
}

TEST(Money, RoundingModesAreExplicit) {
  EXPECT_EQ(parse_rounding("half-up"), Rounding::half_up);
  EXPECT_EQ(parse_rounding("half-even"), Rounding::half_even);
  EXPECT_FALSE(parse_rounding("up").has_value());
  EXPECT_EQ(to_string(Rounding::half_even), "half-even");
  // ties
  EXPECT_EQ(round_div(std::int64_t{5}, 2, Rounding::half_up), 3);
  EXPECT_EQ(round_div(std::int64_t{5}, 2, Rounding::half_even), 2);
  EXPECT_EQ(round_div(std::int64_t{7}, 2, Rounding::half_even), 4);
  EXPECT_EQ(round_div(std::int64_t{-5}, 2, Rounding::half_up), -3);
  EXPECT_EQ(round_div(std::int64_t{-5}, 2, Rounding::half_even), -2);
  // not ties
  EXPECT_EQ(round_div(std::int64_t{1}, 3, Rounding::half_up), 0);
  EXPECT_EQ(round_div(std::int64_t{2}, 3, Rounding::half_even), 1);
  EXPECT_EQ(round_div(std::int64_t{-2}, 3, Rounding::half_up), -1);
  const Int128 big = Int128{std::numeric_limits<std::int64_t>::max()} * 1000 + 500;
  EXPECT_TRUE(round_div(big, Int128{1000}, Rounding::half_up) == Int128{std::numeric_limits<std::int64_t>::max()} + 1);
  EXPECT_TRUE(round_div(big, Int128{1000}, Rounding::half_even) == Int128{std::numeric_limits<std::int64_t>::max()} + 1);
  EXPECT_TRUE(round_div(big - 1000, Int128{1000}, Rounding::half_even) == Int128{std::numeric_limits<std::int64_t>::max()} - 1);
}

TEST(Money, CheckedAddStopsAtTheLimit) {
  EXPECT_EQ(checked_add(Money{1}, Money{2})->kopecks, 3);
  EXPECT_FALSE(checked_add(Money{std::numeric_limits<std::int64_t>::max()}, Money{1}).has_value());
}

TEST(Money, DecimalRoundsToKopecksExactly) {
  EXPECT_EQ(round_to_int64(Decimal("2.5"), Rounding::half_up), 3);
  EXPECT_EQ(round_to_int64(Decimal("2.5"), Rounding::half_even), 2);
  EXPECT_EQ(round_to_int64(Decimal("3.5"), Rounding::half_even), 4);
  EXPECT_EQ(round_to_int64(Decimal("-2.5"), Rounding::half_up), -3);
  EXPECT_EQ(round_to_int64(Decimal("2.4999999999999999999999999"), Rounding::half_up), 2);
  EXPECT_EQ(round_to_int64(Decimal("888487.88678342"), Rounding::half_up), 888488);
  EXPECT_FALSE(round_to_int64(Decimal("1e30"), Rounding::half_up).has_value());
}
