// Scorecard engine at scale: the German credit sample resampled to 1,000,000 applicants (with small
// noise on the continuous columns, fixed seed), then
//   Train/1M          training (binning, selection, IRLS, points, metrics, data hash) from the table
//   Score/1M          score + PD + grade + three reasons for every applicant, table in memory
//   ScoreNoReasons/1M score + PD + grade only
//   EndToEndScore/1M  CSV text -> table -> scores -> CSV text
//   EndToEndTrain/1M  CSV text -> table -> model -> JSON text
// Goals from issue 5: train <= 1 s, score in memory <= 60 ms.
#include <benchmark/benchmark.h>

#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "lending/scorecard.hpp"
#include "lending/scorecard_file.hpp"
#include "lending/scorecard_report.hpp"

namespace sc = sdelka::lending::scoring;

namespace {

constexpr std::size_t kRows = 1'000'000;

struct Data {
  std::string csv;  // the 1 M rows as CSV text
  sc::Table table;  // the same rows, parsed
};

// Resamples the sample's rows with replacement; Duration, Amount and Age (the columns with more than
// 20 distinct values) get a uniform +-5 % jitter, rounded to whole units, at least 1.
const Data& data() {
  static const Data d = [] {
    std::ifstream in(std::string(SDELKA_SHARED_DATA) + "/credit/german_credit_train.csv", std::ios::binary);
    if (!in) throw std::runtime_error("german_credit_train.csv not found");
    const sc::Table sample = sc::read_csv(in);
    std::vector<bool> jitter(sample.columns.size());
    for (std::size_t j = 0; j < sample.columns.size(); ++j) {
      const auto& name = sample.columns[j].name;
      jitter[j] = name != "id" && sample.columns[j].dict.size() > 20;
    }
    std::vector<std::string> header;
    for (const auto& c : sample.columns) header.push_back(c.name);
    sc::TableBuilder builder(header);
    Data out;
    for (std::size_t j = 0; j < header.size(); ++j) out.csv += (j ? "," : "") + header[j];
    out.csv += '\n';
    std::mt19937_64 rng(20240605);
    std::vector<std::string> cells(header.size());
    for (std::size_t r = 0; r < kRows; ++r) {
      const std::size_t src = rng() % sample.rows();
      for (std::size_t j = 0; j < header.size(); ++j) {
        if (header[j] == "id") {
          cells[j] = std::to_string(r + 1);
        } else if (jitter[j]) {
          const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53 * 0.1 - 0.05;
          const double v = std::stod(std::string(sample.cell(src, j)));
          cells[j] = std::to_string(std::max<long long>(1, std::llround(v * (1.0 + u))));
        } else {
          cells[j] = std::string(sample.cell(src, j));
        }
        builder.add_cell(cells[j]);
        out.csv += cells[j];
        out.csv += j + 1 < header.size() ? ',' : '\n';
      }
      builder.end_row();
    }
    out.table = builder.finish();
    return out;
  }();
  return d;
}

sc::TrainOptions options() {
  sc::TrainOptions o;
  o.target = "bad";
  o.id = "id";
  o.exclude = {"Personal", "ForeignWorker"};
  return o;
}

const sc::Scorecard& model() {
  static const sc::Scorecard m = sc::train(data().table, options());
  return m;
}

void Train(benchmark::State& state) {
  const Data& d = data();
  for (auto _ : state) {
    sc::Scorecard m = sc::train(d.table, options());
    benchmark::DoNotOptimize(m.intercept);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kRows));
}

void Score(benchmark::State& state, bool reasons) {
  const Data& d = data();
  const sc::Scorecard& m = model();
  sc::ScoreOptions so = sc::default_score_options(m);
  so.reasons = reasons;
  for (auto _ : state) {
    sc::ScoredBatch s = sc::score(m, d.table, so);
    benchmark::DoNotOptimize(s.pd.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kRows));
}

void EndToEndScore(benchmark::State& state) {
  const Data& d = data();
  const std::string model_json = sc::model_to_json(model());
  for (auto _ : state) {
    const sc::Scorecard m = sc::model_from_json(model_json);
    std::istringstream in(d.csv);
    const sc::Table t = sc::read_csv(in);
    const sc::ScoredBatch s = sc::score(m, t, sc::default_score_options(m));
    std::ostringstream out;
    sc::write_scores_csv(out, m, s, t.find("id"));
    benchmark::DoNotOptimize(out.tellp());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kRows));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * d.csv.size()));
}

void EndToEndTrain(benchmark::State& state) {
  const Data& d = data();
  for (auto _ : state) {
    std::istringstream in(d.csv);
    const sc::Table t = sc::read_csv(in);
    const std::string json = sc::model_to_json(sc::train(t, options()));
    benchmark::DoNotOptimize(json.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kRows));
}

}  // namespace

BENCHMARK(Train)->Name("Train/1M")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(Score, with_reasons, true)->Name("Score/1M")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(Score, without_reasons, false)
    ->Name("ScoreNoReasons/1M")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(EndToEndScore)->Name("EndToEndScore/1M")->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
BENCHMARK(EndToEndTrain)->Name("EndToEndTrain/1M")->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

BENCHMARK_MAIN();
