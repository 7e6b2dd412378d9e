#include "lending/scorecard_file.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

namespace sdelka::lending::scoring {
namespace {

using Json = nlohmann::ordered_json;
constexpr double kInf = std::numeric_limits<double>::infinity();

std::string_view kind_name(BinKind k) {
  switch (k) {
    case BinKind::range: return "range";
    case BinKind::categories: return "categories";
    case BinKind::missing: return "missing";
    case BinKind::unseen: return "unseen";
  }
  return "range";
}

Json limit(double v) { return std::isinf(v) ? Json(nullptr) : Json(v); }

Json counts_json(const ClassCounts& c) {
  Json j;
  j["count"] = c.total();
  j["goods"] = c.goods;
  j["bads"] = c.bads;
  j["bad_rate"] = c.total() ? static_cast<double>(c.bads) / static_cast<double>(c.total()) : 0.0;
  return j;
}

Json grades_json(const GradeTable& t) {
  Json a = Json::array();
  for (const GradeStats& g : t) {
    Json j;
    j["grade"] = std::string(1, g.grade);
    j.update(counts_json(g.counts));
    j["min_score"] = g.min_score;
    j["max_score"] = g.max_score;
    a.push_back(std::move(j));
  }
  return a;
}

// Reading: every accessor names the place and the field when the file is wrong.
[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw InputError("model file: " + where + ": " + what);
}

const Json& field(const Json& o, const char* key, const std::string& where) {
  if (!o.is_object()) bad(where, "is not an object");
  auto it = o.find(key);
  if (it == o.end()) bad(where, std::string("field '") + key + "' is missing");
  return *it;
}

double number(const Json& o, const char* key, const std::string& where) {
  const Json& v = field(o, key, where);
  if (!v.is_number()) bad(where, std::string("field '") + key + "' is not a number");
  return v.get<double>();
}

double limit_of(const Json& o, const char* key, const std::string& where, double infinity) {
  const Json& v = field(o, key, where);
  if (v.is_null()) return infinity;
  if (!v.is_number()) bad(where, std::string("field '") + key + "' is not a number or null");
  return v.get<double>();
}

std::int64_t integer(const Json& o, const char* key, const std::string& where) {
  const Json& v = field(o, key, where);
  if (!v.is_number_integer()) bad(where, std::string("field '") + key + "' is not an integer");
  return v.get<std::int64_t>();
}

std::string text(const Json& o, const char* key, const std::string& where) {
  const Json& v = field(o, key, where);
  if (!v.is_string()) bad(where, std::string("field '") + key + "' is not a string");
  return v.get<std::string>();
}

bool boolean(const Json& o, const char* key, const std::string& where) {
  const Json& v = field(o, key, where);
  if (!v.is_boolean()) bad(where, std::string("field '") + key + "' is not true or false");
  return v.get<bool>();
}

const Json& array(const Json& o, const char* key, const std::string& where) {
  const Json& v = field(o, key, where);
  if (!v.is_array()) bad(where, std::string("field '") + key + "' is not an array");
  return v;
}

std::vector<std::string> texts(const Json& o, const char* key, const std::string& where) {
  std::vector<std::string> out;
  for (const Json& v : array(o, key, where)) {
    if (!v.is_string()) bad(where, std::string("field '") + key + "' must hold strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

ClassCounts counts_of(const Json& o, const std::string& where) {
  ClassCounts c{integer(o, "goods", where), integer(o, "bads", where)};
  if (c.goods < 0 || c.bads < 0) bad(where, "negative counts");
  return c;
}

BinKind kind_of(const std::string& s, const std::string& where) {
  if (s == "range") return BinKind::range;
  if (s == "categories") return BinKind::categories;
  if (s == "missing") return BinKind::missing;
  if (s == "unseen") return BinKind::unseen;
  bad(where, "unknown bin kind '" + s + "'");
}

void check_variable(const ScorecardVariable& v, const std::string& where) {
  if (v.bins.empty() || v.bins.size() > 255) bad(where, "needs 1..255 bins");
  std::size_t missing = 0;
  std::size_t unseen = 0;
  double previous_upper = -kInf;
  bool first_range = true;
  for (const ScorecardBin& b : v.bins) {
    if (!std::isfinite(b.points)) bad(where, "a bin has no finite points");
    switch (b.kind) {
      case BinKind::missing: ++missing; break;
      case BinKind::unseen: ++unseen; break;
      case BinKind::range:
        if (v.type != VariableType::numeric) bad(where, "a categorical variable has a range bin");
        if (b.lower != previous_upper || (first_range && b.lower != -kInf) || !(b.lower < b.upper)) {
          bad(where, "range bins must follow each other from -infinity (null) upwards");
        }
        previous_upper = b.upper;
        first_range = false;
        break;
      case BinKind::categories:
        if (v.type != VariableType::categorical) bad(where, "a numeric variable has a categories bin");
        if (b.categories.empty()) bad(where, "a categories bin lists no category");
        break;
    }
  }
  if (missing != 1) bad(where, "needs exactly one missing bin");
  if (v.type == VariableType::numeric && (first_range || previous_upper != kInf)) {
    bad(where, "range bins must end at +infinity (null)");
  }
  if (v.type == VariableType::categorical && unseen != 1) bad(where, "needs exactly one unseen bin");
  if (v.type == VariableType::numeric && unseen != 0) bad(where, "a numeric variable has an unseen bin");
}

}  // namespace

std::string model_to_json(const Scorecard& m) {
  const TrainOptions& o = m.options;
  Json j;
  j["format"] = std::string(kModelFormat);
  j["version"] = Scorecard::kFormatVersion;
  j["target"] = o.target;
  j["id"] = o.id;

  Json data;
  data["hash"] = m.data_hash;
  data["rows"] = m.training.total();
  data["goods"] = m.training.goods;
  data["bads"] = m.training.bads;
  j["training_data"] = std::move(data);

  Json scaling;
  scaling["base_points"] = o.scaling.base_points;
  scaling["base_odds"] = o.scaling.base_odds;
  scaling["pdo"] = o.scaling.pdo;
  scaling["factor"] = o.scaling.factor();
  scaling["offset"] = o.scaling.offset();
  j["scaling"] = std::move(scaling);

  Json opts;
  opts["exclude"] = o.exclude;
  opts["numeric"] = o.numeric;
  opts["categorical"] = o.categorical;
  opts["missing_values"] = o.missing_values;
  opts["min_bin_share"] = o.min_bin_share;
  opts["max_bins"] = o.max_bins;
  opts["fine_bins"] = o.fine_bins;
  opts["max_categories"] = o.max_categories;
  opts["min_iv"] = o.min_iv;
  opts["max_correlation"] = o.max_correlation;
  opts["l2"] = o.l2;
  opts["round_points"] = o.round_points;
  opts["grade_cutoffs"] = o.grade_cutoffs;
  opts["cv_folds"] = o.cv_folds;
  opts["cv_seed"] = o.cv_seed;
  j["options"] = std::move(opts);

  Json metrics;
  metrics["auc"] = m.metrics.train.auc;
  metrics["gini"] = m.metrics.train.gini;
  metrics["ks"] = m.metrics.train.ks;
  metrics["n"] = m.metrics.train.n;
  metrics["cv_auc"] = m.metrics.cv_auc;
  metrics["cv_auc_mean"] = m.metrics.cv_auc_mean;
  metrics["logit_iterations"] = m.metrics.logit_iterations;
  metrics["logit_converged"] = m.metrics.logit_converged;
  metrics["grades"] = grades_json(m.metrics.grades);
  j["metrics"] = std::move(metrics);

  j["intercept"] = m.intercept;
  j["max_score"] = m.max_score();
  Json vars = Json::array();
  for (const ScorecardVariable& v : m.variables) {
    Json jv;
    jv["name"] = v.name;
    jv["type"] = std::string(to_string(v.type));
    jv["iv"] = v.iv;
    jv["coefficient"] = v.coefficient;
    Json bins = Json::array();
    for (std::size_t i = 0; i < v.bins.size(); ++i) {
      const ScorecardBin& b = v.bins[i];
      Json jb;
      jb["kind"] = std::string(kind_name(b.kind));
      jb["label"] = bin_label(v, i);
      if (b.kind == BinKind::range) {
        jb["lower"] = limit(b.lower);
        jb["upper"] = limit(b.upper);
      }
      if (b.kind == BinKind::categories) jb["categories"] = b.categories;
      jb.update(counts_json(b.counts));
      jb["woe"] = b.woe;
      jb["iv"] = b.iv;
      jb["neutral"] = b.neutral;
      jb["points"] = b.points;
      bins.push_back(std::move(jb));
    }
    jv["bins"] = std::move(bins);
    vars.push_back(std::move(jv));
  }
  j["variables"] = std::move(vars);

  Json dropped = Json::array();
  for (const DroppedVariable& d : m.dropped) {
    Json jd;
    jd["name"] = d.name;
    jd["type"] = d.type;
    jd["iv"] = d.iv;
    jd["reason"] = d.reason;
    dropped.push_back(std::move(jd));
  }
  j["dropped"] = std::move(dropped);
  return j.dump(2) + "\n";
}

Scorecard model_from_json(std::string_view input) {
  Json j;
  try {
    j = Json::parse(input.begin(), input.end());
  } catch (const Json::exception& e) {
    throw InputError(std::string("model file is not valid JSON: ") + e.what());
  }
  if (!j.is_object() || !j.contains("format") || j["format"] != std::string(kModelFormat)) {
    throw InputError("not a scorecard model file (no \"format\": \"sdelka-scorecard\")");
  }
  if (!j.contains("version") || !j["version"].is_number_integer() ||
      j["version"].get<std::int64_t>() != Scorecard::kFormatVersion) {
    const std::string v = j.contains("version") ? j["version"].dump() : "(none)";
    throw InputError("model file version " + v + " is not supported: this sdelka reads version " +
                     std::to_string(Scorecard::kFormatVersion) + "; retrain the model with this version");
  }

  Scorecard m;
  TrainOptions& o = m.options;
  o.target = text(j, "target", "top level");
  o.id = text(j, "id", "top level");
  const Json& data = field(j, "training_data", "top level");
  m.data_hash = text(data, "hash", "training_data");
  m.training = counts_of(data, "training_data");

  const Json& s = field(j, "scaling", "top level");
  o.scaling.base_points = number(s, "base_points", "scaling");
  o.scaling.base_odds = number(s, "base_odds", "scaling");
  o.scaling.pdo = number(s, "pdo", "scaling");

  const Json& op = field(j, "options", "top level");
  o.exclude = texts(op, "exclude", "options");
  o.numeric = texts(op, "numeric", "options");
  o.categorical = texts(op, "categorical", "options");
  o.missing_values = texts(op, "missing_values", "options");
  o.min_bin_share = number(op, "min_bin_share", "options");
  o.max_bins = static_cast<int>(integer(op, "max_bins", "options"));
  o.fine_bins = static_cast<int>(integer(op, "fine_bins", "options"));
  o.max_categories = static_cast<int>(integer(op, "max_categories", "options"));
  o.min_iv = number(op, "min_iv", "options");
  o.max_correlation = number(op, "max_correlation", "options");
  o.l2 = number(op, "l2", "options");
  o.round_points = boolean(op, "round_points", "options");
  const Json& cut = array(op, "grade_cutoffs", "options");
  if (cut.size() != o.grade_cutoffs.size()) bad("options", "grade_cutoffs must hold 4 numbers");
  for (std::size_t i = 0; i < cut.size(); ++i) {
    if (!cut[i].is_number()) bad("options", "grade_cutoffs must hold 4 numbers");
    o.grade_cutoffs[i] = cut[i].get<double>();
  }
  o.cv_folds = static_cast<int>(integer(op, "cv_folds", "options"));
  const Json& seed = field(op, "cv_seed", "options");
  if (!seed.is_number_unsigned() && !seed.is_number_integer()) bad("options", "cv_seed is not an integer");
  o.cv_seed = seed.get<std::uint64_t>();

  const Json& mj = field(j, "metrics", "top level");
  m.metrics.train.auc = number(mj, "auc", "metrics");
  m.metrics.train.gini = number(mj, "gini", "metrics");
  m.metrics.train.ks = number(mj, "ks", "metrics");
  m.metrics.train.n = integer(mj, "n", "metrics");
  for (const Json& a : array(mj, "cv_auc", "metrics")) {
    if (!a.is_number()) bad("metrics", "cv_auc must hold numbers");
    m.metrics.cv_auc.push_back(a.get<double>());
  }
  m.metrics.cv_auc_mean = number(mj, "cv_auc_mean", "metrics");
  m.metrics.logit_iterations = static_cast<int>(integer(mj, "logit_iterations", "metrics"));
  m.metrics.logit_converged = boolean(mj, "logit_converged", "metrics");
  const Json& grades = array(mj, "grades", "metrics");
  if (grades.size() != m.metrics.grades.size()) bad("metrics", "grades must list A to E");
  for (std::size_t i = 0; i < grades.size(); ++i) {
    GradeStats& g = m.metrics.grades[i];
    g.grade = kGrades[i];
    g.counts = counts_of(grades[i], "metrics.grades");
    g.min_score = number(grades[i], "min_score", "metrics.grades");
    g.max_score = number(grades[i], "max_score", "metrics.grades");
  }

  m.intercept = number(j, "intercept", "top level");
  for (const Json& jv : array(j, "variables", "top level")) {
    ScorecardVariable v;
    v.name = text(jv, "name", "a variable");
    const std::string where = "variable '" + v.name + "'";
    const std::string type = text(jv, "type", where);
    if (type == "numeric") {
      v.type = VariableType::numeric;
    } else if (type == "categorical") {
      v.type = VariableType::categorical;
    } else {
      bad(where, "type must be numeric or categorical");
    }
    v.iv = number(jv, "iv", where);
    v.coefficient = number(jv, "coefficient", where);
    for (const Json& jb : array(jv, "bins", where)) {
      ScorecardBin b;
      b.kind = kind_of(text(jb, "kind", where), where);
      if (b.kind == BinKind::range) {
        b.lower = limit_of(jb, "lower", where, -kInf);
        b.upper = limit_of(jb, "upper", where, kInf);
      }
      if (b.kind == BinKind::categories) b.categories = texts(jb, "categories", where);
      b.counts = counts_of(jb, where);
      b.woe = number(jb, "woe", where);
      b.iv = number(jb, "iv", where);
      b.neutral = boolean(jb, "neutral", where);
      b.points = number(jb, "points", where);
      v.bins.push_back(std::move(b));
    }
    check_variable(v, where);
    m.variables.push_back(std::move(v));
  }
  if (m.variables.empty()) bad("variables", "the model has no variable");
  if (m.variables.size() > 32767) bad("variables", "too many variables");
  for (const Json& jd : array(j, "dropped", "top level")) {
    DroppedVariable d;
    d.name = text(jd, "name", "a dropped variable");
    d.type = text(jd, "type", "dropped variable '" + d.name + "'");
    d.iv = number(jd, "iv", "dropped variable '" + d.name + "'");
    d.reason = text(jd, "reason", "dropped variable '" + d.name + "'");
    m.dropped.push_back(std::move(d));
  }
  if (!(o.scaling.pdo > 0 && o.scaling.base_odds > 0 && std::isfinite(o.scaling.base_points))) {
    bad("scaling", "pdo and base_odds must be positive");
  }
  try {
    check_grade_cutoffs(o.grade_cutoffs);
  } catch (const InputError& e) {
    bad("options", e.what());
  }
  return m;
}

}  // namespace sdelka::lending::scoring
