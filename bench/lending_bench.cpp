// Benchmarks of the lending engine (issue 4): schedule, ПСК, APRC, sum in words. Not a timed test.
#include <benchmark/benchmark.h>

#include "core/words.hpp"
#include "lending/aprc.hpp"
#include "lending/psk.hpp"
#include "lending/schedule.hpp"

using namespace sdelka;
using namespace sdelka::lending;

namespace {

LoanTerms mortgage(DayCount dc, BusinessDay bd) {
  LoanTerms t;
  t.principal = *core::parse_money("5000000.00");
  t.annual_rate = *parse_rate("12");
  t.months = 360;
  t.issue_date = core::make_date(2024, 1, 15);
  t.day_count = dc;
  t.business_days = bd;
  return t;
}

// The goal of the issue: a 360-month annuity schedule (defaults: 30/360, half-up, no moves) ≤ 5 µs.
void BM_AnnuitySchedule360(benchmark::State& state) {
  const LoanTerms t = mortgage(DayCount::thirty_360, BusinessDay::none);
  const Calendar& cal = Calendar::russia();
  for (auto _ : state) {
    auto s = build_schedule(t, cal);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_AnnuitySchedule360);

// Day-based interest, payment dates moved by the production calendar, exact level payment.
void BM_AnnuitySchedule360Actual365Following(benchmark::State& state) {
  const LoanTerms t = mortgage(DayCount::actual_365, BusinessDay::following);
  const Calendar& cal = Calendar::russia();
  for (auto _ : state) {
    auto s = build_schedule(t, cal);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_AnnuitySchedule360Actual365Following);

void BM_AnnuityPayment(benchmark::State& state) {
  const Money p = *core::parse_money("5000000.00");
  const Rate r = *parse_rate("12");
  for (auto _ : state) {
    auto x = annuity_payment(p, r, 360, core::Rounding::half_up);
    benchmark::DoNotOptimize(x);
  }
}
BENCHMARK(BM_AnnuityPayment);

std::vector<CashFlow> flows360() {
  const LoanTerms t = mortgage(DayCount::thirty_360, BusinessDay::following);
  return cash_flows(t, *build_schedule(t, Calendar::russia()));
}

// The goal of the issue: a 360-flow ПСК solve ≤ 20 µs (361 flows: the issue and 360 payments).
void BM_Psk360(benchmark::State& state) {
  const auto flows = flows360();
  for (auto _ : state) {
    auto r = compute_psk(flows);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Psk360);

void BM_Aprc360(benchmark::State& state) {
  const auto flows = flows360();
  for (auto _ : state) {
    auto r = compute_aprc(flows);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Aprc360);

void BM_AmountInWords(benchmark::State& state) {
  const Money m{98765432101234};  // 987 654 321 012,34 ₽
  for (auto _ : state) {
    auto w = core::amount_in_words(m);
    benchmark::DoNotOptimize(w);
  }
}
BENCHMARK(BM_AmountInWords);

}  // namespace

BENCHMARK_MAIN();
