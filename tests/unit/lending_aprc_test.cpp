#include <gtest/gtest.h>

#include <map>

#include "lending/aprc.hpp"
#include "lending_test_util.hpp"

using namespace sdelka::lending;
using sdelka::core::make_date;
using sdelka::core::Money;

namespace {
// The flows described in apr_eu_vectors.csv (amounts in whole units × 100).
struct Case {
  std::vector<CashFlow> flows;
  AprcBasis basis;
};
std::map<std::string, Case> cases() {
  const auto d = make_date;
  const std::vector<CashFlow> e1{{d(1994, 1, 1), Money{-100000}}, {d(1995, 7, 1), Money{120000}}};
  const std::vector<CashFlow> e4{{d(1994, 1, 1), Money{-100000}}, {d(1994, 4, 1), Money{27200}},
                                 {d(1994, 7, 1), Money{27200}}, {d(1995, 1, 1), Money{54400}}};
  return {
      {"E1", {e1, AprcBasis::calendar}},
      {"E2", {{{d(1994, 1, 1), Money{-95000}}, {d(1995, 7, 1), Money{120000}}}, AprcBasis::calendar}},
      {"E3", {{{d(1994, 1, 1), Money{-100000}}, {d(1995, 1, 1), Money{60000}}, {d(1996, 1, 1), Money{60000}}}, AprcBasis::calendar}},
      {"E4", {e4, AprcBasis::calendar}},
      {"E4b", {e4, AprcBasis::standard_year}},
      {"E5", {e1, AprcBasis::standard_year}},
  };
}
}  // namespace

TEST(Aprc, ReferenceVectors) {
  const auto rows = sdelka::testing::read_csv(sdelka::testing::shared_data("lending/apr_eu_vectors.csv"));
  const auto all = cases();
  ASSERT_EQ(rows.size(), all.size());
  for (const auto& row : rows) {
    const std::string id = row.at("case_id");
    SCOPED_TRACE(id);
    ASSERT_TRUE(all.count(id));
    const auto& c = all.at(id);
    const auto r1 = compute_aprc(c.flows, c.basis, 1);
    const auto r2 = compute_aprc(c.flows, c.basis, 2);
    ASSERT_TRUE(r1.ok()) << r1.error().message;
    ASSERT_TRUE(r2.ok());
    EXPECT_EQ(format_fixed(r1->percent_exact, 6), row.at("apr_exact_pct"));
    EXPECT_EQ(format_scaled(r1->percent_scaled, 1), row.at("apr_1dp"));
    EXPECT_EQ(format_scaled(r2->percent_scaled, 2), row.at("apr_2dp"));
  }
}

TEST(Aprc, ExactRatesRoundExactly) {
  // 1000 → 1100 after exactly one year: 10.0 %, 10.000000 %.
  const std::vector<CashFlow> f{{make_date(2023, 1, 1), Money{-100000}}, {make_date(2024, 1, 1), Money{110000}}};
  const auto r = compute_aprc(f, AprcBasis::calendar, 6);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(format_scaled(r->percent_scaled, 6), "10.000000");
  // 1000 → 1000.5 after a year: 0.05 % is a tie at one decimal, rounded half-up to 0.1.
  const std::vector<CashFlow> g{{make_date(2023, 1, 1), Money{-100000}}, {make_date(2024, 1, 1), Money{100050}}};
  EXPECT_EQ(format_scaled(compute_aprc(g)->percent_scaled, 1), "0.1");
  // Repaying less gives a negative rate rather than an error.
  const std::vector<CashFlow> h{{make_date(2023, 1, 1), Money{-100000}}, {make_date(2024, 1, 1), Money{90000}}};
  EXPECT_EQ(format_scaled(compute_aprc(h)->percent_scaled, 1), "-10.0");
}

TEST(Aprc, Errors) {
  const auto msg = [](std::vector<CashFlow> f, int decimals) {
    auto r = compute_aprc(f, AprcBasis::calendar, decimals);
    return r ? std::string("ok") : r.error().message;
  };
  const std::vector<CashFlow> ok{{make_date(2023, 1, 1), Money{-100}}, {make_date(2024, 1, 1), Money{110}}};
  EXPECT_EQ(msg(ok, 0), "APRC decimals must be between 1 and 6");
  EXPECT_EQ(msg(ok, 7), "APRC decimals must be between 1 and 6");
  EXPECT_EQ(msg({ok[0]}, 1), "APRC needs at least two flows: the credit and a repayment");
  EXPECT_EQ(msg({ok[1], ok[0]}, 1), "flows are not in date order at 2023-01-01");
  EXPECT_EQ(msg({{make_date(2023, 1, 1), Money{100}}, {make_date(2024, 1, 1), Money{110}}}, 1),
            "the flows have no sign change: need money received (negative) and paid (positive)");
  EXPECT_EQ(parse_aprc_basis("standard-year"), AprcBasis::standard_year);
  EXPECT_FALSE(parse_aprc_basis("30/360").has_value());
}
