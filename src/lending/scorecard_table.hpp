#pragma once
// Tabular input of the scorecard engine: a column-oriented, dictionary-encoded table of text cells,
// built row by row or read from CSV (RFC 4180, via libcsv). No file access: the caller supplies streams
// or strings.
//
// Errors: every function here that can fail throws scoring::InputError, whose what() is one line of
// English that names the offending record and/or column. Nothing else is thrown except std::bad_alloc.
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sdelka::lending::scoring {

// Malformed input (data, options or a model file). what() is a single line meant for the user.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One column: the distinct texts of its cells (the dictionary, in order of first appearance) and, for
// each row, the index of that row's text in the dictionary. Identical tables have identical columns.
struct Column {
  std::string name;
  std::vector<std::string> dict;
  std::vector<std::uint32_t> codes;  // codes.size() == number of rows; every code < dict.size()
};

// A rectangular table: every column has the same number of rows.
struct Table {
  std::vector<Column> columns;

  // Number of data rows (0 for a table with a header only).
  std::size_t rows() const noexcept { return columns.empty() ? 0 : columns.front().codes.size(); }
  // The column called `name` (exact, case-sensitive match), or nullptr when there is none.
  const Column* find(std::string_view name) const noexcept;
  // Text of cell (row, col); both indices must be in range.
  std::string_view cell(std::size_t row, std::size_t col) const noexcept {
    const Column& c = columns[col];
    return c.dict[c.codes[row]];
  }
  // A table with the same columns and only the rows listed in `rows` (in that order; indices must be
  // in range). Dictionaries are copied whole, so codes keep their meaning.
  Table select_rows(std::span<const std::uint32_t> rows) const;
};

// Builds a Table one cell at a time. Not copyable; one builder makes one table.
class TableBuilder {
 public:
  // Starts a table with these column names. Throws InputError when there are no names, a name is
  // empty (after trimming blanks) or a name repeats.
  explicit TableBuilder(std::vector<std::string> header);
  ~TableBuilder();
  TableBuilder(const TableBuilder&) = delete;
  TableBuilder& operator=(const TableBuilder&) = delete;

  // Appends the next cell of the current row. Cells beyond the header's width are counted (for the
  // error message of end_row) and otherwise ignored.
  void add_cell(std::string_view text);
  // Closes the current row. Throws InputError ("record N has M fields but the header has K") when the
  // row does not have exactly as many cells as the header; N counts data records from 1.
  void end_row();
  // Appends a whole row: add_cell for each cell, then end_row.
  void add_row(std::span<const std::string_view> cells);
  // The finished table; the builder is left empty.
  Table finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads CSV text: the first record is the header, every further record a row. Accepts LF or CRLF line
// ends, a UTF-8 byte-order mark, quoted fields with embedded commas, quotes and newlines; blank lines
// are skipped; blanks around unquoted fields are removed. Throws InputError for an empty input ("the
// CSV file is empty"), a malformed quoted field, a ragged record, or a bad header (see TableBuilder).
Table read_csv(std::istream& in);
Table read_csv(std::string_view text);

// `field` quoted for a CSV file when it needs to be (comma, quote, CR or LF inside, or blanks around);
// otherwise unchanged.
std::string csv_field(std::string_view field);

}  // namespace sdelka::lending::scoring
