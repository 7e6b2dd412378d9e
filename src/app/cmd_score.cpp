#include "app/cmd_score.hpp"

#include <cerrno>
#include <cmath>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "lending/scorecard_file.hpp"
#include "lending/scorecard_report.hpp"

namespace sdelka::app {
namespace {

namespace sc = lending::scoring;

// One line on stderr, whatever the message holds.
int fail(const std::string& message) {
  std::string line = message;
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::cerr << "sdelka: " << line << '\n';
  return 2;
}

std::ifstream open_input(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw sc::InputError(std::string("cannot open ") + what + " '" + path + "': " + std::strerror(errno));
  return in;
}

sc::Table load_csv(const std::string& path) {
  std::ifstream in = open_input(path, "data file");
  try {
    return sc::read_csv(in);
  } catch (const sc::InputError& e) {
    throw sc::InputError(path + ": " + e.what());
  }
}

sc::Scorecard load_model(const std::string& path) {
  std::ifstream in = open_input(path, "model file");
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return sc::model_from_json(text.str());
  } catch (const sc::InputError& e) {
    throw sc::InputError(path + ": " + e.what());
  }
}

void write_file(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write '" + path + "': " + std::strerror(errno));
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) throw std::runtime_error("writing '" + path + "' failed");
}

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

sc::GradeCutoffs cutoffs_or(const std::vector<double>& given, const sc::GradeCutoffs& fallback) {
  if (given.empty()) return fallback;
  if (given.size() != 4) throw sc::InputError("--grade-cutoffs needs 4 PDs (upper limits of A, B, C, D)");
  sc::GradeCutoffs c{given[0], given[1], given[2], given[3]};
  sc::check_grade_cutoffs(c);
  return c;
}

void append_fixed(std::string& out, double v, int decimals) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  out.append(buf, res.ptr);
}

}  // namespace

int run_score_train(const ScoreTrainArgs& args) {
  try {
    sc::TrainOptions o = args.options;
    o.grade_cutoffs = cutoffs_or(args.grade_cutoffs, o.grade_cutoffs);
    if (args.no_round) o.round_points = false;
    const sc::Table data = load_csv(args.data);
    if (!args.id_given && o.id.empty() && data.find("id")) o.id = "id";
    sc::Scorecard model;
    try {
      model = sc::train(data, o);
    } catch (const sc::InputError& e) {
      throw sc::InputError(args.data + ": " + e.what());
    }
    write_file(args.out, sc::model_to_json(model));
    if (!args.report.empty()) {
      const std::string title = args.title.empty()
                                    ? "Credit scorecard (" + std::filesystem::path(args.data).filename().string() + ")"
                                    : args.title;
      write_file(args.report, ends_with(args.report, ".csv") ? sc::report_csv(model)
                                                              : sc::report_markdown(model, title));
    }
    std::ostringstream summary;
    summary << "trained " << model.variables.size() << " variables on " << model.training.total()
            << " rows: AUC " << sc::format_number(std::round(model.metrics.train.auc * 10000) / 10000);
    if (!model.metrics.cv_auc.empty()) {
      summary << ", " << model.metrics.cv_auc.size() << "-fold CV AUC "
              << sc::format_number(std::round(model.metrics.cv_auc_mean * 10000) / 10000);
    }
    std::cout << summary.str() << " -> " << args.out << '\n';
    return 0;
  } catch (const sc::InputError& e) {
    return fail(e.what());
  }
}

int run_score_apply(const ScoreApplyArgs& args) {
  try {
    const sc::Scorecard model = load_model(args.model);
    sc::ScoreOptions so = sc::default_score_options(model);
    so.grade_cutoffs = cutoffs_or(args.grade_cutoffs, so.grade_cutoffs);
    const sc::Table data = load_csv(args.data);
    const sc::Column* id = nullptr;
    if (!args.id.empty()) {
      id = data.find(args.id);
      if (!id) throw sc::InputError(args.data + ": id column '" + args.id + "' is not in the data");
    } else if (!model.options.id.empty()) {
      id = data.find(model.options.id);
    }
    sc::ScoredBatch s;
    try {
      s = sc::score(model, data, so);
    } catch (const sc::InputError& e) {
      throw sc::InputError(args.data + ": " + e.what());
    }

    std::ofstream file;
    std::ostream* out = &std::cout;
    if (args.out != "-") {
      file.open(args.out, std::ios::binary | std::ios::trunc);
      if (!file) throw std::runtime_error("cannot write '" + args.out + "': " + std::strerror(errno));
      out = &file;
    }
    bool ok = sc::write_scores_csv(*out, model, s, id);
    if (file.is_open()) {
      file.close();
      ok = ok && static_cast<bool>(file);
    }
    if (!ok) throw std::runtime_error("writing '" + args.out + "' failed");
    return 0;
  } catch (const sc::InputError& e) {
    return fail(e.what());
  }
}

int run_score_eval(const ScoreEvalArgs& args) {
  try {
    const sc::Scorecard model = load_model(args.model);
    const sc::GradeCutoffs cut = cutoffs_or(args.grade_cutoffs, model.options.grade_cutoffs);
    const sc::Table data = load_csv(args.data);
    const std::string target = args.target.empty() ? model.options.target : args.target;
    sc::Evaluation e;
    try {
      e = sc::evaluate(model, data, target, cut);
    } catch (const sc::InputError& err) {
      throw sc::InputError(args.data + ": " + err.what());
    }
    if (!args.by_grade.empty()) {
      write_file(args.by_grade, ends_with(args.by_grade, ".md") ? sc::grade_table_markdown(e.grades, cut)
                                                                : sc::grade_table_csv(e.grades, cut));
    }
    std::string line = "{\"auc\":";
    append_fixed(line, e.metrics.auc, 6);
    line += ",\"gini\":";
    append_fixed(line, e.metrics.gini, 6);
    line += ",\"ks\":";
    append_fixed(line, e.metrics.ks, 6);
    line += ",\"n\":" + std::to_string(e.metrics.n) + "}\n";
    std::cout << line;
    return 0;
  } catch (const sc::InputError& e) {
    return fail(e.what());
  }
}

}  // namespace sdelka::app
