#pragma once
// Binning of one variable against a 0/1 target, and the weight of evidence (WOE) and information value
// (IV) of bins. Pure functions over counts: no I/O, no exceptions except std::bad_alloc and
// std::invalid_argument for violated preconditions (which the scorecard trainer never violates).
//
// Conventions (Siddiqi): WOE = ln(share of all goods in the bin / share of all bads in the bin), so a
// bin riskier than average has a negative WOE; IV = sum over bins of (good share - bad share) * WOE.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace sdelka::lending::scoring {

// Goods (target 0) and bads (target 1) in a bin or in a whole sample.
struct ClassCounts {
  std::int64_t goods = 0;
  std::int64_t bads = 0;
  std::int64_t total() const noexcept { return goods + bads; }
  ClassCounts& operator+=(const ClassCounts& o) noexcept {
    goods += o.goods;
    bads += o.bads;
    return *this;
  }
  friend bool operator==(const ClassCounts&, const ClassCounts&) = default;
};

// WOE of `bin` within a sample whose totals are `all` (all.goods > 0 and all.bads > 0 required, else
// std::invalid_argument). When the bin has no goods or no bads, 0.5 is added to both of its counts
// (not to the totals) so that the result stays finite. An empty bin has WOE 0.
double weight_of_evidence(ClassCounts bin, ClassCounts all);

// The bin's share of the IV: (bin.goods/all.goods - bin.bads/all.bads) * woe, for the WOE the caller
// actually uses for that bin (which may be the neutral 0).
double information_value_term(ClassCounts bin, ClassCounts all, double woe) noexcept;

// Limits of a coarse classing.
struct BinningLimits {
  std::int64_t min_count = 1;  // every bin holds at least this many rows (when the data allow it)
  int max_bins = 6;            // at most this many bins (>= 1)
  int fine_bins = 20;          // numeric fine classing: about this many equal-count classes first
};

// Result of bin_numeric: bin i holds values v with cuts[i-1] <= v < cuts[i] (no lower limit for the
// first bin, no upper limit for the last), so there are cuts.size() + 1 bins.
struct NumericBins {
  std::vector<double> cuts;
  std::vector<ClassCounts> bins;
  bool increasing = true;  // bad rate rises with the value (false: falls); meaningless with one bin
};

// Coarse classing of a numeric variable. `values` are the distinct non-missing values in strictly
// ascending order and `counts[i]` the goods and bads having values[i] (spans of equal size, else
// std::invalid_argument). Steps: fine classing into about limits.fine_bins classes of equal count;
// pooling of adjacent classes until the bad rate is strictly monotone (pool-adjacent-violators), tried
// in both directions; then, while some bin is smaller than limits.min_count or lacks goods or bads,
// the smallest such bin is merged into the neighbour with the more similar bad rate (smaller
// chi-square); then, while there are more than limits.max_bins bins, the adjacent pair with the
// smallest chi-square is merged. Of the two directions the one with the larger IV wins (ties: rising).
// Every cut is one of `values`. Deterministic. Empty input gives one empty bin and no cuts.
NumericBins bin_numeric(std::span<const double> values, std::span<const ClassCounts> counts,
                        const BinningLimits& limits);

// Result of group_categories: groups[g] lists indices into the input categories; groups are ordered
// by rising bad rate, and so are the categories inside a group.
struct CategoryGroups {
  std::vector<std::vector<std::size_t>> groups;
  std::vector<ClassCounts> bins;  // counts of each group
};

// Groups the categories of a categorical variable by similar bad rates: categories are sorted by bad
// rate (ties: larger count first, then name), then merged exactly as bin_numeric merges its classes
// (minimum count, both classes present, at most max_bins, smallest chi-square first). `names` and
// `counts` have equal size (else std::invalid_argument); categories with a zero count are ignored.
CategoryGroups group_categories(std::span<const std::string> names, std::span<const ClassCounts> counts,
                                const BinningLimits& limits);

// Pearson chi-square statistic of the 2x2 table {a, b} x {goods, bads}; 0 when a row or a column of
// the table is empty.
double chi_square(ClassCounts a, ClassCounts b) noexcept;

}  // namespace sdelka::lending::scoring
