#include <gtest/gtest.h>

#include <limits>

#include "core/words.hpp"

using namespace sdelka::core;

namespace {
std::string words(std::int64_t kopecks) {
  auto r = amount_in_words(Money{kopecks});
  return r ? *r : "error: " + r.error().message;
}
}  // namespace

TEST(Words, IssueExample) {
  EXPECT_EQ(words(123456), "Одна тысяча двести тридцать четыре рубля 56 копеек");
}

TEST(Words, RoubleForms) {
  EXPECT_EQ(words(0), "Ноль рублей 00 копеек");
  EXPECT_EQ(words(100), "Один рубль 00 копеек");
  EXPECT_EQ(words(200), "Два рубля 00 копеек");
  EXPECT_EQ(words(500), "Пять рублей 00 копеек");
  EXPECT_EQ(words(1100), "Одиннадцать рублей 00 копеек");
  EXPECT_EQ(words(1400), "Четырнадцать рублей 00 копеек");
  EXPECT_EQ(words(2100), "Двадцать один рубль 00 копеек");
  EXPECT_EQ(words(2200), "Двадцать два рубля 00 копеек");
  EXPECT_EQ(words(11100), "Сто одиннадцать рублей 00 копеек");
  EXPECT_EQ(words(40000), "Четыреста рублей 00 копеек");
  EXPECT_EQ(words(99900), "Девятьсот девяносто девять рублей 00 копеек");
}

TEST(Words, ThousandsAreFeminine) {
  EXPECT_EQ(words(100000), "Одна тысяча рублей 00 копеек");
  EXPECT_EQ(words(200000), "Две тысячи рублей 00 копеек");
  EXPECT_EQ(words(500000), "Пять тысяч рублей 00 копеек");
  EXPECT_EQ(words(1100000), "Одиннадцать тысяч рублей 00 копеек");
  EXPECT_EQ(words(2100000), "Двадцать одна тысяча рублей 00 копеек");
  EXPECT_EQ(words(2200000), "Двадцать две тысячи рублей 00 копеек");
  EXPECT_EQ(words(100100100), "Один миллион одна тысяча один рубль 00 копеек");
}

TEST(Words, BigGroupsAreMasculine) {
  EXPECT_EQ(words(100000000), "Один миллион рублей 00 копеек");
  EXPECT_EQ(words(200000000), "Два миллиона рублей 00 копеек");
  EXPECT_EQ(words(500000000), "Пять миллионов рублей 00 копеек");
  EXPECT_EQ(words(100000000000), "Один миллиард рублей 00 копеек");
  EXPECT_EQ(words(300000000000), "Три миллиарда рублей 00 копеек");
  EXPECT_EQ(words(1200000000000000), "Двенадцать триллионов рублей 00 копеек");
  EXPECT_EQ(words(2100000000000000), "Двадцать один триллион рублей 00 копеек");
  EXPECT_EQ(words(102000000000000), "Один триллион двадцать миллиардов рублей 00 копеек");
  EXPECT_EQ(words(99999999999999999),
            "Девятьсот девяносто девять триллионов девятьсот девяносто девять миллиардов девятьсот девяносто "
            "девять миллионов девятьсот девяносто девять тысяч девятьсот девяносто девять рублей 99 копеек");
  EXPECT_EQ(words(std::numeric_limits<std::int64_t>::max()),
            "Девяносто два квадриллиона двести тридцать три триллиона семьсот двадцать миллиардов триста "
            "шестьдесят восемь миллионов пятьсот сорок семь тысяч семьсот пятьдесят восемь рублей 07 копеек");
}

TEST(Words, KopeckForms) {
  EXPECT_EQ(words(1), "Ноль рублей 01 копейка");
  EXPECT_EQ(words(2), "Ноль рублей 02 копейки");
  EXPECT_EQ(words(5), "Ноль рублей 05 копеек");
  EXPECT_EQ(words(11), "Ноль рублей 11 копеек");
  EXPECT_EQ(words(21), "Ноль рублей 21 копейка");
  EXPECT_EQ(words(2101), "Двадцать один рубль 01 копейка");
  EXPECT_EQ(words(34), "Ноль рублей 34 копейки");
}

TEST(Words, NegativeIsAnError) {
  const auto r = amount_in_words(Money{-100});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "a negative amount has no sum in words");
}
