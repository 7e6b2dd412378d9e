#pragma once
// `sdelka score train|apply|eval`: read the files, call the scorecard engine, write the outputs.
//
// Every run_* function returns the process exit status: 0 on success; 2 when an input is unusable
// (a file that cannot be read, malformed CSV, a target that is not 0/1, a model column missing from
// the data, a model file of another version, an option out of range), after printing exactly one line
// "sdelka: <what>" on stderr. Failures to write an output throw std::runtime_error (main reports them
// and exits 1).
#include <cstdint>
#include <string>
#include <vector>

#include "lending/scorecard.hpp"

namespace sdelka::app {

struct ScoreTrainArgs {
  std::string data;    // training CSV
  std::string out;     // model JSON
  std::string report;  // optional: .csv gives the CSV table, anything else Markdown
  std::string title;   // Markdown title; default "Credit scorecard (<data file>)"
  bool id_given = false;  // options.id set on the command line; else a column "id" is the id if present
  std::vector<double> grade_cutoffs;  // 4 PDs, or empty for the default
  bool no_round = false;              // keep fractional points
  lending::scoring::TrainOptions options;
};

struct ScoreApplyArgs {
  std::string model;
  std::string data;
  std::string id;   // id column; default: the model's id column when the data have it, else row numbers
  std::string out;  // CSV id,score,pd,grade,reason1,reason2,reason3; "-" = stdout
  std::vector<double> grade_cutoffs;  // override the model's
};

struct ScoreEvalArgs {
  std::string model;
  std::string data;
  std::string target;    // default: the model's target
  std::string by_grade;  // optional file for the bad rate by grade (.md Markdown, else CSV)
  std::vector<double> grade_cutoffs;
};

int run_score_train(const ScoreTrainArgs& args);
int run_score_apply(const ScoreApplyArgs& args);
// Prints {"auc":…,"gini":…,"ks":…,"n":…} and a newline on stdout.
int run_score_eval(const ScoreEvalArgs& args);

}  // namespace sdelka::app
