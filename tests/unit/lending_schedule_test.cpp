#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <numeric>
#include <string>

#include "lending/schedule.hpp"

using namespace sdelka::lending;
using sdelka::core::make_date;
using sdelka::core::Money;
using sdelka::core::parse_money;
using sdelka::core::Rounding;

namespace {

Money rub(const char* text) { return *parse_money(text); }

LoanTerms loan(const char* principal, const char* rate, int months) {
  LoanTerms t;
  t.principal = rub(principal);
  t.annual_rate = *parse_rate(rate);
  t.months = months;
  t.issue_date = make_date(2024, 1, 15);
  return t;
}

Schedule build(const LoanTerms& t) {
  auto s = build_schedule(t, Calendar::russia());
  if (!s) ADD_FAILURE() << s.error().message;
  return s ? *s : Schedule{};
}

std::string error_of(const LoanTerms& t) {
  auto s = build_schedule(t, Calendar::russia());
  return s ? std::string("ok") : s.error().message;
}

}  // namespace

TEST(Schedule, IssueExampleAnnuity) {
  const auto s = build(loan("100000.00", "12", 12));
  EXPECT_EQ(s.payment, rub("8884.88"));
  ASSERT_EQ(s.rows.size(), 12u);
  const auto& r1 = s.rows[0];
  EXPECT_EQ(r1.n, 1);
  EXPECT_EQ(r1.date, make_date(2024, 2, 15));
  EXPECT_EQ(r1.payment, rub("8884.88"));
  EXPECT_EQ(r1.interest, rub("1000.00"));
  EXPECT_EQ(r1.principal, rub("7884.88"));
  EXPECT_EQ(r1.balance, rub("92115.12"));
  EXPECT_EQ(s.rows[11].date, make_date(2025, 1, 15));
  EXPECT_EQ(s.rows[11].payment, rub("8884.85"));
  EXPECT_EQ(s.total_interest, rub("6618.53"));
  EXPECT_EQ(s.total_paid, rub("106618.53"));
  EXPECT_EQ(s.total_fees, rub("0"));
  EXPECT_FALSE(s.provisional_calendar);
}

TEST(Schedule, ParsesRates) {
  EXPECT_EQ(parse_rate("12")->micro_percent, 12'000'000);
  EXPECT_EQ(parse_rate("9.4822")->micro_percent, 9'482'200);
  EXPECT_EQ(parse_rate("0")->micro_percent, 0);
  EXPECT_EQ(parse_rate("10000")->micro_percent, kMaxRateMicroPercent);
  EXPECT_EQ(parse_rate("0.000001")->micro_percent, 1);
  EXPECT_EQ(parse_rate("10000.000001").error().message, "rate over 10000 %: '10000.000001'");
  EXPECT_EQ(parse_rate("-1").error().message, "rate must not be negative: '-1'");
  EXPECT_EQ(parse_rate("0.0000001").error().message, "rate '0.0000001' has more than 6 decimals");
  for (const char* t : {"", "abc", "12%", "1.", ".5", "1,5", "1e2"}) EXPECT_FALSE(parse_rate(t).ok()) << t;
}

TEST(Schedule, RateZero) {
  const auto s = build(loan("100000", "0", 3));
  ASSERT_EQ(s.rows.size(), 3u);
  EXPECT_EQ(s.rows[0].payment, rub("33333.33"));
  EXPECT_EQ(s.rows[1].payment, rub("33333.33"));
  EXPECT_EQ(s.rows[2].payment, rub("33333.34"));
  EXPECT_EQ(s.total_interest, rub("0"));
}

TEST(Schedule, Differentiated) {
  auto t = loan("100000", "12", 12);
  t.method = Method::differentiated;
  const auto s = build(t);
  EXPECT_EQ(s.rows.front().payment, rub("9333.33"));
  EXPECT_EQ(s.rows.back().payment, rub("8416.70"));
  EXPECT_EQ(s.total_paid, rub("106500.00"));
  EXPECT_EQ(s.payment, rub("9333.33"));
}

TEST(Schedule, GraceMonthsAreInterestOnly) {
  auto t = loan("100000", "12", 12);
  t.grace_months = 3;
  const auto s = build(t);
  for (int k = 0; k < 3; ++k) {
    EXPECT_EQ(s.rows[k].principal, rub("0"));
    EXPECT_EQ(s.rows[k].payment, rub("1000.00"));
    EXPECT_EQ(s.rows[k].balance, rub("100000"));
  }
  EXPECT_EQ(s.payment, rub("11674.04"));  // PMT over the remaining 9 months
  EXPECT_EQ(s.rows[3].payment, rub("11674.04"));
  EXPECT_EQ(s.rows.back().payment, rub("11674.00"));
  EXPECT_EQ(s.total_interest, rub("8066.32"));
}

TEST(Schedule, IrregularFirstPeriod) {
  auto t = loan("100000", "12", 12);
  t.first_payment = make_date(2024, 3, 1);
  auto s = build(t);
  EXPECT_EQ(s.rows[0].date, make_date(2024, 3, 1));
  EXPECT_EQ(s.rows[0].interest, rub("1533.33"));  // 30E/360: 46 days
  EXPECT_EQ(s.payment, rub("8931.80"));           // the level payment over 46/360 + 11 × 30/360
  EXPECT_EQ(s.rows[0].principal, rub("7398.47"));
  EXPECT_EQ(s.rows[1].date, make_date(2024, 4, 1));
  EXPECT_EQ(s.rows.back().date, make_date(2025, 2, 1));
  EXPECT_EQ(s.rows.back().payment, rub("8931.75"));
  EXPECT_EQ(s.total_interest, rub("7181.55"));
  t.day_count = DayCount::actual_365;
  s = build(t);
  EXPECT_EQ(s.rows[0].interest, rub("1512.33"));  // 46 actual days / 365
}

TEST(Schedule, DayCountConventions) {
  auto t = loan("100000", "12", 12);
  t.day_count = DayCount::actual_365;
  EXPECT_EQ(build(t).rows[0].interest, rub("1019.18"));  // 31 days / 365
  t.day_count = DayCount::actual_actual;
  EXPECT_EQ(build(t).rows[0].interest, rub("1016.39"));  // 31 days / 366 (2024)
  t.issue_date = make_date(2024, 12, 15);
  EXPECT_EQ(build(t).rows[0].interest, rub("1017.65"));  // 17/366 + 14/365
  t.day_count = DayCount::thirty_360;
  EXPECT_EQ(build(t).rows[0].interest, rub("1000.00"));
  EXPECT_EQ(parse_day_count("actual-actual"), DayCount::actual_actual);
  EXPECT_FALSE(parse_day_count("act/360").has_value());
}

TEST(Schedule, DayBasedLevelPaymentLeavesOnlyRounding) {
  for (DayCount dc : {DayCount::actual_365, DayCount::actual_actual}) {
    for (int months : {12, 240, 360}) {
      auto t = loan("5000000", "8", months);
      t.day_count = dc;
      t.business_days = BusinessDay::following;
      const auto s = build(t);
      ASSERT_EQ(static_cast<int>(s.rows.size()), months);
      // The last payment differs from the level one by rounding only (kopecks grown by interest).
      EXPECT_LE(std::llabs(s.rows.back().payment.kopecks - s.payment.kopecks), 1000) << to_string(dc) << " " << months;
    }
  }
}

TEST(Schedule, BusinessDayMovesAndInterestFollowsRealDatesOnlyWhenDayBased) {
  auto t = loan("100000", "12", 12);
  t.issue_date = make_date(2024, 5, 12);  // payments on the 12th; 2024-06-12 is Russia Day
  t.business_days = BusinessDay::following;
  auto s = build(t);
  EXPECT_EQ(s.rows[0].date, make_date(2024, 6, 13));
  EXPECT_EQ(s.rows[0].interest, rub("1000.00"));        // 30/360 keeps to the scheduled dates
  EXPECT_EQ(s.rows[1].date, make_date(2024, 7, 12));
  EXPECT_EQ(s.rows[1].interest, Money{(s.rows[0].balance.kopecks + 50) / 100});  // 1 % of the balance, half-up
  t.day_count = DayCount::actual_365;
  s = build(t);
  EXPECT_EQ(s.rows[0].interest, rub("1052.05"));         // May 12 → Jun 13: 32 days
  EXPECT_EQ(s.rows[1].date, make_date(2024, 7, 12));     // Jun 13 → Jul 12: 29 days
  EXPECT_FALSE(s.provisional_calendar);
  t.issue_date = make_date(2026, 6, 12);                  // runs into 2027: provisional calendar
  EXPECT_TRUE(build(t).provisional_calendar);
  t.business_days = BusinessDay::none;
  EXPECT_FALSE(build(t).provisional_calendar);
  // Preceding from a first payment the day after issue, on a day off, lands on the issue date.
  t.issue_date = make_date(2024, 6, 11);
  t.first_payment = make_date(2024, 6, 12);
  t.business_days = BusinessDay::preceding;
  EXPECT_EQ(error_of(t), "payment 1 moves to 2024-06-11, not after the issue date; use another business-day convention");
}

TEST(Schedule, EarlyRepaymentReducesTerm) {
  auto t = loan("100000", "12", 12);
  t.early.push_back({make_date(2024, 4, 1), rub("20000"), EarlyMode::reduce_term});
  const auto s = build(t);
  ASSERT_EQ(s.rows.size(), 11u);  // 2 regular, the early one, 8 more regular
  EXPECT_EQ(s.rows[2].kind, RowKind::early);
  EXPECT_EQ(s.rows[2].date, make_date(2024, 4, 1));
  EXPECT_EQ(s.rows[2].interest, rub("448.81"));   // 16 days (30E/360) on 84151.39
  EXPECT_EQ(s.rows[2].balance, rub("64600.20"));
  EXPECT_EQ(s.rows[3].interest, rub("301.47"));   // the broken rest of the period: 14 days
  EXPECT_EQ(s.rows[3].payment, rub("8884.88"));
  EXPECT_EQ(s.rows.back().date, make_date(2024, 11, 15));
  EXPECT_EQ(s.rows.back().payment, rub("4851.06"));
  EXPECT_EQ(s.rows.back().balance, rub("0"));
}

TEST(Schedule, EarlyRepaymentReducesPayment) {
  auto t = loan("100000", "12", 12);
  t.early.push_back({make_date(2024, 4, 1), rub("20000"), EarlyMode::reduce_payment});
  const auto s = build(t);
  ASSERT_EQ(s.rows.size(), 13u);
  EXPECT_EQ(s.rows[3].payment, rub("6784.61"));  // level over the broken 14/360 period and 9 whole months
  EXPECT_EQ(s.rows[4].payment, rub("6784.61"));
  EXPECT_EQ(s.rows.back().date, make_date(2025, 1, 15));
  EXPECT_EQ(s.rows.back().balance, rub("0"));
  EXPECT_EQ(s.payment, rub("8884.88"));  // the payment agreed at issue
}

TEST(Schedule, EarlyRepaymentOnAPaymentDateComesAfterThePayment) {
  auto t = loan("100000", "12", 12);
  t.early.push_back({make_date(2024, 3, 15), rub("30000"), EarlyMode::reduce_payment});
  const auto s = build(t);
  EXPECT_EQ(s.rows[1].kind, RowKind::regular);
  EXPECT_EQ(s.rows[2].kind, RowKind::early);
  EXPECT_EQ(s.rows[2].interest, rub("0"));
  EXPECT_EQ(s.rows[2].balance, rub("54151.39"));
  EXPECT_EQ(s.rows[3].payment, *annuity_payment(rub("54151.39"), *parse_rate("12"), 10, Rounding::half_up));
}

TEST(Schedule, EarlyRepaymentOfEverythingClosesTheLoan) {
  auto t = loan("100000", "12", 12);
  const Money payoff = *payoff_amount(t, Calendar::russia(), make_date(2024, 4, 1));
  EXPECT_EQ(payoff, rub("84600.20"));
  t.early.push_back({make_date(2024, 4, 1), payoff, EarlyMode::reduce_term});
  const auto s = build(t);
  ASSERT_EQ(s.rows.size(), 3u);
  EXPECT_EQ(s.rows.back().balance, rub("0"));
  t.early[0].amount = payoff + Money{1};
  EXPECT_EQ(error_of(t), "early repayment of 84600.21 on 2024-04-01 exceeds the payoff amount 84600.20");
  t.early[0].amount = rub("100");
  EXPECT_EQ(error_of(t), "early repayment of 100.00 on 2024-04-01 does not exceed the interest accrued, 448.81");
  t.early[0] = {make_date(2025, 2, 1), rub("100"), EarlyMode::reduce_term};
  EXPECT_EQ(error_of(t), "early repayment on 2025-02-01: after the loan is repaid");
}

TEST(Schedule, PayoffOnAnyDate) {
  const auto t = loan("100000", "12", 12);
  const Calendar& cal = Calendar::russia();
  EXPECT_EQ(*payoff_amount(t, cal, make_date(2024, 1, 15)), rub("100000"));
  EXPECT_EQ(*payoff_amount(t, cal, make_date(2024, 1, 16)), rub("100033.33"));  // 1 day: 100000 × 12 % / 360
  EXPECT_EQ(*payoff_amount(t, cal, make_date(2024, 4, 1)), rub("84600.20"));
  EXPECT_EQ(*payoff_amount(t, cal, make_date(2025, 1, 15)), rub("8884.85"));
  EXPECT_EQ(*payoff_amount(t, cal, make_date(2025, 1, 16)), rub("0"));
  EXPECT_EQ(payoff_amount(t, cal, make_date(2024, 1, 14)).error().message, "payoff date 2024-01-14 is before the issue date");
}

TEST(Schedule, FeesEnterTotalsAndFlows) {
  auto t = loan("100000", "12", 12);
  t.fee_at_issue = rub("2000");
  t.monthly_fee = rub("199");
  const auto s = build(t);
  EXPECT_EQ(s.payment, rub("9083.88"));
  EXPECT_EQ(s.rows[0].fee, rub("199"));
  EXPECT_EQ(s.rows[0].payment, rub("9083.88"));
  EXPECT_EQ(s.total_fees, rub("4388.00"));
  EXPECT_EQ(s.total_interest, rub("6618.53"));
  EXPECT_EQ(s.total_paid, rub("111006.53"));
  const auto flows = cash_flows(t, s);
  ASSERT_EQ(flows.size(), 13u);
  EXPECT_EQ(flows[0].amount, rub("-98000"));
  EXPECT_EQ(flows[1].amount, rub("9083.88"));
}

TEST(Schedule, RejectsBadTerms) {
  auto t = loan("100000", "12", 12);
  t.principal = Money{0};
  EXPECT_EQ(error_of(t), "principal must be positive");
  t = loan("100000", "12", 0);
  EXPECT_EQ(error_of(t), "months must be between 1 and 1200");
  t = loan("100000", "12", 1201);
  EXPECT_EQ(error_of(t), "months must be between 1 and 1200");
  t = loan("100000", "12", 12);
  t.annual_rate = Rate{kMaxRateMicroPercent + 1};
  EXPECT_EQ(error_of(t), "rate must be between 0 and 10000 %");
  t = loan("100000", "12", 12);
  t.first_payment = t.issue_date;
  EXPECT_EQ(error_of(t), "first payment date must be after the issue date");
  t.first_payment = make_date(2025, 2, 1);
  EXPECT_EQ(error_of(t), "first payment date must be within 12 months of the issue date");
  t = loan("100000", "12", 12);
  t.grace_months = 12;
  EXPECT_EQ(error_of(t), "grace months must be between 0 and months - 1");
  t = loan("100000", "12", 12);
  t.monthly_fee = Money{-1};
  EXPECT_EQ(error_of(t), "fees must not be negative");
  t = loan("100000", "12", 12);
  t.early = {{make_date(2024, 1, 15), rub("1000"), EarlyMode::reduce_term}};
  EXPECT_EQ(error_of(t), "early repayment on 2024-01-15: must be after the issue date");
  t.early = {{make_date(2024, 5, 1), rub("1000"), EarlyMode::reduce_term}, {make_date(2024, 4, 1), rub("1000"), EarlyMode::reduce_term}};
  EXPECT_EQ(error_of(t), "early repayment on 2024-04-01: early repayments must be in date order");
}

TEST(Schedule, ExtremeButValidLoansStayExact) {
  // 999 трлн at 10 000 % over 1200 months: the payment fits, the totals do not.
  auto t = loan("999999999999999.99", "10000", 1200);
  EXPECT_EQ(error_of(t), "amounts beyond the supported range");
  // A big loan on the 128-bit path still matches the 64-bit path's rounding.
  t = loan("50000000000", "17.25", 360);
  const auto s = build(t);
  EXPECT_EQ(s.rows.back().balance, rub("0"));
  EXPECT_EQ(s.rows[0].interest, rub("718750000.00"));
}

// Properties over a grid of loans.
TEST(Schedule, Properties) {
  const char* principals[] = {"1", "100", "99999.99", "1500000", "5555555.55"};
  const char* rates[] = {"0", "0.01", "7.77", "29.9", "292"};
  const int months[] = {1, 2, 13, 60, 121};
  int checked = 0;
  for (const char* p : principals) {
    for (const char* r : rates) {
      for (int n : months) {
        for (Method m : {Method::annuity, Method::differentiated}) {
          for (DayCount dc : {DayCount::thirty_360, DayCount::actual_365, DayCount::actual_actual}) {
            for (Rounding rnd : {Rounding::half_up, Rounding::half_even}) {
              auto t = loan(p, r, n);
              t.method = m;
              t.day_count = dc;
              t.rounding = rnd;
              t.business_days = n == 13 ? BusinessDay::following : BusinessDay::none;
              const auto s = build(t);
              // A loan of less than a rouble a month may be repaid early by payments rounded up; so may
              // one whose interest multiplies a kopeck of rounding more than a hundredfold.
              const long double growth = std::pow(1.0L + std::stold(r) / 1200, n);
              const bool roomy = t.principal.kopecks >= 100 * n && growth <= 100;
              if (roomy) {
                ASSERT_EQ(static_cast<int>(s.rows.size()), n);
              }
              ASSERT_LE(static_cast<int>(s.rows.size()), n);
              std::int64_t principal_sum = 0, interest_sum = 0;
              Money prev_balance = t.principal;
              for (std::size_t k = 0; k < s.rows.size(); ++k) {
                const auto& row = s.rows[k];
                principal_sum += row.principal.kopecks;
                interest_sum += row.interest.kopecks;
                EXPECT_GE(row.balance.kopecks, 0);
                EXPECT_GE(row.principal.kopecks, 0);
                EXPECT_EQ(row.payment, row.principal + row.interest + row.fee);
                EXPECT_EQ(row.balance, prev_balance - row.principal);
                if (k > 0) {
                  EXPECT_GT(row.date, s.rows[k - 1].date);
                }
                prev_balance = row.balance;
              }
              EXPECT_EQ(principal_sum, t.principal.kopecks) << p << " " << r << " " << n;
              EXPECT_EQ(s.rows.back().balance.kopecks, 0);
              EXPECT_EQ(s.total_interest.kopecks, interest_sum);
              EXPECT_EQ(s.total_paid.kopecks, principal_sum + interest_sum);
              if (m == Method::differentiated && dc == DayCount::thirty_360) {
                // Every payment but the residue-absorbing last is no larger than the one before; with
                // interest of at least 1 % the last is no larger than the first either.
                for (std::size_t k = 1; k + 1 < s.rows.size(); ++k) {
                  EXPECT_LE(s.rows[k].payment, s.rows[k - 1].payment) << p << " " << r << " " << n << " " << k;
                }
                if (roomy && t.annual_rate.micro_percent >= 1'000'000) {
                  EXPECT_LE(s.rows.back().payment, s.rows.front().payment);
                }
              }
              if (n <= 13) {
                // The payoff on a payment date is the balance before it plus that period's interest.
                Money before = t.principal;
                for (const auto& row : s.rows) {
                  EXPECT_EQ(*payoff_amount(t, Calendar::russia(), row.date), before + row.interest);
                  before = row.balance;
                }
              }
              ++checked;
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(checked, 5 * 5 * 5 * 2 * 3 * 2);
}

TEST(Schedule, DifferentiatedPaymentsDecreaseForTypicalLoans) {
  for (const char* p : {"100000", "1000", "777777.77", "3000000"}) {
    for (const char* r : {"5", "12", "24.9"}) {
      for (int n : {6, 7, 36, 240}) {
        auto t = loan(p, r, n);
        t.method = Method::differentiated;
        const auto s = build(t);
        for (std::size_t k = 1; k < s.rows.size(); ++k) {
          EXPECT_LE(s.rows[k].payment, s.rows[k - 1].payment) << p << " " << r << " " << n << " " << k;
        }
      }
    }
  }
}
