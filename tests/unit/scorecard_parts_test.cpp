// Binning, WOE/IV, IRLS, metrics and CSV reading on small cases computed by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "lending/scorecard_binning.hpp"
#include "lending/scorecard_logit.hpp"
#include "lending/scorecard_metrics.hpp"
#include "lending/scorecard_table.hpp"

namespace sc = sdelka::lending::scoring;
using sc::ClassCounts;

// --- WOE and IV -----------------------------------------------------------------------------------

TEST(ScorecardWoe, TwoBinsByHand) {
  // 60 goods, 40 bads. Bin A: 40 goods 10 bads; bin B: 20 goods 30 bads.
  const ClassCounts all{60, 40};
  const ClassCounts a{40, 10};
  const ClassCounts b{20, 30};
  const double woe_a = sc::weight_of_evidence(a, all);  // ln((40/60)/(10/40)) = ln(8/3)
  const double woe_b = sc::weight_of_evidence(b, all);  // ln((20/60)/(30/40)) = ln(4/9)
  EXPECT_NEAR(woe_a, std::log(8.0 / 3.0), 1e-12);
  EXPECT_NEAR(woe_b, std::log(4.0 / 9.0), 1e-12);
  // IV = (2/3 - 1/4) ln(8/3) + (1/3 - 3/4) ln(4/9) = 5/12 (ln(8/3) + ln(9/4)) = 5/12 ln 6
  const double iv = sc::information_value_term(a, all, woe_a) + sc::information_value_term(b, all, woe_b);
  EXPECT_NEAR(iv, 5.0 / 12.0 * std::log(6.0), 1e-12);
}

TEST(ScorecardWoe, ZeroClassIsSmoothedAndEmptyBinIsNeutral) {
  // No bads: 0.5 added to both counts of the bin: ln((5.5/10)/(0.5/10)) = ln 11.
  EXPECT_NEAR(sc::weight_of_evidence({5, 0}, {10, 10}), std::log(11.0), 1e-12);
  EXPECT_EQ(sc::weight_of_evidence({0, 0}, {10, 10}), 0.0);
  EXPECT_THROW(sc::weight_of_evidence({1, 0}, {10, 0}), std::invalid_argument);
}

TEST(ScorecardWoe, ChiSquare) {
  EXPECT_NEAR(sc::chi_square({10, 10}, {10, 10}), 0.0, 1e-12);
  EXPECT_NEAR(sc::chi_square({20, 0}, {0, 20}), 40.0, 1e-12);  // perfectly separated: chi2 = n
  // {26 goods, 4 bads} vs {7, 3}: expected 24.75/5.25 and 8.25/1.75 -> 1.443001 (by hand)
  EXPECT_NEAR(sc::chi_square({26, 4}, {7, 3}), 1.5625 / 24.75 + 1.5625 / 5.25 + 1.5625 / 8.25 + 1.5625 / 1.75, 1e-12);
}

// --- numeric binning ------------------------------------------------------------------------------

namespace {
// Values 1..10 with 10 rows each; bads per value below. Worked by hand in the comments of the tests.
const std::vector<double> kValues = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
const std::vector<int> kBads = {1, 2, 1, 3, 4, 4, 6, 5, 8, 9};
std::vector<ClassCounts> ten_each() {
  std::vector<ClassCounts> c;
  for (int b : kBads) c.push_back(ClassCounts{10 - b, b});
  return c;
}
}  // namespace

TEST(ScorecardBinning, MonotoneMergingThenMinimumCount) {
  // Rising pool-adjacent-violators: {1} {2,3} {4} {5,6} {7,8} {9} {10} (rates .1 .15 .3 .4 .55 .8 .9).
  // Minimum 20 rows: {1} joins {2,3}; {4} joins {5,6} (chi2 0.287 < 1.443 with the left);
  // {9} joins {10} (chi2 0.392 < 1.794). Bins: {1-3} 4/30, {4-6} 11/30, {7,8} 11/20, {9,10} 17/20.
  sc::BinningLimits limits;
  limits.min_count = 20;
  limits.max_bins = 10;
  limits.fine_bins = 10;
  const auto counts = ten_each();
  const sc::NumericBins nb = sc::bin_numeric(kValues, counts, limits);
  EXPECT_TRUE(nb.increasing);
  EXPECT_EQ(nb.cuts, (std::vector<double>{4, 7, 9}));
  ASSERT_EQ(nb.bins.size(), 4u);
  EXPECT_EQ(nb.bins[0], (ClassCounts{26, 4}));
  EXPECT_EQ(nb.bins[1], (ClassCounts{19, 11}));
  EXPECT_EQ(nb.bins[2], (ClassCounts{9, 11}));
  EXPECT_EQ(nb.bins[3], (ClassCounts{3, 17}));
}

TEST(ScorecardBinning, MaximumBinsMergesTheMostSimilarPair) {
  // Adjacent chi-squares of the four bins above: 4.356, 1.637, 4.286: the middle pair merges.
  sc::BinningLimits limits;
  limits.min_count = 20;
  limits.max_bins = 3;
  limits.fine_bins = 10;
  const auto counts = ten_each();
  const sc::NumericBins nb = sc::bin_numeric(kValues, counts, limits);
  EXPECT_EQ(nb.cuts, (std::vector<double>{4, 9}));
  EXPECT_EQ(nb.bins[1], (ClassCounts{28, 22}));
}

TEST(ScorecardBinning, FineClassingByEqualCounts) {
  // Two fine classes of 50 rows: values 1-5 (11 bads) and 6-10 (32 bads).
  sc::BinningLimits limits;
  limits.min_count = 1;
  limits.max_bins = 10;
  limits.fine_bins = 2;
  const auto counts = ten_each();
  const sc::NumericBins nb = sc::bin_numeric(kValues, counts, limits);
  EXPECT_EQ(nb.cuts, (std::vector<double>{6}));
  EXPECT_EQ(nb.bins[0], (ClassCounts{39, 11}));
}

TEST(ScorecardBinning, FallingBadRateChosenWhenItCarriesMoreInformation) {
  std::vector<ClassCounts> counts = ten_each();
  std::reverse(counts.begin(), counts.end());
  sc::BinningLimits limits;
  limits.min_count = 20;
  limits.max_bins = 10;
  limits.fine_bins = 10;
  const sc::NumericBins nb = sc::bin_numeric(kValues, counts, limits);
  EXPECT_FALSE(nb.increasing);
  EXPECT_EQ(nb.cuts, (std::vector<double>{3, 5, 8}));  // mirror image of 4, 7, 9
  EXPECT_EQ(nb.bins.front(), (ClassCounts{3, 17}));
}

TEST(ScorecardBinning, EveryBinHasGoodsAndBads) {
  // Values 1..4 with 30 rows each; value 1 has no bad: it must not stay alone.
  const std::vector<double> v = {1, 2, 3, 4};
  const std::vector<ClassCounts> c = {{30, 0}, {25, 5}, {20, 10}, {10, 20}};
  sc::BinningLimits limits;
  limits.min_count = 10;
  limits.max_bins = 10;
  limits.fine_bins = 4;
  const sc::NumericBins nb = sc::bin_numeric(v, c, limits);
  EXPECT_EQ(nb.cuts, (std::vector<double>{3, 4}));
  for (const ClassCounts& b : nb.bins) {
    EXPECT_GT(b.goods, 0);
    EXPECT_GT(b.bads, 0);
  }
}

TEST(ScorecardBinning, CategoriesGroupedBySimilarBadRate) {
  // Rates: A .2 (50 rows), B .1, C .5, D .2 (5 rows), E empty. Order B, A, D, C (ties: larger first).
  // D is under 10 rows: chi2 with A is 0, so D joins A.
  const std::vector<std::string> names = {"A", "B", "C", "D", "E"};
  const std::vector<ClassCounts> counts = {{40, 10}, {45, 5}, {25, 25}, {4, 1}, {0, 0}};
  sc::BinningLimits limits;
  limits.min_count = 10;
  limits.max_bins = 5;
  sc::CategoryGroups g = sc::group_categories(names, counts, limits);
  ASSERT_EQ(g.groups.size(), 3u);
  EXPECT_EQ(g.groups[0], (std::vector<std::size_t>{1}));
  EXPECT_EQ(g.groups[1], (std::vector<std::size_t>{0, 3}));
  EXPECT_EQ(g.groups[2], (std::vector<std::size_t>{2}));
  EXPECT_EQ(g.bins[1], (ClassCounts{44, 11}));
  // At most two groups: B with {A, D} (chi2 2.03) rather than {A, D} with C.
  limits.max_bins = 2;
  g = sc::group_categories(names, counts, limits);
  ASSERT_EQ(g.groups.size(), 2u);
  EXPECT_EQ(g.groups[0], (std::vector<std::size_t>{1, 0, 3}));
  EXPECT_EQ(g.groups[1], (std::vector<std::size_t>{2}));
}

// --- IRLS -----------------------------------------------------------------------------------------

TEST(ScorecardLogit, SaturatedBinaryPredictorByHand) {
  // x = 0: 2 events of 10; x = 1: 6 of 10. MLE: intercept logit(.2) = ln(1/4), slope ln(6).
  Eigen::MatrixXd x(2, 1);
  x << 0, 1;
  Eigen::VectorXd trials(2), events(2);
  trials << 10, 10;
  events << 2, 6;
  const sc::LogitFit fit = sc::fit_logit(x, trials, events);
  EXPECT_TRUE(fit.converged);
  EXPECT_NEAR(fit.coefficients[0], std::log(0.25), 1e-10);
  EXPECT_NEAR(fit.coefficients[1], std::log(6.0), 1e-10);

  // The same data one case per row give the same coefficients.
  Eigen::MatrixXd xr(20, 1);
  Eigen::VectorXd tr = Eigen::VectorXd::Ones(20), er = Eigen::VectorXd::Zero(20);
  for (int i = 0; i < 20; ++i) {
    xr(i, 0) = i < 10 ? 0 : 1;
    er[i] = (i < 2 || (i >= 10 && i < 16)) ? 1 : 0;
  }
  const sc::LogitFit rows = sc::fit_logit(xr, tr, er);
  EXPECT_NEAR(rows.coefficients[0], std::log(0.25), 1e-10);
  EXPECT_NEAR(rows.coefficients[1], std::log(6.0), 1e-10);
  // Deviance: -2 sum [k ln p + (n-k) ln(1-p)].
  const double dev = -2 * (2 * std::log(0.2) + 8 * std::log(0.8) + 6 * std::log(0.6) + 4 * std::log(0.4));
  EXPECT_NEAR(fit.deviance, dev, 1e-9);
}

TEST(ScorecardLogit, RidgePenaltyShrinksToTheStationaryPoint) {
  // x = -1: 3 events of 10, x = +1: 7 of 10. By symmetry the intercept is 0; unpenalised slope
  // ln(7/3) = 0.8473. With l2 = 2 the slope solves 14 - 20 sigma(b) - 2 b = 0: b = 0.583 by hand.
  Eigen::MatrixXd x(2, 1);
  x << -1, 1;
  Eigen::VectorXd trials(2), events(2);
  trials << 10, 10;
  events << 3, 7;
  const sc::LogitFit plain = sc::fit_logit(x, trials, events);
  EXPECT_NEAR(plain.coefficients[0], 0.0, 1e-12);
  EXPECT_NEAR(plain.coefficients[1], std::log(7.0 / 3.0), 1e-10);

  sc::LogitOptions o;
  o.l2 = 2.0;
  const sc::LogitFit ridge = sc::fit_logit(x, trials, events, o);
  const double b = ridge.coefficients[1];
  EXPECT_NEAR(ridge.coefficients[0], 0.0, 1e-12);
  EXPECT_NEAR(14.0 - 20.0 / (1.0 + std::exp(-b)) - 2.0 * b, 0.0, 1e-9);
  EXPECT_GT(b, 0.58);
  EXPECT_LT(b, 0.59);
}

TEST(ScorecardLogit, RejectsInconsistentInput) {
  Eigen::MatrixXd x(2, 1);
  x << 0, 1;
  Eigen::VectorXd trials(2), events(2);
  trials << 1, 1;
  events << 2, 0;
  EXPECT_THROW(sc::fit_logit(x, trials, events), std::invalid_argument);
}

// --- metrics --------------------------------------------------------------------------------------

TEST(ScorecardMetrics, AucAndKsByHand) {
  // Risks .1 .2 .3 .4 for good, bad, good, bad: 3 of 4 (bad, good) pairs concordant; KS 0.5.
  const std::vector<double> risk = {0.1, 0.2, 0.3, 0.4};
  const std::vector<ClassCounts> y = {{1, 0}, {0, 1}, {1, 0}, {0, 1}};
  const sc::Discrimination d = sc::discrimination(risk, y);
  EXPECT_DOUBLE_EQ(d.auc, 0.75);
  EXPECT_DOUBLE_EQ(d.gini, 0.5);
  EXPECT_DOUBLE_EQ(d.ks, 0.5);
  EXPECT_EQ(d.n, 4);
  // Aggregated rows count like the cases they stand for; ties count one half.
  const sc::Discrimination tie = sc::discrimination(std::vector<double>{0.5}, std::vector<ClassCounts>{{3, 2}});
  EXPECT_DOUBLE_EQ(tie.auc, 0.5);
  EXPECT_EQ(tie.n, 5);
}

// --- CSV ------------------------------------------------------------------------------------------

TEST(ScorecardCsv, ReadsQuotedFieldsCrlfAndBom) {
  const sc::Table t = sc::read_csv(std::string_view("\xEF\xBB\xBF" "a,b\r\n1,\"x, \"\"y\"\"\"\r\n\r\n2, z \r\n"));
  ASSERT_EQ(t.columns.size(), 2u);
  EXPECT_EQ(t.columns[0].name, "a");
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.cell(0, 1), "x, \"y\"");
  EXPECT_EQ(t.cell(1, 1), "z");
  EXPECT_EQ(t.cell(1, 0), "2");
  EXPECT_EQ(sc::csv_field("x, \"y\""), "\"x, \"\"y\"\"\"");
  EXPECT_EQ(sc::csv_field("plain"), "plain");
}

TEST(ScorecardCsv, DictionaryEncoding) {
  std::istringstream in("k\nb\na\nb\n");
  const sc::Table t = sc::read_csv(in);
  EXPECT_EQ(t.columns[0].dict, (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(t.columns[0].codes, (std::vector<std::uint32_t>{0, 1, 0}));
  const std::vector<std::uint32_t> rows = {2, 1};
  const sc::Table s = t.select_rows(rows);
  EXPECT_EQ(s.cell(0, 0), "b");
  EXPECT_EQ(s.cell(1, 0), "a");
}

TEST(ScorecardCsv, RejectsRaggedEmptyAndBadHeaders) {
  try {
    sc::read_csv(std::string_view("a,b\n1,2\n3\n"));
    FAIL() << "ragged row accepted";
  } catch (const sc::InputError& e) {
    EXPECT_EQ(std::string(e.what()), "record 2 has 1 fields but the header has 2");
  }
  EXPECT_THROW(sc::read_csv(std::string_view("a,b\n1,2,3\n")), sc::InputError);
  EXPECT_THROW(sc::read_csv(std::string_view("")), sc::InputError);
  EXPECT_THROW(sc::read_csv(std::string_view("\n\n")), sc::InputError);
  EXPECT_THROW(sc::read_csv(std::string_view("a,a\n1,2\n")), sc::InputError);
  EXPECT_THROW(sc::read_csv(std::string_view("a,\n1,2\n")), sc::InputError);
  EXPECT_THROW(sc::read_csv(std::string_view("a,b\n1,\"2\n")), sc::InputError);  // unterminated quote
}
