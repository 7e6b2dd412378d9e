#pragma once
// Discrimination metrics of a risk ranking against known outcomes. No I/O.
#include <cstdint>
#include <span>

#include "lending/scorecard_binning.hpp"

namespace sdelka::lending::scoring {

struct Discrimination {
  double auc = 0.5;   // P(a random bad ranks riskier than a random good); ties count one half
  double gini = 0.0;  // 2 * auc - 1
  double ks = 0.0;    // Kolmogorov-Smirnov: largest gap between the cumulative bad and good shares
  std::int64_t n = 0; // cases counted
};

// Metrics of `risk` (larger = riskier, e.g. a PD) where risk[i] holds for outcomes[i].goods goods and
// outcomes[i].bads bads (one row per case, or aggregated rows). Spans must have equal size, else
// std::invalid_argument. With no goods or no bads the result keeps auc 0.5, gini 0 and ks 0 (n is
// still counted). NaN risks are not allowed (std::invalid_argument).
Discrimination discrimination(std::span<const double> risk, std::span<const ClassCounts> outcomes);

}  // namespace sdelka::lending::scoring
