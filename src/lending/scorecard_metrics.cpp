#include "lending/scorecard_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

namespace sdelka::lending::scoring {

Discrimination discrimination(std::span<const double> risk, std::span<const ClassCounts> outcomes) {
  if (risk.size() != outcomes.size()) throw std::invalid_argument("discrimination: sizes differ");
  Discrimination d;
  ClassCounts all;
  for (std::size_t i = 0; i < risk.size(); ++i) {
    if (std::isnan(risk[i])) throw std::invalid_argument("discrimination: NaN risk");
    all += outcomes[i];
  }
  d.n = all.total();
  if (all.goods == 0 || all.bads == 0) return d;

  std::vector<std::uint32_t> order(risk.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return risk[a] < risk[b]; });

  // Walk from the least risky up, one group of equal risk at a time.
  const double total_goods = static_cast<double>(all.goods);
  const double total_bads = static_cast<double>(all.bads);
  double goods_below = 0.0;
  double bads_below = 0.0;
  double concordant = 0.0;  // pairs (bad, good) with the bad riskier, ties counted one half
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    double g = 0.0;
    double b = 0.0;
    while (j < order.size() && risk[order[j]] == risk[order[i]]) {
      g += static_cast<double>(outcomes[order[j]].goods);
      b += static_cast<double>(outcomes[order[j]].bads);
      ++j;
    }
    concordant += b * (goods_below + 0.5 * g);
    goods_below += g;
    bads_below += b;
    d.ks = std::max(d.ks, std::abs(goods_below / total_goods - bads_below / total_bads));
    i = j;
  }
  d.auc = concordant / (total_goods * total_bads);
  d.gini = 2.0 * d.auc - 1.0;
  return d;
}

}  // namespace sdelka::lending::scoring
