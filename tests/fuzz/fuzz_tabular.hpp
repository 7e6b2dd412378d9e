#pragma once
// Reads every row of a CSV or XLSX file through sdelka::tabular::open_rows and checks what the
// contract in src/core/tabular.hpp promises about them.
#include <set>
#include <string>
#include <vector>

#include "core/tabular.hpp"
#include "fuzz_util.hpp"

namespace fuzz {

inline bool known_code(const std::string& code) {
  static const std::set<std::string> codes = {
      "open_failed", "is_directory", "read_failed", "empty", "bom_only", "binary", "html", "xls", "ods", "zip",
      "not_workbook", "no_worksheet", "out_of_memory", "bad_delimiter", "csv_syntax", "unclosed_quote",
      "nul_byte", "field_too_long", "row_too_long", "too_many_fields", "encoding_unsupported",
      "truncated_char", "bad_byte", "damaged", "xlsx_too_large"};
  return codes.count(code) != 0;
}

// Opens `path` with `options`, reads to the end or the first error, checks the invariants.
// Returns the number of rows read.
inline std::size_t read_all(const std::string& path, const sdelka::tabular::ReadOptions& options = {}) {
  sdelka::tabular::ReadError error;
  auto reader = sdelka::tabular::open_rows(path, error, options);
  if (!reader) {
    FUZZ_CHECK(!error.empty());
    FUZZ_CHECK(!error.message.empty());
    FUZZ_CHECK(known_code(error.code));
    return 0;
  }
  FUZZ_CHECK(error.empty());
  const bool csv = reader->format() == "csv";
  FUZZ_CHECK(csv || reader->format() == "xlsx");
  FUZZ_CHECK(!reader->encoding().empty());
  if (!csv) FUZZ_CHECK(reader->delimiter() == 0);
  std::vector<std::string> row;
  std::size_t rows = 0;
  std::size_t last = 0;
  while (reader->next(row)) {
    ++rows;
    // Rows whose every field is empty are skipped; an XLSX row ends at its last non-empty cell.
    FUZZ_CHECK(!row.empty());
    FUZZ_CHECK(row.size() <= 16384);
    bool any = false;
    for (const std::string& field : row) {
      any = any || !field.empty();
      FUZZ_CHECK(utf8(field));  // rows come back as UTF-8 whatever the file's encoding
      if (csv) FUZZ_CHECK(field.size() <= 1024 * 1024);
    }
    FUZZ_CHECK(any);
    if (!csv) FUZZ_CHECK(!row.back().empty());
    const std::size_t n = reader->row_number();
    FUZZ_CHECK(n >= 1);
    if (csv) FUZZ_CHECK(n > last);  // CSV records are numbered in order (XLSX takes the file's r="…")
    last = n;
    const double p = reader->progress();
    FUZZ_CHECK(p >= 0.0 && p <= 1.0);
  }
  const auto& failure = reader->failure();
  FUZZ_CHECK(failure.empty() == reader->error().empty());
  FUZZ_CHECK(failure.message == reader->error());
  if (!failure.empty()) {
    FUZZ_CHECK(known_code(failure.code));
    FUZZ_CHECK(failure.row >= 1);
  }
  // After the end or an error, next() keeps returning false.
  FUZZ_CHECK(!reader->next(row));
  return rows;
}

}  // namespace fuzz
