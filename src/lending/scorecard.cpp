#include "lending/scorecard.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <numeric>
#include <optional>
#include <random>
#include <unordered_map>
#include <unordered_set>

#include <Eigen/Dense>

#include "core/text.hpp"
#include "lending/scorecard_logit.hpp"

namespace sdelka::lending::scoring {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string quoted(std::string_view s) {
  std::string q = "'";
  q.append(s);
  q.push_back('\'');
  return q;
}

std::optional<double> parse_number(std::string_view s) {
  s = core::trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  double v = 0.0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

class MissingSet {
 public:
  explicit MissingSet(const std::vector<std::string>& texts) {
    texts_.emplace();  // blank cells are always missing
    for (const std::string& t : texts) texts_.emplace(core::trim(t));
  }
  bool contains(std::string_view cell) const { return texts_.count(std::string(core::trim(cell))) != 0; }

 private:
  std::unordered_set<std::string> texts_;
};

// First data row whose cell in `col` has dictionary code `code` (for error messages).
std::size_t first_row_with(const Column& col, std::uint32_t code) {
  for (std::size_t r = 0; r < col.codes.size(); ++r) {
    if (col.codes[r] == code) return r;
  }
  return 0;
}

// `v` with `decimals` decimals ("0.0002").
std::string fixed(double v, int decimals) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  return std::string(buf, res.ptr);
}

std::string record(std::size_t row) { return "data record " + std::to_string(row + 1); }

// 0/1 per row from the target column; throws InputError naming the first bad cell.
std::vector<std::uint8_t> parse_target(const Table& data, std::string_view target) {
  const Column* col = data.find(target);
  if (!col) throw InputError("target column " + quoted(target) + " is not in the data");
  std::vector<std::int8_t> value(col->dict.size(), -1);
  for (std::size_t c = 0; c < col->dict.size(); ++c) {
    const std::string_view t = core::trim(col->dict[c]);
    if (t == "0") value[c] = 0;
    if (t == "1") value[c] = 1;
  }
  std::vector<std::uint8_t> y(col->codes.size());
  for (std::size_t r = 0; r < y.size(); ++r) {
    const std::int8_t v = value[col->codes[r]];
    if (v < 0) {
      throw InputError(record(r) + ": target " + quoted(target) + " is " + quoted(col->dict[col->codes[r]]) +
                       ", not 0 or 1");
    }
    y[r] = static_cast<std::uint8_t>(v);
  }
  return y;
}

void check_options(const TrainOptions& o) {
  auto fail = [](const std::string& what) { throw InputError("option " + what); };
  if (o.target.empty()) fail("target: a target column is required");
  if (!(o.min_bin_share > 0.0 && o.min_bin_share <= 0.5)) fail("min-bin-share must be in (0, 0.5]");
  if (o.max_bins < 2 || o.max_bins > 50) fail("max-bins must be 2..50");
  if (o.fine_bins < 2 || o.fine_bins > 1000) fail("fine-bins must be 2..1000");
  if (o.max_categories < 2) fail("max-categories must be at least 2");
  if (!(o.min_iv >= 0.0 && std::isfinite(o.min_iv))) fail("min-iv must be >= 0");
  if (!(o.max_correlation > 0.0 && o.max_correlation <= 1.0)) fail("max-corr must be in (0, 1]");
  if (!(o.l2 >= 0.0 && std::isfinite(o.l2))) fail("l2 must be >= 0");
  if (!(o.scaling.pdo > 0.0 && std::isfinite(o.scaling.pdo))) fail("pdo must be > 0");
  if (!(o.scaling.base_odds > 0.0 && std::isfinite(o.scaling.base_odds))) fail("base-odds must be > 0");
  if (!std::isfinite(o.scaling.base_points)) fail("base-points must be a finite number");
  if (o.cv_folds != 0 && (o.cv_folds < 2 || o.cv_folds > 20)) fail("cv must be 0 (none) or 2..20");
  check_grade_cutoffs(o.grade_cutoffs);
}

// Hash of the whole table: names, dictionaries and codes of every column, length-prefixed.
std::string table_hash(const Table& data) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, crypto_generichash_BYTES);
  auto put_u64 = [&](std::uint64_t v) {
    unsigned char b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(v >> (8 * i));
    crypto_generichash_update(&st, b, sizeof b);
  };
  auto put_text = [&](std::string_view s) {
    put_u64(s.size());
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  };
  put_u64(data.columns.size());
  put_u64(data.rows());
  for (const Column& c : data.columns) {
    put_text(c.name);
    put_u64(c.dict.size());
    for (const std::string& d : c.dict) put_text(d);
    if (std::endian::native == std::endian::little) {
      crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(c.codes.data()),
                                c.codes.size() * sizeof(std::uint32_t));
    } else {
      for (std::uint32_t code : c.codes) put_u64(code);
    }
  }
  unsigned char out[crypto_generichash_BYTES];
  crypto_generichash_final(&st, out, sizeof out);
  static constexpr char hex[] = "0123456789abcdef";
  std::string s = "blake2b-256:";
  for (unsigned char b : out) {
    s.push_back(hex[b >> 4]);
    s.push_back(hex[b & 15]);
  }
  return s;
}

// A column under consideration, with what binning learns about it.
struct Candidate {
  const Column* column = nullptr;
  std::size_t index = 0;  // column index in the table (tie-break order)
  VariableType type = VariableType::numeric;
  std::vector<std::uint8_t> missing;  // per dictionary code
  std::vector<double> value;          // per dictionary code (numeric variables)
  ScorecardVariable variable;
  std::vector<std::uint8_t> bin_of_code;
  std::string drop_reason;
};

std::size_t bin_index(const ScorecardVariable& v, BinKind kind) {
  for (std::size_t b = 0; b < v.bins.size(); ++b) {
    if (v.bins[b].kind == kind) return b;
  }
  return v.bins.size();
}

// WOE and IV of every bin of `v` (whose counts are set); special bins under min_count are neutral.
void set_woe(ScorecardVariable& v, ClassCounts all, std::int64_t min_count) {
  v.iv = 0.0;
  for (ScorecardBin& b : v.bins) {
    const bool special = b.kind == BinKind::missing || b.kind == BinKind::unseen;
    b.neutral = special && b.counts.total() < min_count;
    b.woe = b.neutral ? 0.0 : weight_of_evidence(b.counts, all);
    b.iv = information_value_term(b.counts, all, b.woe);
    v.iv += b.iv;
  }
}

void bin_candidate(Candidate& c, const std::vector<std::uint8_t>& y, ClassCounts all, std::int64_t min_count,
                   const TrainOptions& o) {
  const Column& col = *c.column;
  std::vector<ClassCounts> per_code(col.dict.size());
  {
    std::vector<std::int64_t> n(col.dict.size(), 0);
    std::vector<std::int64_t> b(col.dict.size(), 0);
    const std::uint32_t* codes = col.codes.data();
    const std::size_t rows = col.codes.size();
    for (std::size_t r = 0; r < rows; ++r) {
      n[codes[r]] += 1;
      b[codes[r]] += y[r];
    }
    for (std::size_t k = 0; k < per_code.size(); ++k) per_code[k] = ClassCounts{n[k] - b[k], b[k]};
  }
  ClassCounts missing;
  for (std::size_t k = 0; k < per_code.size(); ++k) {
    if (c.missing[k]) missing += per_code[k];
  }

  BinningLimits limits;
  limits.min_count = min_count;
  limits.max_bins = o.max_bins;
  limits.fine_bins = o.fine_bins;

  ScorecardVariable& v = c.variable;
  v.name = col.name;
  v.type = c.type;
  c.bin_of_code.assign(col.dict.size(), 0);

  if (c.type == VariableType::numeric) {
    std::vector<std::pair<double, ClassCounts>> seen;
    for (std::size_t k = 0; k < per_code.size(); ++k) {
      if (!c.missing[k] && per_code[k].total() > 0) seen.emplace_back(c.value[k], per_code[k]);
    }
    std::sort(seen.begin(), seen.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<double> values;
    std::vector<ClassCounts> counts;
    for (const auto& [value, cc] : seen) {
      if (!values.empty() && values.back() == value) {
        counts.back() += cc;
      } else {
        values.push_back(value);
        counts.push_back(cc);
      }
    }
    const NumericBins nb = bin_numeric(values, counts, limits);
    for (std::size_t i = 0; i < nb.bins.size(); ++i) {
      ScorecardBin bin;
      bin.kind = BinKind::range;
      bin.lower = i == 0 ? -kInf : nb.cuts[i - 1];
      bin.upper = i + 1 == nb.bins.size() ? kInf : nb.cuts[i];
      bin.counts = nb.bins[i];
      v.bins.push_back(bin);
    }
    ScorecardBin miss;
    miss.kind = BinKind::missing;
    miss.counts = missing;
    v.bins.push_back(miss);
    const auto missing_bin = static_cast<std::uint8_t>(nb.bins.size());
    for (std::size_t k = 0; k < per_code.size(); ++k) {
      if (c.missing[k]) {
        c.bin_of_code[k] = missing_bin;
      } else {
        c.bin_of_code[k] = static_cast<std::uint8_t>(
            std::upper_bound(nb.cuts.begin(), nb.cuts.end(), c.value[k]) - nb.cuts.begin());
      }
    }
  } else {
    // Categories are the trimmed cell texts; distinct cells with the same trimmed text are one category.
    std::vector<std::string> names;
    std::vector<ClassCounts> counts;
    std::unordered_map<std::string, std::size_t> index;
    std::vector<std::size_t> category_of_code(per_code.size(), 0);
    for (std::size_t k = 0; k < per_code.size(); ++k) {
      if (c.missing[k]) continue;
      std::string name(core::trim(col.dict[k]));
      auto [it, fresh] = index.emplace(name, names.size());
      if (fresh) {
        names.push_back(name);
        counts.emplace_back();
      }
      counts[it->second] += per_code[k];
      category_of_code[k] = it->second;
    }
    std::size_t present = 0;
    for (const ClassCounts& cc : counts) present += cc.total() > 0 ? 1 : 0;
    if (present > static_cast<std::size_t>(o.max_categories)) {
      c.drop_reason = std::to_string(present) + " categories, more than max-categories " +
                      std::to_string(o.max_categories);
      return;
    }
    const CategoryGroups groups = group_categories(names, counts, limits);
    std::vector<std::size_t> group_of_category(names.size(), groups.groups.size() + 1);  // default: unseen
    for (std::size_t g = 0; g < groups.groups.size(); ++g) {
      ScorecardBin bin;
      bin.kind = BinKind::categories;
      for (std::size_t cat : groups.groups[g]) {
        bin.categories.push_back(names[cat]);
        group_of_category[cat] = g;
      }
      bin.counts = groups.bins[g];
      v.bins.push_back(std::move(bin));
    }
    ScorecardBin miss;
    miss.kind = BinKind::missing;
    miss.counts = missing;
    v.bins.push_back(miss);
    ScorecardBin unseen;
    unseen.kind = BinKind::unseen;
    v.bins.push_back(unseen);
    for (std::size_t k = 0; k < per_code.size(); ++k) {
      c.bin_of_code[k] = static_cast<std::uint8_t>(c.missing[k] ? groups.groups.size()
                                                                : group_of_category[category_of_code[k]]);
    }
  }
  set_woe(v, all, min_count);
  std::size_t informative = 0;
  for (const ScorecardBin& b : v.bins) informative += (b.counts.total() > 0 && !b.neutral) ? 1 : 0;
  if (informative < 2) c.drop_reason = "a single bin: no split meets the minimum bin share";
}

// Rows grouped by their pattern of bins over the given variables.
struct Patterns {
  std::size_t vars = 0;
  std::vector<std::uint8_t> bins;   // pattern-major: bins[i * vars + v]
  std::vector<ClassCounts> counts;  // per pattern
  std::size_t size() const noexcept { return counts.size(); }
};

std::uint64_t mix(std::uint64_t h) noexcept {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

Patterns aggregate(const std::vector<const Candidate*>& vars, const std::vector<std::uint8_t>& y) {
  Patterns p;
  p.vars = vars.size();
  const std::size_t n = y.size();
  // Pack each row's bins into 64-bit words; a variable never straddles two words.
  std::vector<std::size_t> word(vars.size());
  std::vector<unsigned> shift(vars.size());
  std::size_t words = 1;
  unsigned used = 0;
  for (std::size_t v = 0; v < vars.size(); ++v) {
    const auto bits = static_cast<unsigned>(std::max(1, static_cast<int>(std::bit_width(vars[v]->variable.bins.size() - 1))));
    if (used + bits > 64) {
      ++words;
      used = 0;
    }
    word[v] = words - 1;
    shift[v] = used;
    used += bits;
  }
  std::vector<std::uint64_t> keys(n * words, 0);
  for (std::size_t v = 0; v < vars.size(); ++v) {
    const std::uint32_t* codes = vars[v]->column->codes.data();
    const std::uint8_t* map = vars[v]->bin_of_code.data();
    std::uint64_t* k = keys.data() + word[v];
    const unsigned s = shift[v];
    for (std::size_t r = 0; r < n; ++r) k[r * words] |= static_cast<std::uint64_t>(map[codes[r]]) << s;
  }
  std::size_t capacity = 16;
  while (capacity < 2 * n) capacity *= 2;
  const std::size_t mask = capacity - 1;
  constexpr std::uint32_t kEmpty = 0xffffffffU;
  std::vector<std::uint32_t> slots(capacity, kEmpty);
  std::vector<std::uint64_t> pattern_keys;
  for (std::size_t r = 0; r < n; ++r) {
    const std::uint64_t* key = keys.data() + r * words;
    std::uint64_t h = 0;
    for (std::size_t w = 0; w < words; ++w) h = mix(h ^ key[w]);
    std::size_t slot = h & mask;
    while (true) {
      const std::uint32_t id = slots[slot];
      if (id == kEmpty) {
        slots[slot] = static_cast<std::uint32_t>(p.counts.size());
        pattern_keys.insert(pattern_keys.end(), key, key + words);
        p.counts.push_back(ClassCounts{1 - y[r], y[r]});
        break;
      }
      if (std::equal(key, key + words, pattern_keys.data() + static_cast<std::size_t>(id) * words)) {
        p.counts[id].goods += 1 - y[r];
        p.counts[id].bads += y[r];
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  p.bins.resize(p.size() * p.vars);
  for (std::size_t i = 0; i < p.size(); ++i) {
    for (std::size_t v = 0; v < vars.size(); ++v) {
      const auto bits = static_cast<unsigned>(std::max(1, static_cast<int>(std::bit_width(vars[v]->variable.bins.size() - 1))));
      p.bins[i * p.vars + v] =
          static_cast<std::uint8_t>((pattern_keys[i * words + word[v]] >> shift[v]) & ((1ULL << bits) - 1));
    }
  }
  return p;
}

double round_half_away(double x) { return std::round(x); }

void add_to_grades(GradeTable& t, char grade, double score, ClassCounts c) {
  GradeStats& g = t[static_cast<std::size_t>(grade - 'A')];
  if (c.total() == 0) return;
  if (g.counts.total() == 0) {
    g.min_score = g.max_score = score;
  } else {
    g.min_score = std::min(g.min_score, score);
    g.max_score = std::max(g.max_score, score);
  }
  g.counts += c;
}

GradeTable empty_grades() {
  GradeTable t{};
  for (std::size_t i = 0; i < t.size(); ++i) t[i].grade = kGrades[i];
  return t;
}

Scorecard train_impl(const Table& data, const TrainOptions& o, bool with_hash) {
  check_options(o);
  auto must_exist = [&](const std::string& name, const char* what) {
    if (!data.find(name)) throw InputError(std::string(what) + " column " + quoted(name) + " is not in the data");
  };
  if (!o.id.empty()) must_exist(o.id, "id");
  for (const auto& n : o.exclude) must_exist(n, "excluded");
  for (const auto& n : o.numeric) must_exist(n, "numeric");
  for (const auto& n : o.categorical) {
    must_exist(n, "categorical");
    if (std::find(o.numeric.begin(), o.numeric.end(), n) != o.numeric.end()) {
      throw InputError("column " + quoted(n) + " is forced both numeric and categorical");
    }
  }
  const std::vector<std::uint8_t> y = parse_target(data, o.target);
  if (y.empty()) throw InputError("the data have a header but no rows");
  ClassCounts all;
  for (std::uint8_t v : y) all.bads += v;
  all.goods = static_cast<std::int64_t>(y.size()) - all.bads;
  if (all.goods == 0 || all.bads == 0) {
    throw InputError("target " + quoted(o.target) + " must have both 0 and 1 (it has " + std::to_string(all.goods) +
                     " zeros and " + std::to_string(all.bads) + " ones)");
  }
  const auto min_count =
      std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(o.min_bin_share * static_cast<double>(all.total()) - 1e-9)));

  Scorecard m;
  m.options = o;
  m.training = all;
  const MissingSet missing(o.missing_values);
  auto listed = [](const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
  };

  // Typing.
  std::vector<Candidate> cands;
  for (std::size_t j = 0; j < data.columns.size(); ++j) {
    const Column& col = data.columns[j];
    if (col.name == o.target || col.name == o.id) continue;
    if (listed(o.exclude, col.name)) {
      m.dropped.push_back({col.name, "", 0.0, "excluded by option"});
      continue;
    }
    Candidate c;
    c.column = &col;
    c.index = j;
    c.missing.resize(col.dict.size());
    c.value.assign(col.dict.size(), std::numeric_limits<double>::quiet_NaN());
    bool all_numbers = true;
    std::size_t first_text = col.dict.size();
    for (std::size_t k = 0; k < col.dict.size(); ++k) {
      c.missing[k] = missing.contains(col.dict[k]) ? 1 : 0;
      if (c.missing[k]) continue;
      if (auto v = parse_number(col.dict[k])) {
        c.value[k] = *v;
      } else if (all_numbers) {
        all_numbers = false;
        first_text = k;
      }
    }
    if (listed(o.numeric, col.name)) {
      if (!all_numbers) {
        throw InputError(record(first_row_with(col, static_cast<std::uint32_t>(first_text))) + ": column " +
                         quoted(col.name) + " is numeric but has " + quoted(col.dict[first_text]));
      }
      c.type = VariableType::numeric;
    } else if (listed(o.categorical, col.name)) {
      c.type = VariableType::categorical;
    } else {
      c.type = all_numbers ? VariableType::numeric : VariableType::categorical;
    }
    cands.push_back(std::move(c));
  }

  // Binning, WOE, IV; then the IV threshold.
  for (Candidate& c : cands) bin_candidate(c, y, all, min_count, o);
  std::vector<Candidate*> strong;
  for (Candidate& c : cands) {
    if (c.drop_reason.empty() && c.variable.iv < o.min_iv) {
      c.drop_reason = "IV " + fixed(c.variable.iv, 4) + " below min-iv " + format_number(o.min_iv);
    }
    if (c.drop_reason.empty()) strong.push_back(&c);
  }
  std::stable_sort(strong.begin(), strong.end(),
                   [](const Candidate* a, const Candidate* b) { return a->variable.iv > b->variable.iv; });

  // Rows aggregated by their bins: everything below works on patterns.
  std::vector<const Candidate*> pattern_vars(strong.begin(), strong.end());
  const Patterns pat = aggregate(pattern_vars, y);
  const auto np = static_cast<Eigen::Index>(pat.size());
  Eigen::MatrixXd woe(np, static_cast<Eigen::Index>(strong.size()));
  Eigen::VectorXd trials(np);
  Eigen::VectorXd events(np);
  for (Eigen::Index i = 0; i < np; ++i) {
    const auto ui = static_cast<std::size_t>(i);
    for (std::size_t v = 0; v < strong.size(); ++v) {
      woe(i, static_cast<Eigen::Index>(v)) = strong[v]->variable.bins[pat.bins[ui * pat.vars + v]].woe;
    }
    trials[i] = static_cast<double>(pat.counts[ui].total());
    events[i] = static_cast<double>(pat.counts[ui].bads);
  }

  // Correlation of the WOE columns; of a correlated pair the weaker (lower IV) goes.
  std::vector<std::size_t> kept;
  if (!strong.empty()) {
    const double total = trials.sum();
    const Eigen::RowVectorXd mean = (trials.transpose() * woe) / total;
    const Eigen::MatrixXd centred = woe.rowwise() - mean;
    const Eigen::MatrixXd cov = centred.transpose() * trials.asDiagonal() * centred / total;
    for (std::size_t v = 0; v < strong.size(); ++v) {
      std::string reason;
      for (std::size_t k : kept) {
        const auto a = static_cast<Eigen::Index>(v);
        const auto b = static_cast<Eigen::Index>(k);
        const double denom = std::sqrt(cov(a, a) * cov(b, b));
        const double r = denom > 0 ? cov(a, b) / denom : 0.0;
        if (std::abs(r) > o.max_correlation) {
          reason = "WOE correlation " + fixed(r, 3) + " with " +
                   strong[k]->variable.name + " (stronger) above max-corr " + format_number(o.max_correlation);
          break;
        }
      }
      if (reason.empty()) {
        kept.push_back(v);
      } else {
        strong[v]->drop_reason = reason;
      }
    }
  }

  if (kept.size() > 32767) throw InputError("more than 32767 variables qualify: raise min-iv or exclude columns");
  // Logistic regression on the kept WOE columns; a wrong-signed coefficient drops its variable.
  LogitOptions lo;
  lo.l2 = o.l2;
  LogitFit fit;
  while (true) {
    if (kept.empty()) {
      throw InputError("no variable is left to build a scorecard from (all below min-iv " + format_number(o.min_iv) +
                       " or dropped)");
    }
    Eigen::MatrixXd x(np, static_cast<Eigen::Index>(kept.size()));
    for (std::size_t k = 0; k < kept.size(); ++k) {
      x.col(static_cast<Eigen::Index>(k)) = woe.col(static_cast<Eigen::Index>(kept[k]));
    }
    fit = fit_logit(x, trials, events, lo);
    std::size_t worst = kept.size();
    double worst_beta = 0.0;
    for (std::size_t k = 0; k < kept.size(); ++k) {
      const double beta = fit.coefficients[static_cast<Eigen::Index>(k) + 1];
      if (beta >= worst_beta) {
        worst_beta = beta;
        worst = k;
      }
    }
    if (worst == kept.size()) break;
    strong[kept[worst]]->drop_reason =
        "coefficient " + fixed(worst_beta, 3) +
        " has the wrong sign next to the other variables (collinear)";
    kept.erase(kept.begin() + static_cast<std::ptrdiff_t>(worst));
  }

  // Points.
  const double factor = o.scaling.factor();
  const double offset = o.scaling.offset();
  const double alpha = fit.coefficients[0];
  const double p = static_cast<double>(kept.size());
  m.intercept = alpha;
  m.metrics.logit_iterations = fit.iterations;
  m.metrics.logit_converged = fit.converged;
  for (std::size_t k = 0; k < kept.size(); ++k) {
    ScorecardVariable v = strong[kept[k]]->variable;
    v.coefficient = fit.coefficients[static_cast<Eigen::Index>(k) + 1];
    for (ScorecardBin& b : v.bins) {
      const double pts = offset / p - factor * (alpha / p + v.coefficient * b.woe);
      b.points = o.round_points ? round_half_away(pts) : pts;
    }
    m.variables.push_back(std::move(v));
  }
  for (const Candidate& c : cands) {
    if (!c.drop_reason.empty()) {
      m.dropped.push_back({c.variable.name.empty() ? c.column->name : c.variable.name,
                           std::string(to_string(c.type)), c.variable.iv, c.drop_reason});
    }
  }

  // Training metrics from the patterns.
  std::vector<double> risk(pat.size());
  m.metrics.grades = empty_grades();
  for (std::size_t i = 0; i < pat.size(); ++i) {
    double s = 0.0;
    for (std::size_t k = 0; k < kept.size(); ++k) s += m.variables[k].bins[pat.bins[i * pat.vars + kept[k]]].points;
    risk[i] = pd_of_score(o.scaling, s);
    add_to_grades(m.metrics.grades, grade_of(risk[i], o.grade_cutoffs), s, pat.counts[i]);
  }
  m.metrics.train = discrimination(risk, pat.counts);
  if (with_hash) m.data_hash = table_hash(data);
  return m;
}

// Bit layout of the reason keys in score().
struct KeyLayout {
  unsigned vbits = 0;      // bits of the variable field
  std::uint64_t vmax = 0;  // (1 << vbits) - 1
};

// The three largest keys of each row in a block of rows, by a min/max network without branches over
// whole arrays (the compiler vectorises the network for 32-bit keys).
template <class Key, std::size_t kBlock>
struct TopThree {
  std::array<Key, kBlock> k0, k1, k2, x;

  void run(std::size_t m, std::size_t base, const std::vector<const std::uint32_t*>& codes,
           const std::vector<std::vector<Key>>& keys) {
    std::fill_n(k0.begin(), m, Key{0});
    std::fill_n(k1.begin(), m, Key{0});
    std::fill_n(k2.begin(), m, Key{0});
    for (std::size_t v = 0; v < codes.size(); ++v) {
      const std::uint32_t* c = codes[v] + base;
      const Key* table = keys[v].data();
      for (std::size_t i = 0; i < m; ++i) x[i] = table[c[i]];
      for (std::size_t i = 0; i < m; ++i) {
        Key a = x[i];
        const Key h0 = std::max(k0[i], a);
        a = std::min(k0[i], a);
        const Key h1 = std::max(k1[i], a);
        a = std::min(k1[i], a);
        k0[i] = h0;
        k1[i] = h1;
        k2[i] = std::max(k2[i], a);
      }
    }
  }

  void decode(std::size_t m, const KeyLayout& layout, Reason* out) const {
    for (std::size_t i = 0; i < m; ++i) {
      for (const Key key : {k0[i], k1[i], k2[i]}) {
        const auto k = static_cast<std::uint64_t>(key);
        *out++ = (k >> (layout.vbits + 8)) == 0
                     ? Reason{}
                     : Reason{static_cast<std::int16_t>(layout.vmax - ((k >> 8) & layout.vmax)),
                              static_cast<std::uint8_t>(k & 0xff)};
      }
    }
  }
};

// Concatenation by appending (GCC 12 -O3 reports a false -Wrestrict on `"x" + std::string&&`).
template <class... Parts>
std::string cat(const Parts&... parts) {
  std::string s;
  (s.append(std::string_view(parts)), ...);
  return s;
}

std::string join_or(const std::vector<std::string>& items, std::string_view sep) {
  std::string s;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) s += sep;
    s += items[i];
  }
  return s;
}

}  // namespace

std::string_view to_string(VariableType t) noexcept {
  return t == VariableType::numeric ? "numeric" : "categorical";
}

double Scaling::factor() const noexcept { return pdo / std::log(2.0); }
double Scaling::offset() const noexcept { return base_points - factor() * std::log(base_odds); }

double Scorecard::max_score() const noexcept {
  double s = 0.0;
  for (const ScorecardVariable& v : variables) {
    double best = -kInf;
    for (const ScorecardBin& b : v.bins) best = std::max(best, b.points);
    s += best;
  }
  return s;
}

std::string format_number(double v) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

double pd_of_score(const Scaling& scaling, double score) noexcept {
  return 1.0 / (1.0 + std::exp((score - scaling.offset()) / scaling.factor()));
}

char grade_of(double pd, const GradeCutoffs& cutoffs) noexcept {
  for (std::size_t i = 0; i < cutoffs.size(); ++i) {
    if (pd < cutoffs[i]) return kGrades[i];
  }
  return kGrades[4];
}

void check_grade_cutoffs(const GradeCutoffs& c) {
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (!(c[i] > 0.0 && c[i] < 1.0) || (i > 0 && !(c[i] > c[i - 1]))) {
      throw InputError("grade cut-offs must be 4 PDs rising strictly inside (0, 1), e.g. 0.1,0.2,0.35,0.5");
    }
  }
}

Scorecard train(const Table& data, const TrainOptions& options) {
  Scorecard m = train_impl(data, options, true);
  if (options.cv_folds > 0) {
    m.metrics.cv_auc = cross_validate(data, options, options.cv_folds, options.cv_seed);
    m.metrics.cv_auc_mean =
        std::accumulate(m.metrics.cv_auc.begin(), m.metrics.cv_auc.end(), 0.0) / static_cast<double>(m.metrics.cv_auc.size());
  }
  return m;
}

std::vector<double> cross_validate(const Table& data, const TrainOptions& options, int folds, std::uint64_t seed) {
  if (folds < 2 || folds > 20) throw InputError("cross-validation needs 2..20 folds");
  check_options(options);
  const std::vector<std::uint8_t> y = parse_target(data, options.target);
  std::vector<std::uint32_t> goods;
  std::vector<std::uint32_t> bads;
  for (std::size_t r = 0; r < y.size(); ++r) (y[r] ? bads : goods).push_back(static_cast<std::uint32_t>(r));
  const auto k = static_cast<std::size_t>(folds);
  if (goods.size() < k || bads.size() < k) {
    throw InputError("cross-validation with " + std::to_string(folds) + " folds needs at least " +
                     std::to_string(folds) + " goods and " + std::to_string(folds) + " bads");
  }
  // Fisher-Yates on raw 64-bit draws: the same permutation on every platform.
  std::mt19937_64 rng(seed);
  std::vector<std::uint8_t> fold(y.size());
  for (auto* cls : {&goods, &bads}) {
    for (std::size_t i = cls->size(); i > 1; --i) std::swap((*cls)[i - 1], (*cls)[rng() % i]);
    for (std::size_t i = 0; i < cls->size(); ++i) fold[(*cls)[i]] = static_cast<std::uint8_t>(i % k);
  }
  TrainOptions inner = options;
  inner.cv_folds = 0;
  std::vector<double> aucs;
  for (std::size_t f = 0; f < k; ++f) {
    std::vector<std::uint32_t> train_rows;
    std::vector<std::uint32_t> test_rows;
    for (std::size_t r = 0; r < y.size(); ++r) (fold[r] == f ? test_rows : train_rows).push_back(static_cast<std::uint32_t>(r));
    const Scorecard m = train_impl(data.select_rows(train_rows), inner, false);
    ScoreOptions so = default_score_options(m);
    so.reasons = false;
    const ScoredBatch s = score(m, data.select_rows(test_rows), so);
    std::vector<ClassCounts> outcomes(test_rows.size());
    for (std::size_t i = 0; i < test_rows.size(); ++i) outcomes[i] = ClassCounts{1 - y[test_rows[i]], y[test_rows[i]]};
    aucs.push_back(discrimination(s.pd, outcomes).auc);
  }
  return aucs;
}

ScoreOptions default_score_options(const Scorecard& model) {
  ScoreOptions o;
  o.grade_cutoffs = model.options.grade_cutoffs;
  return o;
}

ScoredBatch score(const Scorecard& model, const Table& data, const ScoreOptions& options) {
  check_grade_cutoffs(options.grade_cutoffs);
  const std::size_t n = data.rows();
  const std::size_t p = model.variables.size();
  const MissingSet missing(model.options.missing_values);

  // Reasons: every (variable, bin) gets a key ordered like "lost more points, then earlier variable":
  // key = rank of the loss << (vbits + 8) | (vmax - variable) << 8 | bin, rank 0 meaning no loss. The
  // three largest keys of a row are its reasons. 32-bit keys when they fit (the usual case), else 64.
  std::vector<double> best(p, -kInf);
  std::vector<double> losses;
  for (std::size_t v = 0; v < p; ++v) {
    for (const ScorecardBin& b : model.variables[v].bins) best[v] = std::max(best[v], b.points);
    for (const ScorecardBin& b : model.variables[v].bins) losses.push_back(best[v] - b.points);
  }
  losses.push_back(0.0);
  std::sort(losses.begin(), losses.end());
  losses.erase(std::unique(losses.begin(), losses.end()), losses.end());
  KeyLayout layout;
  layout.vbits = static_cast<unsigned>(std::bit_width(p));
  layout.vmax = (std::uint64_t{1} << layout.vbits) - 1;
  const auto rank_bits = static_cast<unsigned>(std::bit_width(losses.size() - 1));
  const bool narrow = rank_bits + layout.vbits + 8 <= 31;
  auto key_of = [&](std::size_t v, std::size_t b) -> std::uint64_t {
    const double lost = best[v] - model.variables[v].bins[b].points;
    const auto rank = static_cast<std::uint64_t>(std::lower_bound(losses.begin(), losses.end(), lost) - losses.begin());
    return rank << (layout.vbits + 8) | (layout.vmax - v) << 8 | b;
  };

  // Per variable and dictionary code: the points of the code's bin and the reason key.
  std::vector<std::vector<double>> points_of(p);
  std::vector<std::vector<std::uint64_t>> key_of_code(p);
  std::vector<std::vector<std::int32_t>> key32_of_code(p);
  std::vector<const std::uint32_t*> codes(p);
  for (std::size_t v = 0; v < p; ++v) {
    const ScorecardVariable& var = model.variables[v];
    const Column* col = data.find(var.name);
    if (!col) throw InputError("column " + quoted(var.name) + " used by the model is missing from the data");
    codes[v] = col->codes.data();
    const std::size_t missing_bin = bin_index(var, BinKind::missing);
    const std::size_t unseen_bin = bin_index(var, BinKind::unseen);
    std::vector<double> cuts;
    std::unordered_map<std::string, std::size_t> category_bin;
    for (std::size_t b = 0; b < var.bins.size(); ++b) {
      const ScorecardBin& bin = var.bins[b];
      if (bin.kind == BinKind::range && bin.upper != kInf) cuts.push_back(bin.upper);
      for (const std::string& c : bin.categories) category_bin.emplace(c, b);
    }
    points_of[v].resize(col->dict.size());
    if (narrow) {
      key32_of_code[v].resize(col->dict.size());
    } else {
      key_of_code[v].resize(col->dict.size());
    }
    for (std::size_t k = 0; k < col->dict.size(); ++k) {
      const std::string& text = col->dict[k];
      std::size_t b;
      if (missing.contains(text)) {
        b = missing_bin;
      } else if (var.type == VariableType::numeric) {
        const std::optional<double> x = parse_number(text);
        if (!x) {
          throw InputError(record(first_row_with(*col, static_cast<std::uint32_t>(k))) + ": column " +
                           quoted(var.name) + " is numeric but has " + quoted(text));
        }
        b = static_cast<std::size_t>(std::upper_bound(cuts.begin(), cuts.end(), *x) - cuts.begin());
      } else {
        auto it = category_bin.find(std::string(core::trim(text)));
        b = it == category_bin.end() ? unseen_bin : it->second;
      }
      points_of[v][k] = var.bins[b].points;
      if (narrow) {
        key32_of_code[v][k] = static_cast<std::int32_t>(key_of(v, b));
      } else {
        key_of_code[v][k] = key_of(v, b);
      }
    }
  }

  // With whole points every score is a whole number between the lowest and the highest possible
  // score: PD and grade come from a table instead of exp() per row.
  const double offset = model.options.scaling.offset();
  const double factor = model.options.scaling.factor();
  const GradeCutoffs& cut = options.grade_cutoffs;
  double lowest = 0.0;
  bool whole = true;
  for (const ScorecardVariable& var : model.variables) {
    double worst = kInf;
    for (const ScorecardBin& b : var.bins) {
      worst = std::min(worst, b.points);
      whole = whole && b.points == std::round(b.points) && std::abs(b.points) < 1e9;
    }
    lowest += worst;
  }
  const double highest = model.max_score();
  std::vector<double> pd_table;
  std::vector<char> grade_table;
  if (whole && highest - lowest < 1e6) {
    const auto size = static_cast<std::size_t>(highest - lowest) + 1;
    pd_table.resize(size);
    grade_table.resize(size);
    for (std::size_t i = 0; i < size; ++i) {
      pd_table[i] = 1.0 / (1.0 + std::exp((lowest + static_cast<double>(i) - offset) / factor));  // as pd_of_score
      grade_table[i] = grade_of(pd_table[i], cut);
    }
  }

  ScoredBatch out;
  out.score.resize(n);
  out.pd.resize(n);
  out.grade.resize(n);
  if (options.reasons) out.reasons.resize(3 * n);
  // Blocks of rows, one variable at a time: every row's sums are independent, so the lookups of many
  // rows are in flight together.
  constexpr std::size_t kBlock = 512;
  std::array<double, kBlock> acc;
  TopThree<std::int32_t, kBlock> top32;
  TopThree<std::uint64_t, kBlock> top64;
  for (std::size_t base = 0; base < n; base += kBlock) {
    const std::size_t m = std::min(kBlock, n - base);
    std::fill_n(acc.begin(), m, 0.0);
    for (std::size_t v = 0; v < p; ++v) {
      const std::uint32_t* c = codes[v] + base;
      const double* pts = points_of[v].data();
      for (std::size_t i = 0; i < m; ++i) acc[i] += pts[c[i]];
    }
    if (options.reasons) {
      Reason* rs = &out.reasons[3 * base];
      if (narrow) {
        top32.run(m, base, codes, key32_of_code);
        top32.decode(m, layout, rs);
      } else {
        top64.run(m, base, codes, key_of_code);
        top64.decode(m, layout, rs);
      }
    }
    for (std::size_t i = 0; i < m; ++i) {
      const double sc = acc[i];
      const std::size_t r = base + i;
      out.score[r] = sc;
      if (!pd_table.empty()) {
        const auto t = static_cast<std::size_t>(sc - lowest);
        out.pd[r] = pd_table[t];
        out.grade[r] = grade_table[t];
      } else {
        out.pd[r] = 1.0 / (1.0 + std::exp((sc - offset) / factor));  // as pd_of_score
        out.grade[r] = grade_of(out.pd[r], cut);
      }
    }
  }
  return out;
}

std::string bin_label(const ScorecardVariable& var, std::size_t bin) {
  const ScorecardBin& b = var.bins.at(bin);
  switch (b.kind) {
    case BinKind::range:
      if (b.lower == -kInf && b.upper == kInf) return "any value";
      if (b.lower == -kInf) return cat("< ", format_number(b.upper));
      if (b.upper == kInf) return cat(">= ", format_number(b.lower));
      return cat("[", format_number(b.lower), ", ", format_number(b.upper), ")");
    case BinKind::categories:
      return join_or(b.categories, ", ");
    case BinKind::missing:
      return "missing";
    case BinKind::unseen:
      return "unseen";
  }
  return {};
}

std::string reason_text(const Scorecard& model, Reason reason) {
  if (reason.variable < 0 || static_cast<std::size_t>(reason.variable) >= model.variables.size()) return {};
  const ScorecardVariable& var = model.variables[static_cast<std::size_t>(reason.variable)];
  const ScorecardBin& b = var.bins.at(reason.bin);
  switch (b.kind) {
    case BinKind::range:
      if (b.lower == -kInf && b.upper == kInf) return cat(var.name, " = any value");
      if (b.lower == -kInf) return cat(var.name, " < ", format_number(b.upper));
      if (b.upper == kInf) return cat(var.name, " >= ", format_number(b.lower));
      return cat(format_number(b.lower), " <= ", var.name, " < ", format_number(b.upper));
    case BinKind::categories:
      return cat(var.name, " = ", join_or(b.categories, " or "));
    case BinKind::missing:
      return cat(var.name, " is missing");
    case BinKind::unseen:
      return cat(var.name, " is a category not seen in training");
  }
  return {};
}

Evaluation evaluate(const Scorecard& model, const Table& data, std::string_view target, const GradeCutoffs& cutoffs) {
  const std::vector<std::uint8_t> y = parse_target(data, target);
  if (y.empty()) throw InputError("the data have a header but no rows");
  ScoreOptions so;
  so.reasons = false;
  so.grade_cutoffs = cutoffs;
  const ScoredBatch s = score(model, data, so);
  std::vector<ClassCounts> outcomes(y.size());
  Evaluation e;
  e.grades = empty_grades();
  for (std::size_t r = 0; r < y.size(); ++r) {
    outcomes[r] = ClassCounts{1 - y[r], y[r]};
    add_to_grades(e.grades, s.grade[r], s.score[r], outcomes[r]);
  }
  e.metrics = discrimination(s.pd, outcomes);
  return e;
}

}  // namespace sdelka::lending::scoring
