#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "lending/psk.hpp"
#include "lending/schedule.hpp"
#include "lending_test_util.hpp"

using namespace sdelka::lending;
using sdelka::core::make_date;
using sdelka::core::Money;
using sdelka::core::parse_date;
using sdelka::core::parse_money;

namespace {

std::vector<CashFlow> flows_of(const nlohmann::json& list) {
  std::vector<CashFlow> out;
  for (const auto& f : list) out.push_back({*parse_date(f["date"].get<std::string>()), *parse_money(f["amount"].get<std::string>())});
  return out;
}

long double number(const std::string& s) { return std::stold(s); }

}  // namespace

// Every row of psk_vectors.csv with its flows from psk_cashflows.json.
TEST(Psk, ReferenceVectors) {
  const auto rows = sdelka::testing::read_csv(sdelka::testing::shared_data("lending/psk_vectors.csv"));
  const auto cashflows = nlohmann::json::parse(sdelka::testing::read_text(sdelka::testing::shared_data("lending/psk_cashflows.json")));
  ASSERT_EQ(rows.size(), 6u);
  for (const auto& row : rows) {
    const std::string id = row.at("case_id");
    SCOPED_TRACE(id);
    ASSERT_TRUE(cashflows.contains(id));
    const auto flows = flows_of(cashflows[id]);
    EXPECT_EQ(flows.size(), std::stoul(row.at("n_flows")));
    const auto r = compute_psk(flows, PskRounding::half_up);
    ASSERT_TRUE(r.ok()) << r.error().message;
    const auto tr = compute_psk(flows, PskRounding::truncate);
    ASSERT_TRUE(tr.ok());
    EXPECT_EQ(r->base_period.name(), row.at("base_period"));
    EXPECT_EQ(format_ratio(r->chbp_num, r->chbp_den, 10), format_ratio(static_cast<std::int64_t>(std::llround(number(row.at("chbp")) * 1e10L)), 10'000'000'000LL, 10));
    EXPECT_NEAR(static_cast<double>(r->chbp), static_cast<double>(number(row.at("chbp"))), 1e-10);
    EXPECT_NEAR(static_cast<double>(r->i), static_cast<double>(number(row.at("i_base_period"))), 1e-12);
    EXPECT_EQ(format_fixed(r->psk_exact, 8), row.at("psk_exact"));
    EXPECT_EQ(format_thousandths(r->psk_thousandths), row.at("psk_round3"));
    EXPECT_EQ(format_thousandths(tr->psk_thousandths), row.at("psk_trunc3"));
    // q_k and e_k as published with the flows.
    ASSERT_EQ(r->q.size(), cashflows[id].size());
    for (std::size_t k = 0; k < r->q.size(); ++k) {
      EXPECT_EQ(r->q[k], cashflows[id][k]["q"].get<int>()) << k;
      EXPECT_NEAR(static_cast<double>(r->e[k]), static_cast<double>(number(cashflows[id][k]["e"].get<std::string>())), 1e-12) << k;
    }
    std::int64_t sum = 0;
    for (const auto& f : flows) sum += f.amount.kopecks;
    EXPECT_EQ(r->psk_money.kopecks, sum);
  }
}

// The schedules behind P01, P02 and P08 produce exactly the published flows and ПСК.
TEST(Psk, FromSchedules) {
  const auto cashflows = nlohmann::json::parse(sdelka::testing::read_text(sdelka::testing::shared_data("lending/psk_cashflows.json")));
  LoanTerms t;
  t.principal = *parse_money("100000");
  t.annual_rate = *parse_rate("12");
  t.months = 12;
  t.issue_date = make_date(2024, 1, 15);
  const auto check = [&](const char* id, const char* expected_psk, const char* expected_money) {
    SCOPED_TRACE(id);
    const auto s = build_schedule(t, Calendar::russia());
    ASSERT_TRUE(s.ok());
    const auto flows = cash_flows(t, *s);
    const auto ref = flows_of(cashflows[id]);
    ASSERT_EQ(flows.size(), ref.size());
    for (std::size_t k = 0; k < flows.size(); ++k) {
      EXPECT_EQ(flows[k].date, ref[k].date) << k;
      EXPECT_EQ(flows[k].amount, ref[k].amount) << k;
    }
    const auto r = compute_psk(flows);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(format_thousandths(r->psk_thousandths), expected_psk);
    EXPECT_EQ(sdelka::core::format_money(r->psk_money), expected_money);
  };
  check("P01", "12.000", "6618.53");
  t.fee_at_issue = *parse_money("2000");
  check("P02", "15.854", "8618.53");
  t.fee_at_issue = *parse_money("6000");
  t.principal = *parse_money("120000");
  t.annual_rate = Rate{0};
  check("P08", "9.577", "6000.00");
}

TEST(Psk, DayLoansAndExactBoundaries) {
  // 1 % a day paid daily for 9 days, the principal with the 10th: i = 0.01 per day exactly, ПСК 365.000.
  std::vector<CashFlow> f{{make_date(2024, 3, 1), Money{-1000000}}};
  for (int d = 1; d <= 10; ++d) f.push_back({sdelka::core::add_days(make_date(2024, 3, 1), d), Money{d == 10 ? 1010000 : 10000}});
  for (PskRounding mode : {PskRounding::half_up, PskRounding::truncate}) {
    const auto r = compute_psk(f, mode);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->base_period.name(), "day");
    EXPECT_EQ(format_ratio(r->chbp_num, r->chbp_den, 10), "365");
    EXPECT_EQ(format_thousandths(r->psk_thousandths), "365.000");
  }
  // Weekly payments.
  std::vector<CashFlow> w{{make_date(2024, 3, 1), Money{-1000000}}};
  for (int k = 1; k <= 8; ++k) w.push_back({sdelka::core::add_days(make_date(2024, 3, 1), 7 * k), Money{130000}});
  const auto rw = compute_psk(w);
  ASSERT_TRUE(rw.ok());
  EXPECT_EQ(rw->base_period.name(), "week");
  EXPECT_EQ(format_ratio(rw->chbp_num, rw->chbp_den, 10), "52.1428571429");
  // A 365-day bullet at exactly 10 %: 10.000 in both modes.
  const std::vector<CashFlow> y{{make_date(2023, 1, 15), Money{-10000000}}, {make_date(2024, 1, 15), Money{11000000}}};
  EXPECT_EQ(format_thousandths(compute_psk(y, PskRounding::truncate)->psk_thousandths), "10.000");
  EXPECT_EQ(compute_psk(y)->base_period.name(), "term");
  // Over a leap year the term is 366 days: ЧБП = 365/366 and ПСК = 10 × 365/366 = 9.97267…
  const std::vector<CashFlow> leap{{make_date(2024, 1, 15), Money{-10000000}}, {make_date(2025, 1, 15), Money{11000000}}};
  EXPECT_EQ(format_thousandths(compute_psk(leap)->psk_thousandths), "9.973");
  EXPECT_EQ(format_thousandths(compute_psk(leap, PskRounding::truncate)->psk_thousandths), "9.972");
}

TEST(Psk, MovedPaymentDatesKeepAMonthlyBasePeriod) {
  LoanTerms t;
  t.principal = *parse_money("100000");
  t.annual_rate = *parse_rate("12");
  t.months = 12;
  t.issue_date = make_date(2024, 11, 30);
  t.business_days = BusinessDay::following;
  const auto s = build_schedule(t, Calendar::russia());
  ASSERT_TRUE(s.ok());
  const auto r = compute_psk(cash_flows(t, *s));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->base_period.name(), "month");
  EXPECT_GT(r->e[1], 0);  // 2024-12-30 is a holiday: paid 2025-01-09, a fraction of a month later
  EXPECT_EQ(r->q[1], 1);
  EXPECT_NEAR(static_cast<double>(r->e[1]), 10.0 * 12 / 365, 1e-15);  // Dec 30 → Jan 9
}

TEST(Psk, SeveralSignChangesGiveTheSmallestPositiveRoot) {
  // A second drawdown in the middle of the term.
  const std::vector<CashFlow> f{{make_date(2024, 1, 1), Money{-1000000}},
                                {make_date(2024, 2, 1), Money{300000}},
                                {make_date(2024, 3, 1), Money{-500000}},
                                {make_date(2024, 4, 1), Money{700000}},
                                {make_date(2024, 5, 1), Money{600000}}};
  const auto r = compute_psk(f);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_GT(r->i, 0);
  long double npv = 0;
  for (std::size_t k = 0; k < f.size(); ++k) {
    npv += f[k].amount.kopecks / ((1 + r->e[k] * r->i) * std::pow(1 + r->i, r->q[k]));
  }
  EXPECT_NEAR(static_cast<double>(npv), 0.0, 1e-6);
}

TEST(Psk, ManyDistinctFractionsOfABasePeriod) {
  // Payments every 95 days count as quarters; their remainders after whole quarters take more than
  // 64 distinct values, so the evaluation divides per flow rather than per distinct e.
  std::vector<CashFlow> f{{make_date(2024, 1, 10), Money{-100000000}}};
  for (int k = 1; k <= 90; ++k) f.push_back({sdelka::core::add_days(make_date(2024, 1, 10), 95 * k), Money{1500000}});
  const auto r = compute_psk(f);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->base_period.name(), "quarter");
  std::vector<long double> distinct(r->e.begin(), r->e.end());
  std::sort(distinct.begin(), distinct.end());
  EXPECT_GT(std::unique(distinct.begin(), distinct.end()) - distinct.begin(), 64);
  long double npv = 0, scale = 0;
  for (std::size_t k = 0; k < f.size(); ++k) {
    EXPECT_EQ(r->q[k], sdelka::core::whole_months_between(f[0].date, f[k].date) / 3) << k;
    EXPECT_GE(r->e[k], 0);
    EXPECT_LT(r->e[k], 1.02L);
    npv += f[k].amount.kopecks / ((1 + r->e[k] * r->i) * std::pow(1 + r->i, r->q[k]));
    scale += std::fabs(static_cast<long double>(f[k].amount.kopecks));
  }
  EXPECT_LT(std::fabs(static_cast<double>(npv / scale)), 1e-15);
}

TEST(Psk, ZeroCostIsZero) {
  const std::vector<CashFlow> f{{make_date(2024, 1, 15), Money{-300}}, {make_date(2024, 2, 15), Money{100}},
                                {make_date(2024, 3, 15), Money{100}}, {make_date(2024, 4, 15), Money{100}}};
  const auto r = compute_psk(f, PskRounding::truncate);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(format_thousandths(r->psk_thousandths), "0.000");
  EXPECT_EQ(r->psk_money.kopecks, 0);
}

TEST(Psk, Errors) {
  const auto msg = [](std::vector<CashFlow> f) {
    auto r = compute_psk(f);
    return r ? std::string("ok") : r.error().message;
  };
  EXPECT_EQ(msg({}), "ПСК needs at least two flows: the issue and a repayment");
  EXPECT_EQ(msg({{make_date(2024, 1, 1), Money{-100}}}), "ПСК needs at least two flows: the issue and a repayment");
  EXPECT_EQ(msg({{make_date(2024, 2, 1), Money{-100}}, {make_date(2024, 1, 1), Money{200}}}), "flows are not in date order at 2024-01-01");
  EXPECT_EQ(msg({{make_date(2024, 1, 1), Money{100}}, {make_date(2024, 2, 1), Money{200}}}),
            "the flows have no sign change: need money received (negative) and paid (positive)");
  EXPECT_EQ(msg({{make_date(2024, 1, 1), Money{-100}}, {make_date(2024, 1, 1), Money{200}}}), "all flows are on one date");
  EXPECT_EQ(msg({{make_date(2024, 1, 1), Money{-1000}}, {make_date(2024, 2, 1), Money{900}}}),
            "the ПСК equation has no positive root: the payments do not exceed the amount received");
  EXPECT_FALSE(parse_psk_rounding("round").has_value());
}

TEST(Psk, Formatting) {
  EXPECT_EQ(format_thousandths(12000), "12.000");
  EXPECT_EQ(format_thousandths(11999), "11.999");
  EXPECT_EQ(format_thousandths(5), "0.005");
  EXPECT_EQ(format_thousandths(-5), "-0.005");
  EXPECT_EQ(format_ratio(12, 1, 10), "12");
  EXPECT_EQ(format_ratio(365, 30, 10), "12.1666666667");
  EXPECT_EQ(format_ratio(365, 15, 10), "24.3333333333");
  EXPECT_EQ(format_ratio(1, 2, 10), "0.5");
  EXPECT_EQ(format_fixed(11.999973640L, 8), "11.99997364");
}
