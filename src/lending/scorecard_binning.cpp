#include "lending/scorecard_binning.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace sdelka::lending::scoring {
namespace {

// A run of adjacent fine classes [first, last].
struct Block {
  ClassCounts c;
  std::size_t first = 0;
  std::size_t last = 0;
};

// Sign of bad_rate(a) - bad_rate(b), exactly (row counts stay far below 2^31).
int compare_rate(const ClassCounts& a, const ClassCounts& b) noexcept {
  const std::int64_t lhs = a.bads * b.total();
  const std::int64_t rhs = b.bads * a.total();
  return (lhs > rhs) - (lhs < rhs);
}

void merge_into_left(std::vector<Block>& blocks, std::size_t left) {
  blocks[left].c += blocks[left + 1].c;
  blocks[left].last = blocks[left + 1].last;
  blocks.erase(blocks.begin() + static_cast<std::ptrdiff_t>(left) + 1);
}

// Pool adjacent violators until bad rates strictly rise (increasing) or strictly fall.
std::vector<Block> pool_monotone(const std::vector<Block>& fine, bool increasing) {
  std::vector<Block> out;
  out.reserve(fine.size());
  for (const Block& b : fine) {
    out.push_back(b);
    while (out.size() >= 2) {
      const int cmp = compare_rate(out[out.size() - 2].c, out.back().c);
      const bool violates = increasing ? cmp >= 0 : cmp <= 0;
      if (!violates) break;
      merge_into_left(out, out.size() - 2);
    }
  }
  return out;
}

// Enforces the minimum count, both classes in every bin, and the maximum number of bins.
void merge_to_limits(std::vector<Block>& blocks, const BinningLimits& limits) {
  while (blocks.size() > 1) {
    std::size_t worst = blocks.size();
    for (std::size_t i = 0; i < blocks.size(); ++i) {
      const ClassCounts& c = blocks[i].c;
      if (c.total() >= limits.min_count && c.goods > 0 && c.bads > 0) continue;
      if (worst == blocks.size() || c.total() < blocks[worst].c.total()) worst = i;
    }
    if (worst == blocks.size()) break;
    std::size_t left;
    if (worst == 0) {
      left = 0;
    } else if (worst + 1 == blocks.size()) {
      left = worst - 1;
    } else {
      const double with_left = chi_square(blocks[worst - 1].c, blocks[worst].c);
      const double with_right = chi_square(blocks[worst].c, blocks[worst + 1].c);
      left = with_left <= with_right ? worst - 1 : worst;
    }
    merge_into_left(blocks, left);
  }
  const auto max_bins = static_cast<std::size_t>(std::max(1, limits.max_bins));
  while (blocks.size() > max_bins) {
    std::size_t best = 0;
    double best_chi = chi_square(blocks[0].c, blocks[1].c);
    for (std::size_t i = 1; i + 1 < blocks.size(); ++i) {
      const double chi = chi_square(blocks[i].c, blocks[i + 1].c);
      if (chi < best_chi) {
        best_chi = chi;
        best = i;
      }
    }
    merge_into_left(blocks, best);
  }
}

double blocks_iv(const std::vector<Block>& blocks, ClassCounts all) {
  if (all.goods == 0 || all.bads == 0) return 0.0;
  double iv = 0.0;
  for (const Block& b : blocks) iv += information_value_term(b.c, all, weight_of_evidence(b.c, all));
  return iv;
}

}  // namespace

double weight_of_evidence(ClassCounts bin, ClassCounts all) {
  if (all.goods <= 0 || all.bads <= 0) throw std::invalid_argument("weight_of_evidence: a class is empty");
  if (bin.total() == 0) return 0.0;
  double g = static_cast<double>(bin.goods);
  double b = static_cast<double>(bin.bads);
  if (bin.goods == 0 || bin.bads == 0) {
    g += 0.5;
    b += 0.5;
  }
  return std::log((g / static_cast<double>(all.goods)) / (b / static_cast<double>(all.bads)));
}

double information_value_term(ClassCounts bin, ClassCounts all, double woe) noexcept {
  if (all.goods <= 0 || all.bads <= 0) return 0.0;
  const double dg = static_cast<double>(bin.goods) / static_cast<double>(all.goods);
  const double db = static_cast<double>(bin.bads) / static_cast<double>(all.bads);
  return (dg - db) * woe;
}

double chi_square(ClassCounts a, ClassCounts b) noexcept {
  const double n = static_cast<double>(a.total() + b.total());
  const double goods = static_cast<double>(a.goods + b.goods);
  const double bads = static_cast<double>(a.bads + b.bads);
  if (a.total() == 0 || b.total() == 0 || goods == 0.0 || bads == 0.0) return 0.0;
  double chi = 0.0;
  for (const ClassCounts& r : {a, b}) {
    const double rn = static_cast<double>(r.total());
    const double eg = rn * goods / n;
    const double eb = rn * bads / n;
    chi += (static_cast<double>(r.goods) - eg) * (static_cast<double>(r.goods) - eg) / eg;
    chi += (static_cast<double>(r.bads) - eb) * (static_cast<double>(r.bads) - eb) / eb;
  }
  return chi;
}

NumericBins bin_numeric(std::span<const double> values, std::span<const ClassCounts> counts,
                        const BinningLimits& limits) {
  if (values.size() != counts.size()) throw std::invalid_argument("bin_numeric: values and counts differ in size");
  NumericBins out;
  if (values.empty()) {
    out.bins.emplace_back();
    return out;
  }
  ClassCounts all;
  for (const ClassCounts& c : counts) all += c;

  // Fine classing: runs of distinct values holding about total / fine_bins rows each.
  const std::int64_t per_class =
      std::max<std::int64_t>(1, (all.total() + std::max(1, limits.fine_bins) - 1) / std::max(1, limits.fine_bins));
  std::vector<Block> fine;
  Block cur;
  bool open = false;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!open) {
      cur = Block{ClassCounts{}, i, i};
      open = true;
    }
    cur.c += counts[i];
    cur.last = i;
    if (cur.c.total() >= per_class) {
      fine.push_back(cur);
      open = false;
    }
  }
  if (open) fine.push_back(cur);

  std::vector<Block> best;
  double best_iv = -1.0;
  for (bool increasing : {true, false}) {
    std::vector<Block> blocks = pool_monotone(fine, increasing);
    merge_to_limits(blocks, limits);
    const double iv = blocks_iv(blocks, all);
    if (iv > best_iv) {
      best_iv = iv;
      best = std::move(blocks);
      out.increasing = increasing;
    }
  }
  for (std::size_t i = 0; i < best.size(); ++i) {
    if (i > 0) out.cuts.push_back(values[best[i].first]);
    out.bins.push_back(best[i].c);
  }
  return out;
}

CategoryGroups group_categories(std::span<const std::string> names, std::span<const ClassCounts> counts,
                                const BinningLimits& limits) {
  if (names.size() != counts.size()) throw std::invalid_argument("group_categories: names and counts differ in size");
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (counts[i].total() > 0) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const int cmp = compare_rate(counts[a], counts[b]);
    if (cmp != 0) return cmp < 0;
    if (counts[a].total() != counts[b].total()) return counts[a].total() > counts[b].total();
    return names[a] < names[b];
  });
  std::vector<Block> blocks;
  for (std::size_t k = 0; k < order.size(); ++k) blocks.push_back(Block{counts[order[k]], k, k});
  merge_to_limits(blocks, limits);
  CategoryGroups out;
  for (const Block& b : blocks) {
    std::vector<std::size_t> g;
    for (std::size_t k = b.first; k <= b.last; ++k) g.push_back(order[k]);
    out.groups.push_back(std::move(g));
    out.bins.push_back(b.c);
  }
  return out;
}

}  // namespace sdelka::lending::scoring
