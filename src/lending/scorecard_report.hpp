#pragma once
// The scorecard for the credit committee: one row per bin (variable, bin, count, bad rate, WOE, IV,
// points) as CSV or Markdown, and tables of bad rate by grade. Text out, no I/O, no exceptions except
// std::bad_alloc.
#include <iosfwd>
#include <string>
#include <string_view>

#include "lending/scorecard.hpp"

namespace sdelka::lending::scoring {

// CSV with the header `variable,bin,count,bad_rate,woe,iv,points`: the bins of every model variable
// in model order (bad_rate and woe with 4 decimals, iv with 4, points as in the model), ending with a
// newline.
std::string report_csv(const Scorecard& model);

// A Markdown document titled `title`: a summary (training rows and bad rate, scaling, AUC, Gini, KS,
// cross-validated AUC when present, data hash), the scorecard table with a total IV per variable, the
// variables left out with their reason, and the training rows by grade.
std::string report_markdown(const Scorecard& model, std::string_view title);

// Writes the scores of a batch as CSV to `out`: header `id,score,pd,grade,reason1,reason2,reason3`,
// then one line per row of `batch` (score with no decimals when the model rounds points, else 2; PD
// with 6; reasons in words, empty when fewer than three variables lost points). The id is the row's
// cell of `id` when given (a column of the scored table), else the row number from 1. Returns false
// when the stream failed; writes in blocks of about 1 MiB.
bool write_scores_csv(std::ostream& out, const Scorecard& model, const ScoredBatch& batch, const Column* id);

// Bad rate by grade as CSV: `grade,pd_from,pd_to,count,share,bads,bad_rate,min_score,max_score`.
std::string grade_table_csv(const GradeTable& grades, const GradeCutoffs& cutoffs);

// The same table in Markdown (a table only, no heading).
std::string grade_table_markdown(const GradeTable& grades, const GradeCutoffs& cutoffs);

}  // namespace sdelka::lending::scoring
