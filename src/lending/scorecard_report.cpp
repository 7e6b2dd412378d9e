#include "lending/scorecard_report.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <ostream>

namespace sdelka::lending::scoring {
namespace {

std::string fixed(double v, int decimals) {
  if (v == 0.0) v = 0.0;  // no "-0.0000"
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s(buf);
  if (s.find_first_not_of("-0.") == std::string::npos && s.front() == '-') s.erase(0, 1);
  return s;
}

std::string percent(double v, int decimals) { return fixed(100.0 * v, decimals) + " %"; }

double rate(const ClassCounts& c) {
  return c.total() ? static_cast<double>(c.bads) / static_cast<double>(c.total()) : 0.0;
}

std::string points_text(const Scorecard& m, double p) {
  return m.options.round_points ? fixed(p, 0) : fixed(p, 2);
}

// Markdown cells must not break the table.
std::string md(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

std::string pd_range(const GradeCutoffs& cut, std::size_t g, bool upper) {
  if (!upper) return g == 0 ? "0" : fixed(cut[g - 1], 3);
  return g == 4 ? "1" : fixed(cut[g], 3);
}

std::int64_t grand_total(const GradeTable& t) {
  std::int64_t n = 0;
  for (const GradeStats& g : t) n += g.counts.total();
  return n;
}

void append_fixed(std::string& out, double v, int decimals) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  out.append(buf, res.ptr);
}

}  // namespace

bool write_scores_csv(std::ostream& out, const Scorecard& model, const ScoredBatch& batch, const Column* id) {
  // Texts once per variable and bin, and once per distinct id.
  std::vector<std::vector<std::string>> reason(model.variables.size());
  for (std::size_t v = 0; v < model.variables.size(); ++v) {
    for (std::size_t b = 0; b < model.variables[v].bins.size(); ++b) {
      reason[v].push_back(csv_field(
          reason_text(model, Reason{static_cast<std::int16_t>(v), static_cast<std::uint8_t>(b)})));
    }
  }
  std::vector<std::string> ids;
  if (id) {
    ids.reserve(id->dict.size());
    for (const std::string& t : id->dict) ids.push_back(csv_field(t));
  }
  const bool with_reasons = batch.reasons.size() == 3 * batch.score.size();
  const int score_decimals = model.options.round_points ? 0 : 2;
  std::string buf = "id,score,pd,grade,reason1,reason2,reason3\n";
  for (std::size_t r = 0; r < batch.score.size(); ++r) {
    if (id) {
      buf += ids[id->codes[r]];
    } else {
      char num[24];
      buf.append(num, std::to_chars(num, num + sizeof num, r + 1).ptr);
    }
    buf += ',';
    append_fixed(buf, batch.score[r], score_decimals);
    buf += ',';
    append_fixed(buf, batch.pd[r], 6);
    buf += ',';
    buf += batch.grade[r];
    for (std::size_t i = 0; i < 3; ++i) {
      buf += ',';
      if (!with_reasons) continue;
      const Reason rs = batch.reasons[3 * r + i];
      if (rs.variable >= 0) buf += reason[static_cast<std::size_t>(rs.variable)][rs.bin];
    }
    buf += '\n';
    if (buf.size() >= (1u << 20)) {
      out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
      buf.clear();
    }
  }
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  out.flush();
  return static_cast<bool>(out);
}

std::string report_csv(const Scorecard& m) {
  std::string out = "variable,bin,count,bad_rate,woe,iv,points\n";
  for (const ScorecardVariable& v : m.variables) {
    for (std::size_t b = 0; b < v.bins.size(); ++b) {
      const ScorecardBin& bin = v.bins[b];
      out += csv_field(v.name) + ',' + csv_field(bin_label(v, b)) + ',' + std::to_string(bin.counts.total()) + ',' +
             fixed(rate(bin.counts), 4) + ',' + fixed(bin.woe, 4) + ',' + fixed(bin.iv, 4) + ',' +
             points_text(m, bin.points) + '\n';
    }
  }
  return out;
}

std::string grade_table_csv(const GradeTable& t, const GradeCutoffs& cut) {
  const auto n = static_cast<double>(std::max<std::int64_t>(1, grand_total(t)));
  std::string out = "grade,pd_from,pd_to,count,share,bads,bad_rate,min_score,max_score\n";
  for (std::size_t g = 0; g < t.size(); ++g) {
    const GradeStats& s = t[g];
    out += std::string(1, s.grade) + ',' + pd_range(cut, g, false) + ',' + pd_range(cut, g, true) + ',' +
           std::to_string(s.counts.total()) + ',' + fixed(static_cast<double>(s.counts.total()) / n, 4) + ',' +
           std::to_string(s.counts.bads) + ',' + fixed(rate(s.counts), 4) + ',' + format_number(s.min_score) + ',' +
           format_number(s.max_score) + '\n';
  }
  return out;
}

std::string grade_table_markdown(const GradeTable& t, const GradeCutoffs& cut) {
  const auto n = static_cast<double>(std::max<std::int64_t>(1, grand_total(t)));
  std::string out =
      "| Grade | PD from | PD to | Applicants | Share | Bads | Bad rate | Scores |\n"
      "|---|---:|---:|---:|---:|---:|---:|---|\n";
  for (std::size_t g = 0; g < t.size(); ++g) {
    const GradeStats& s = t[g];
    const std::string scores =
        s.counts.total() ? format_number(s.min_score) + " – " + format_number(s.max_score) : "—";
    out += "| " + std::string(1, s.grade) + " | " + pd_range(cut, g, false) + " | " + pd_range(cut, g, true) + " | " +
           std::to_string(s.counts.total()) + " | " + percent(static_cast<double>(s.counts.total()) / n, 1) + " | " +
           std::to_string(s.counts.bads) + " | " + percent(rate(s.counts), 1) + " | " + scores + " |\n";
  }
  return out;
}

std::string report_markdown(const Scorecard& m, std::string_view title) {
  const TrainOptions& o = m.options;
  std::string out = "# " + md(title) + "\n\n";
  out += "## Summary\n\n";
  out += "| | |\n|---|---|\n";
  out += "| Target | `" + md(o.target) + "` (1 = bad) |\n";
  out += "| Training rows | " + std::to_string(m.training.total()) + " (" + std::to_string(m.training.bads) +
         " bad, bad rate " + percent(rate(m.training), 1) + ") |\n";
  out += "| Scaling | " + format_number(o.scaling.base_points) + " points at good:bad odds " +
         format_number(o.scaling.base_odds) + ":1, " + format_number(o.scaling.pdo) +
         " points to double the odds |\n";
  out += "| Score range | " + points_text(m, [&] {
           double lo = 0.0;
           for (const ScorecardVariable& v : m.variables) {
             double worst = v.bins.front().points;
             for (const ScorecardBin& b : v.bins) worst = std::min(worst, b.points);
             lo += worst;
           }
           return lo;
         }()) + " – " + points_text(m, m.max_score()) + " |\n";
  out += "| Training AUC / Gini / KS | " + fixed(m.metrics.train.auc, 4) + " / " + fixed(m.metrics.train.gini, 4) +
         " / " + fixed(m.metrics.train.ks, 4) + " |\n";
  if (!m.metrics.cv_auc.empty()) {
    std::string folds;
    for (std::size_t i = 0; i < m.metrics.cv_auc.size(); ++i) folds += (i ? ", " : "") + fixed(m.metrics.cv_auc[i], 3);
    out += "| " + std::to_string(m.metrics.cv_auc.size()) + "-fold cross-validated AUC | " +
           fixed(m.metrics.cv_auc_mean, 4) + " (folds: " + folds + ") |\n";
  }
  std::string excluded;
  for (const std::string& e : o.exclude) excluded += (excluded.empty() ? "" : ", ") + md(e);
  out += "| Excluded by option | " + (excluded.empty() ? std::string("none") : excluded) + " |\n";
  out += "| Binning | minimum bin share " + percent(o.min_bin_share, 1) + ", at most " + std::to_string(o.max_bins) +
         " bins, monotonic WOE for numeric variables |\n";
  out += "| Selection | IV ≥ " + format_number(o.min_iv) + ", WOE correlation ≤ " + format_number(o.max_correlation) +
         ", L2 = " + format_number(o.l2) + " |\n";
  out += "| Training data | `" + md(m.data_hash) + "` |\n\n";

  out += "## Scorecard\n\n";
  out += "Score = sum of the points of the applicant's bin in every variable. WOE = ln(share of goods / share of "
         "bads); a negative WOE marks a bin riskier than average.\n\n";
  out += "| Variable | Bin | Count | Bad rate | WOE | IV | Points |\n";
  out += "|---|---|---:|---:|---:|---:|---:|\n";
  for (const ScorecardVariable& v : m.variables) {
    for (std::size_t b = 0; b < v.bins.size(); ++b) {
      const ScorecardBin& bin = v.bins[b];
      std::string label = md(bin_label(v, b));
      if (bin.neutral) label += bin.counts.total() ? " (too few rows: neutral)" : " (none in training: neutral)";
      out += "| " + (b == 0 ? md(v.name) : std::string()) + " | " + label + " | " +
             std::to_string(bin.counts.total()) + " | " + (bin.counts.total() ? percent(rate(bin.counts), 1) : "—") +
             " | " + fixed(bin.woe, 4) + " | " + fixed(bin.iv, 4) + " | " + points_text(m, bin.points) + " |\n";
    }
    out += "| | *IV of " + md(v.name) + "* | | | | *" + fixed(v.iv, 4) + "* | |\n";
  }
  out += "\n";

  out += "## Variables in the model\n\n";
  out += "| Variable | Type | IV | Coefficient |\n|---|---|---:|---:|\n";
  for (const ScorecardVariable& v : m.variables) {
    out += "| " + md(v.name) + " | " + std::string(to_string(v.type)) + " | " + fixed(v.iv, 4) + " | " +
           fixed(v.coefficient, 4) + " |\n";
  }
  out += "\nIntercept " + fixed(m.intercept, 4) + ".\n\n";

  if (!m.dropped.empty()) {
    out += "## Variables left out\n\n";
    out += "| Variable | Type | IV | Reason |\n|---|---|---:|---|\n";
    for (const DroppedVariable& d : m.dropped) {
      out += "| " + md(d.name) + " | " + (d.type.empty() ? "—" : d.type) + " | " +
             (d.type.empty() ? std::string("—") : fixed(d.iv, 4)) + " | " + md(d.reason) + " |\n";
    }
    out += "\n";
  }

  out += "## Grades on the training data\n\n";
  out += grade_table_markdown(m.metrics.grades, o.grade_cutoffs);
  return out;
}

}  // namespace sdelka::lending::scoring
