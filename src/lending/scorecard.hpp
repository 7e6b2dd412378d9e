#pragma once
// Credit scorecard engine: trains a points scorecard on a labelled table (binning, weight of evidence,
// variable selection, logistic regression, scaling to points), applies it to applicants (score,
// probability of default, grade A-E, three reasons) and evaluates it on labelled data.
//
// Pure computation: tables come in as scoring::Table (see scorecard_table.hpp), models go out as
// values; the model file and the reports are in scorecard_file.hpp and scorecard_report.hpp.
//
// Errors: malformed data or options throw scoring::InputError with a one-line what() naming the column
// (and the data record, counted from 1 after the header) at fault. Nothing else is thrown except
// std::bad_alloc. All functions are deterministic and hold no global state, so distinct calls may run
// on distinct threads.
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "lending/scorecard_binning.hpp"
#include "lending/scorecard_metrics.hpp"
#include "lending/scorecard_table.hpp"

namespace sdelka::lending::scoring {

enum class VariableType { numeric, categorical };

// "numeric" / "categorical".
std::string_view to_string(VariableType t) noexcept;

// Points scaling: a score of base_points means good:bad odds of base_odds, and every pdo points more
// double the odds.
struct Scaling {
  double base_points = 600.0;
  double base_odds = 50.0;
  double pdo = 20.0;
  double factor() const noexcept;  // pdo / ln 2
  double offset() const noexcept;  // base_points - factor * ln(base_odds)
};

// Upper PD limits of grades A, B, C and D (exclusive, strictly rising, inside (0, 1)); E is the rest.
using GradeCutoffs = std::array<double, 4>;
inline constexpr std::array<char, 5> kGrades = {'A', 'B', 'C', 'D', 'E'};

struct TrainOptions {
  std::string target = "bad";                 // 0/1 column; 1 = bad borrower
  std::string id;                             // optional row identifier column, never a predictor
  std::vector<std::string> exclude;           // columns never used (e.g. protected attributes)
  std::vector<std::string> numeric;           // force these columns numeric
  std::vector<std::string> categorical;       // force these columns categorical
  std::vector<std::string> missing_values = {"NA"};  // cell texts (trimmed) meaning "missing", besides
                                                     // blank cells, which always are
  double min_bin_share = 0.05;                // every bin holds at least this share of the rows
  int max_bins = 6;                           // regular bins per variable at most (2..50)
  int fine_bins = 50;                         // numeric fine classing: about this many classes first (2..1000)
  int max_categories = 100;                   // categorical columns with more distinct values are dropped
  double min_iv = 0.02;                       // variables below this IV are dropped
  double max_correlation = 0.7;               // of two variables whose WOE correlate more, the weaker goes
  double l2 = 0.0;                            // ridge penalty of the logistic regression
  Scaling scaling;
  bool round_points = true;                   // whole points per bin
  GradeCutoffs grade_cutoffs = {0.10, 0.20, 0.35, 0.50};
  int cv_folds = 0;                           // k-fold cross-validated AUC in the metrics (0 = none)
  std::uint64_t cv_seed = 1;                  // seed of the (stratified) fold assignment
};

enum class BinKind { range, categories, missing, unseen };

struct ScorecardBin {
  BinKind kind = BinKind::range;
  double lower = -std::numeric_limits<double>::infinity();  // range: lower <= value < upper
  double upper = std::numeric_limits<double>::infinity();
  std::vector<std::string> categories;  // categories: the texts that fall in this bin
  ClassCounts counts;                   // training rows in the bin
  double woe = 0.0;
  double iv = 0.0;
  double points = 0.0;
  bool neutral = false;  // missing/unseen bin with too few training rows: WOE set to 0
};

struct ScorecardVariable {
  std::string name;
  VariableType type = VariableType::numeric;
  // numeric: ranges in ascending order, then the missing bin;
  // categorical: groups by rising bad rate, then the missing bin, then the unseen bin.
  std::vector<ScorecardBin> bins;
  double iv = 0.0;
  double coefficient = 0.0;  // of the WOE in logit(PD); negative in a sound model
};

struct DroppedVariable {
  std::string name;
  std::string type;  // "numeric", "categorical" or "" (excluded before typing)
  double iv = 0.0;   // 0 when not binned
  std::string reason;
};

// Rows of one grade in some sample.
struct GradeStats {
  char grade = 'A';
  ClassCounts counts;
  double min_score = 0.0;  // lowest and highest score seen (0 when the grade is empty)
  double max_score = 0.0;
};
using GradeTable = std::array<GradeStats, 5>;

struct TrainingMetrics {
  Discrimination train;             // on the training rows
  GradeTable grades{};              // training rows by grade
  std::vector<double> cv_auc;       // AUC of each cross-validation fold (empty when cv_folds == 0)
  double cv_auc_mean = 0.0;
  int logit_iterations = 0;
  bool logit_converged = false;
};

struct Scorecard {
  static constexpr int kFormatVersion = 1;
  TrainOptions options;
  std::string data_hash;   // "blake2b-256:<hex>" of the training table (see train)
  ClassCounts training;    // training rows
  std::vector<ScorecardVariable> variables;  // in the model, by falling IV
  std::vector<DroppedVariable> dropped;      // columns not in the model, with the reason
  double intercept = 0.0;
  TrainingMetrics metrics;

  // Score of the best bin of each variable summed: the highest score the card can give.
  double max_score() const noexcept;
};

// Trains a scorecard on `data` (one row per applicant). Every column other than the target, the id
// and the excluded ones is a candidate: numeric when all its non-missing cells are numbers (unless
// forced), else categorical. Missing cells get their own bin, categorical variables also an "unseen"
// bin for categories met only later. Variables are binned (see scorecard_binning.hpp), kept when
// their IV >= min_iv and their WOE correlates with no stronger kept variable above max_correlation;
// the logistic regression on the WOE columns is refitted without any variable whose coefficient has
// the wrong sign. data_hash is BLAKE2b-256 over the table's columns (names, dictionaries, codes), so
// the same CSV text gives the same hash. Throws InputError when the target, the id or a named column
// is absent, a target cell is not 0 or 1, the target lacks goods or bads, a forced-numeric column has
// a non-number, an option is out of range, or no variable is left to model (and std::runtime_error in
// the unlikely case that libsodium cannot start).
Scorecard train(const Table& data, const TrainOptions& options);

// k-fold cross-validation: stratified folds (by the target) from a fixed seed; for each fold, a
// scorecard trained on the other folds with `options` scores the fold. Returns the AUC of each fold.
// Throws as train, and InputError when folds is outside 2..20 or a fold would hold no good or no bad.
std::vector<double> cross_validate(const Table& data, const TrainOptions& options, int folds,
                                   std::uint64_t seed);

// PD implied by a score under the model's scaling: 1 / (1 + exp((score - offset) / factor)).
double pd_of_score(const Scaling& scaling, double score) noexcept;

// Grade of a PD: 'A' when pd < cutoffs[0], ..., 'D' when pd < cutoffs[3], else 'E'.
char grade_of(double pd, const GradeCutoffs& cutoffs) noexcept;

// Throws InputError unless the cut-offs rise strictly inside (0, 1).
void check_grade_cutoffs(const GradeCutoffs& cutoffs);

// One reason for a score: variable (index into Scorecard::variables; -1 = no reason) and its bin.
struct Reason {
  std::int16_t variable = -1;
  std::uint8_t bin = 0;
};

struct ScoreOptions {
  bool reasons = true;                                    // fill ScoredBatch::reasons
  GradeCutoffs grade_cutoffs = {0.10, 0.20, 0.35, 0.50};  // default_score_options() copies the model's
};

// The model's own grade cut-offs, with reasons.
ScoreOptions default_score_options(const Scorecard& model);

// Results for a batch of applicants, row i for data row i.
struct ScoredBatch {
  std::vector<double> score;
  std::vector<double> pd;
  std::vector<char> grade;       // 'A'..'E'
  std::vector<Reason> reasons;   // 3 per row (row-major): the variables where the applicant lost
                                 // most points against the variable's best bin, most first; only
                                 // variables with a loss; unused slots have variable -1
};

// Scores every row of `data`. Columns the model does not use are ignored (so are the target and
// id columns). Throws InputError when a model variable has no column ("column 'X' used by the model
// is missing from the data") or a numeric variable's cell is neither a number nor a missing value.
ScoredBatch score(const Scorecard& model, const Table& data, const ScoreOptions& options);

// The bin in words, for a reason: "CheckingAccountStatus = lt.0", "Purpose = NewCar or Repairs",
// "12 <= Duration < 24", "Duration >= 36", "Age is missing", "Purpose is a category not seen in
// training". Empty for a reason with variable -1.
std::string reason_text(const Scorecard& model, Reason reason);

// Short label of a bin for tables: "< 12", "[12, 24)", ">= 36", "lt.0", "NewCar, Repairs",
// "missing", "unseen".
std::string bin_label(const ScorecardVariable& variable, std::size_t bin);

struct Evaluation {
  Discrimination metrics;
  GradeTable grades{};
};

// Scores `data` and compares PDs with the 0/1 column `target`. Throws as score, and InputError when
// the target column is absent, a target cell is not 0 or 1, or the data have no rows.
Evaluation evaluate(const Scorecard& model, const Table& data, std::string_view target,
                    const GradeCutoffs& cutoffs);

// Shortest decimal text that reads back as `v` ("12", "0.5", "1e+300").
std::string format_number(double v);

}  // namespace sdelka::lending::scoring
