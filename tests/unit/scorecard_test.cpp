// The scorecard end to end: training on the German credit sample, cross-validation, determinism, the
// model file, applying with reasons, missing and unseen values, evaluation and errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include "lending/scorecard.hpp"
#include "lending/scorecard_file.hpp"
#include "lending/scorecard_report.hpp"

namespace sc = sdelka::lending::scoring;

namespace {

const sc::Table& german() {
  static const sc::Table t = [] {
    std::ifstream in(std::string(SDELKA_SHARED_DATA) + "/credit/german_credit_train.csv", std::ios::binary);
    if (!in) throw std::runtime_error("german_credit_train.csv not found under " SDELKA_SHARED_DATA);
    return sc::read_csv(in);
  }();
  return t;
}

sc::TrainOptions german_options() {
  sc::TrainOptions o;
  o.target = "bad";
  o.id = "id";
  o.exclude = {"Personal", "ForeignWorker"};
  return o;
}

const sc::Scorecard& german_model() {
  static const sc::Scorecard m = sc::train(german(), german_options());
  return m;
}

const sc::ScorecardVariable* variable(const sc::Scorecard& m, std::string_view name) {
  for (const auto& v : m.variables) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

// A small synthetic table: numeric x (risk rises with it, 10 % missing and risky), category c (A
// risky), and a useless column. Deterministic arithmetic, no random numbers.
sc::Table synthetic(std::size_t rows) {
  sc::TableBuilder b({"x", "c", "noise", "bad"});
  for (std::size_t i = 0; i < rows; ++i) {
    const int x = static_cast<int>(i % 50);
    const bool missing = i % 10 == 0;
    const char* c = i % 3 == 0 ? "A" : i % 3 == 1 ? "B" : "C";
    const int u = static_cast<int>((i * 37 + i / 7) % 100);
    int threshold = missing ? 70 : 5 + x;
    if (c[0] == 'A') threshold += 25;
    const std::string xs = missing ? "" : std::to_string(x);
    const std::string noise = std::to_string(i % 2);
    const std::string bad = u < threshold ? "1" : "0";
    const std::string_view cells[] = {xs, c, noise, bad};
    b.add_row(cells);
  }
  return b.finish();
}

}  // namespace

TEST(Scorecard, GermanCreditCrossValidatedAucWithProtectedAttributesExcluded) {
  const std::vector<double> auc = sc::cross_validate(german(), german_options(), 5, 1);
  ASSERT_EQ(auc.size(), 5u);
  const double mean = std::accumulate(auc.begin(), auc.end(), 0.0) / 5.0;
  RecordProperty("cv_auc", std::to_string(mean));
  std::printf("5-fold cross-validated AUC: %.4f\n", mean);
  EXPECT_GE(mean, 0.76);
}

TEST(Scorecard, GermanCreditModelShape) {
  const sc::Scorecard& m = german_model();
  EXPECT_EQ(m.training, (sc::ClassCounts{490, 210}));
  EXPECT_EQ(variable(m, "Personal"), nullptr);
  EXPECT_EQ(variable(m, "ForeignWorker"), nullptr);
  EXPECT_EQ(variable(m, "id"), nullptr);
  int excluded = 0;
  for (const auto& d : m.dropped) excluded += d.reason == "excluded by option" ? 1 : 0;
  EXPECT_EQ(excluded, 2);

  const auto* checking = variable(m, "CheckingAccountStatus");
  ASSERT_NE(checking, nullptr);
  EXPECT_EQ(checking->type, sc::VariableType::categorical);
  EXPECT_EQ(m.variables.front().name, "CheckingAccountStatus");  // the strongest variable comes first
  const auto* duration = variable(m, "Duration");
  ASSERT_NE(duration, nullptr);
  EXPECT_EQ(duration->type, sc::VariableType::numeric);

  const std::int64_t min_count = 35;  // 5 % of 700
  for (const auto& v : m.variables) {
    EXPECT_GE(v.iv, m.options.min_iv) << v.name;
    EXPECT_LT(v.coefficient, 0.0) << v.name;
    double iv = 0.0;
    std::vector<double> range_woe;
    for (const auto& b : v.bins) {
      iv += b.iv;
      if (b.kind == sc::BinKind::range || b.kind == sc::BinKind::categories) {
        EXPECT_GE(b.counts.total(), min_count) << v.name;
        EXPECT_GT(b.counts.goods, 0);
        EXPECT_GT(b.counts.bads, 0);
      }
      if (b.kind == sc::BinKind::range) range_woe.push_back(b.woe);
      EXPECT_EQ(b.points, std::round(b.points));
    }
    EXPECT_NEAR(iv, v.iv, 1e-12);
    EXPECT_LE(v.bins.size(), static_cast<std::size_t>(m.options.max_bins) + 2);
    // Numeric variables: WOE strictly monotone over the ranges.
    if (range_woe.size() > 2) {
      const bool up = range_woe[1] > range_woe[0];
      for (std::size_t i = 1; i < range_woe.size(); ++i) EXPECT_EQ(range_woe[i] > range_woe[i - 1], up) << v.name;
    }
  }
  EXPECT_GT(m.metrics.train.auc, 0.78);
  EXPECT_TRUE(m.metrics.logit_converged);
  EXPECT_EQ(m.data_hash.rfind("blake2b-256:", 0), 0u);
  EXPECT_EQ(m.data_hash.size(), 12u + 64u);
}

TEST(Scorecard, TrainingIsDeterministicAndTheModelFileRoundTrips) {
  const std::string a = sc::model_to_json(sc::train(german(), german_options()));
  const std::string b = sc::model_to_json(sc::train(german(), german_options()));
  EXPECT_EQ(a, b);
  const sc::Scorecard back = sc::model_from_json(a);
  EXPECT_EQ(sc::model_to_json(back), a);
  // A different data set gives a different hash.
  std::vector<std::uint32_t> rows(german().rows() - 1);
  std::iota(rows.begin(), rows.end(), 1u);
  EXPECT_NE(sc::train(german().select_rows(rows), german_options()).data_hash, german_model().data_hash);
}

TEST(Scorecard, ModelFileOfAnotherVersionIsRefusedClearly) {
  std::string text = sc::model_to_json(german_model());
  const auto at = text.find("\"version\": 1");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 12, "\"version\": 2");
  try {
    sc::model_from_json(text);
    FAIL() << "version 2 accepted";
  } catch (const sc::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("version 2 is not supported"), std::string::npos) << e.what();
  }
  EXPECT_THROW(sc::model_from_json("{\"format\": \"other\"}"), sc::InputError);
  EXPECT_THROW(sc::model_from_json("not json"), sc::InputError);
  std::string truncated = sc::model_to_json(german_model());
  truncated.erase(truncated.find("\"intercept\""), 10);
  EXPECT_THROW(sc::model_from_json(truncated), sc::InputError);
}

TEST(Scorecard, ScalingDefaults) {
  const sc::Scaling s;  // 600 points at 50:1, 20 points double the odds
  EXPECT_NEAR(sc::pd_of_score(s, 600), 1.0 / 51.0, 1e-12);
  EXPECT_NEAR(sc::pd_of_score(s, 620), 1.0 / 101.0, 1e-12);
  EXPECT_NEAR(sc::pd_of_score(s, 580), 1.0 / 26.0, 1e-12);
  EXPECT_EQ(sc::grade_of(0.05, {0.1, 0.2, 0.35, 0.5}), 'A');
  EXPECT_EQ(sc::grade_of(0.1, {0.1, 0.2, 0.35, 0.5}), 'B');
  EXPECT_EQ(sc::grade_of(0.49, {0.1, 0.2, 0.35, 0.5}), 'D');
  EXPECT_EQ(sc::grade_of(0.5, {0.1, 0.2, 0.35, 0.5}), 'E');
  EXPECT_THROW(sc::check_grade_cutoffs({0.2, 0.1, 0.35, 0.5}), sc::InputError);
}

TEST(Scorecard, PointsReproduceTheLogisticModelWithoutRounding) {
  sc::TrainOptions o = german_options();
  o.round_points = false;
  o.scaling = sc::Scaling{500.0, 20.0, 40.0};
  const sc::Scorecard m = sc::train(german(), o);
  sc::ScoreOptions so = sc::default_score_options(m);
  const sc::ScoredBatch s = sc::score(m, german(), so);
  // Score of row 0 from the coefficients, and the PD of the logistic regression.
  double eta = m.intercept;
  for (std::size_t v = 0; v < m.variables.size(); ++v) {
    const auto& var = m.variables[v];
    const sc::Column* col = german().find(var.name);
    const std::string cell = col->dict[col->codes[0]];
    for (const auto& b : var.bins) {
      const bool hit = b.kind == sc::BinKind::categories
                           ? std::find(b.categories.begin(), b.categories.end(), cell) != b.categories.end()
                           : b.kind == sc::BinKind::range && std::stod(cell) >= b.lower && std::stod(cell) < b.upper;
      if (hit) eta += var.coefficient * b.woe;
    }
  }
  const double factor = 40.0 / std::log(2.0);
  EXPECT_NEAR(s.score[0], 500.0 - factor * std::log(20.0) - factor * eta, 1e-9);
  EXPECT_NEAR(s.pd[0], 1.0 / (1.0 + std::exp(-eta)), 1e-12);
}

TEST(Scorecard, ReasonsAreTheLargestLossesAgainstTheBestBin) {
  const sc::Scorecard& m = german_model();
  const sc::ScoredBatch s = sc::score(m, german(), sc::default_score_options(m));
  ASSERT_EQ(s.reasons.size(), 3 * german().rows());
  bool saw_checking = false;
  for (std::size_t r = 0; r < german().rows(); ++r) {
    // Brute force: loss per variable, sorted by loss (then model order).
    std::vector<std::pair<double, std::size_t>> loss;
    double total = 0.0;
    for (std::size_t v = 0; v < m.variables.size(); ++v) {
      const auto& var = m.variables[v];
      const sc::Column* col = german().find(var.name);
      const std::string cell = col->dict[col->codes[r]];
      double best = -1e300;
      double mine = 0.0;
      for (const auto& b : var.bins) {
        best = std::max(best, b.points);
        const bool hit = b.kind == sc::BinKind::categories
                             ? std::find(b.categories.begin(), b.categories.end(), cell) != b.categories.end()
                             : b.kind == sc::BinKind::range && std::stod(cell) >= b.lower && std::stod(cell) < b.upper;
        if (hit) mine = b.points;
      }
      total += mine;
      if (best - mine > 0) loss.emplace_back(best - mine, v);
    }
    EXPECT_DOUBLE_EQ(s.score[r], total);
    std::stable_sort(loss.begin(), loss.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t i = 0; i < 3; ++i) {
      const sc::Reason got = s.reasons[3 * r + i];
      if (i < loss.size()) {
        ASSERT_EQ(got.variable, static_cast<int>(loss[i].second)) << "row " << r;
      } else {
        EXPECT_EQ(got.variable, -1);
      }
    }
    const std::string first = sc::reason_text(m, s.reasons[3 * r]);
    if (first == "CheckingAccountStatus = lt.0") saw_checking = true;
  }
  EXPECT_TRUE(saw_checking);
}

TEST(Scorecard, MissingValuesAndUnseenCategoriesGetTheirOwnBins) {
  sc::TrainOptions o;
  o.min_iv = 0.0;
  o.exclude = {"noise"};
  const sc::Scorecard m = sc::train(synthetic(1000), o);
  const auto* x = variable(m, "x");
  const auto* c = variable(m, "c");
  ASSERT_NE(x, nullptr);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(x->type, sc::VariableType::numeric);
  EXPECT_EQ(c->type, sc::VariableType::categorical);
  const auto& xmiss = x->bins[x->bins.size() - 1];
  EXPECT_EQ(xmiss.kind, sc::BinKind::missing);
  EXPECT_EQ(xmiss.counts.total(), 100);
  EXPECT_FALSE(xmiss.neutral);
  EXPECT_LT(xmiss.woe, 0.0);  // missing x is risky here
  const auto& cunseen = c->bins.back();
  EXPECT_EQ(cunseen.kind, sc::BinKind::unseen);
  EXPECT_TRUE(cunseen.neutral);
  EXPECT_EQ(cunseen.woe, 0.0);

  sc::TableBuilder b({"c", "x"});
  const std::string_view r1[] = {"Z", "NA"};
  const std::string_view r2[] = {"B", "3"};
  b.add_row(r1);
  b.add_row(r2);
  const sc::Table applicants = b.finish();
  const sc::ScoredBatch s = sc::score(m, applicants, sc::default_score_options(m));
  std::vector<std::string> texts;
  for (int i = 0; i < 3; ++i) texts.push_back(sc::reason_text(m, s.reasons[static_cast<std::size_t>(i)]));
  EXPECT_NE(std::find(texts.begin(), texts.end(), "x is missing"), texts.end());
  double expected = 0.0;
  for (const auto& v : m.variables) {
    if (v.name == "x") expected += xmiss.points;
    else if (v.name == "c") expected += cunseen.points;
  }
  EXPECT_EQ(s.score[0], expected);
  EXPECT_EQ(sc::reason_text(m, sc::Reason{static_cast<std::int16_t>(c - m.variables.data()),
                                          static_cast<std::uint8_t>(c->bins.size() - 1)}),
            "c is a category not seen in training");
}

TEST(Scorecard, TypeOverridesAndOptionsAreHonoured) {
  sc::TrainOptions o = german_options();
  o.categorical = {"InstallmentRatePercentage"};
  o.min_iv = 0.0;
  o.max_bins = 3;
  o.min_bin_share = 0.1;
  const sc::Scorecard m = sc::train(german(), o);
  const auto* rate = variable(m, "InstallmentRatePercentage");
  ASSERT_NE(rate, nullptr);
  EXPECT_EQ(rate->type, sc::VariableType::categorical);
  for (const auto& v : m.variables) {
    std::size_t regular = 0;
    for (const auto& b : v.bins) {
      if (b.kind == sc::BinKind::range || b.kind == sc::BinKind::categories) {
        ++regular;
        EXPECT_GE(b.counts.total(), 70) << v.name;
      }
    }
    EXPECT_LE(regular, 3u) << v.name;
  }
  // A low correlation threshold drops correlated variables, naming the stronger one.
  sc::TrainOptions strict = german_options();
  strict.max_correlation = 0.2;
  const sc::Scorecard sm = sc::train(german(), strict);
  bool correlated = false;
  for (const auto& d : sm.dropped) correlated |= d.reason.rfind("WOE correlation", 0) == 0;
  EXPECT_TRUE(correlated);
  EXPECT_LT(sm.variables.size(), german_model().variables.size());
  // A high IV threshold keeps only strong variables.
  sc::TrainOptions picky = german_options();
  picky.min_iv = 0.2;
  for (const auto& v : sc::train(german(), picky).variables) EXPECT_GE(v.iv, 0.2);
  // Scaling options reach the points.
  sc::TrainOptions scaled = german_options();
  scaled.scaling = sc::Scaling{400.0, 10.0, 50.0};
  const sc::Scorecard s2 = sc::train(german(), scaled);
  EXPECT_NE(s2.max_score(), german_model().max_score());
  // L2 shrinks the coefficients.
  sc::TrainOptions ridge = german_options();
  ridge.l2 = 50.0;
  const sc::Scorecard r = sc::train(german(), ridge);
  double plain_norm = 0.0, ridge_norm = 0.0;
  for (const auto& v : german_model().variables) plain_norm += v.coefficient * v.coefficient;
  for (const auto& v : r.variables) ridge_norm += v.coefficient * v.coefficient;
  EXPECT_LT(ridge_norm, plain_norm);
}

TEST(Scorecard, EvaluationMatchesTrainingMetrics) {
  const sc::Scorecard& m = german_model();
  const sc::Evaluation e = sc::evaluate(m, german(), "bad", m.options.grade_cutoffs);
  EXPECT_NEAR(e.metrics.auc, m.metrics.train.auc, 1e-12);
  EXPECT_NEAR(e.metrics.ks, m.metrics.train.ks, 1e-12);
  EXPECT_EQ(e.metrics.n, 700);
  std::int64_t n = 0;
  for (std::size_t g = 0; g < 5; ++g) {
    EXPECT_EQ(e.grades[g].counts, m.metrics.grades[g].counts);
    n += e.grades[g].counts.total();
  }
  EXPECT_EQ(n, 700);
  // Bad rates rise from grade A to grade E on the training data.
  EXPECT_LT(e.grades[0].counts.bads * e.grades[4].counts.total(), e.grades[4].counts.bads * e.grades[0].counts.total());
}

TEST(Scorecard, ReportsListEveryBin) {
  const sc::Scorecard& m = german_model();
  const std::string csv = sc::report_csv(m);
  EXPECT_EQ(csv.rfind("variable,bin,count,bad_rate,woe,iv,points\n", 0), 0u);
  std::size_t bins = 0;
  for (const auto& v : m.variables) bins += v.bins.size();
  EXPECT_EQ(static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n')), bins + 1);
  EXPECT_NE(csv.find("CheckingAccountStatus,lt.0,"), std::string::npos);
  const std::string md = sc::report_markdown(m, "German credit");
  EXPECT_EQ(md.rfind("# German credit\n", 0), 0u);
  EXPECT_NE(md.find("| Variable | Bin | Count | Bad rate | WOE | IV | Points |"), std::string::npos);
  EXPECT_NE(md.find("excluded by option"), std::string::npos);
}

TEST(Scorecard, MalformedInputIsReported) {
  auto table = [](std::string_view csv) { return sc::read_csv(csv); };
  sc::TrainOptions o;
  try {
    sc::train(table("x,bad\n1,0\n2,2\n"), o);
    FAIL();
  } catch (const sc::InputError& e) {
    EXPECT_EQ(std::string(e.what()), "data record 2: target 'bad' is '2', not 0 or 1");
  }
  EXPECT_THROW(sc::train(table("x,bad\n1,0\n2,0\n"), o), sc::InputError);         // no bads
  EXPECT_THROW(sc::train(table("x,y\n1,0\n2,1\n"), o), sc::InputError);           // no target column
  EXPECT_THROW(sc::train(table("x,bad\n"), o), sc::InputError);                   // no rows
  sc::TrainOptions ex = o;
  ex.exclude = {"Nope"};
  EXPECT_THROW(sc::train(synthetic(200), ex), sc::InputError);                    // unknown column
  sc::TrainOptions num = o;
  num.numeric = {"c"};
  EXPECT_THROW(sc::train(synthetic(200), num), sc::InputError);                   // text in a numeric column
  sc::TrainOptions bad_share = o;
  bad_share.min_bin_share = 0.9;
  EXPECT_THROW(sc::train(synthetic(200), bad_share), sc::InputError);

  const sc::Scorecard& m = german_model();
  try {
    sc::score(m, table("Duration,Amount\n1,2\n"), sc::default_score_options(m));
    FAIL();
  } catch (const sc::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("used by the model is missing from the data"), std::string::npos);
  }
  // A numeric model column with text in it.
  sc::TrainOptions so;
  so.min_iv = 0.0;
  so.exclude = {"noise"};
  const sc::Scorecard sm = sc::train(synthetic(1000), so);
  EXPECT_THROW(sc::score(sm, table("x,c\nabc,A\n"), sc::default_score_options(sm)), sc::InputError);
}
