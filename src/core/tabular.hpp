#pragma once
// Tabular files for import and export: CSV (any delimiter Excel in Russia writes, UTF-8 or a
// single-byte Cyrillic code page) and XLSX, read as a stream of rows of UTF-8 strings, and written
// as CSV or XLSX. The parsing is done by libcsv, uchardet + iconv, libzip + pugixml; the writing of
// XLSX by libxlsxwriter.
//
// Thread-safety: every object here is used by one thread at a time. Distinct objects (two readers,
// a reader and a writer) may be used concurrently from different threads; nothing is shared.
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sdelka::tabular {

// Why a file could not be read, in a form a caller can put into the user's language: a stable
// code, the row it concerns and the values its message names. `message` is the same text in
// English (naming the file's path when it is about the whole file), as RowReader::error() and
// open_rows(path, std::string&) give it.
//
// Codes and their arguments:
//   open_failed, is_directory, read_failed, empty, bom_only, binary, html, xls, ods, zip,
//   not_workbook, no_worksheet, out_of_memory, bad_delimiter, csv_syntax, unclosed_quote,
//   nul_byte, field_too_long, row_too_long, too_many_fields: none;
//   encoding_unsupported, truncated_char: "encoding";
//   bad_byte: "byte" ("0x98"), "offset" (from the start of the file), "encoding";
//   damaged, xlsx_too_large: "part" (the workbook part, "xl/worksheets/sheet1.xml").
// Library texts (strerror, libzip, pugixml, libcsv) appear in `message` only.
struct ReadError {
  std::string code;   // "" when there is no error
  std::size_t row = 0;  // the file's row (as row_number() counts) the error is in; 0 for the whole file
  std::vector<std::pair<std::string, std::string>> args;
  std::string message;

  bool empty() const noexcept { return code.empty(); }
  // The value of an argument; "" when it has none of that name.
  std::string arg(const std::string& name) const;
};

// A forward-only stream of rows from a CSV or XLSX file, made by open_rows().
//
// Rows come back as the file holds them: no trimming, no header handling, no padding. A row that is
// shorter or longer than the header ("ragged") is returned as it is; the caller reports it.
// Rows whose every field is empty (a blank line, ";;;" as Excel writes an empty line, an XLSX row
// with only formatting) are skipped, but they are counted by row_number(), so the numbers match the
// row numbers the user sees when opening the file in Excel.
class RowReader {
 public:
  virtual ~RowReader();

  // Stores the next row in `row` (replacing its contents; the vector's capacity is reused) and
  // returns true. Returns false at the end of the file and after an error; error() tells which.
  // Rows read before an error stay valid: an import may save them and report the rest.
  virtual bool next(std::vector<std::string>& row) = 0;

  // The 1-based number of the row last returned by next(), counting the file's first row (the
  // header, normally) as 1 and skipped empty rows too. For CSV a row is a record: a quoted field
  // with line breaks inside keeps its record one row. For XLSX it is the sheet's row number.
  // 0 before the first row.
  virtual std::size_t row_number() const = 0;

  // "csv" or "xlsx".
  virtual const std::string& format() const = 0;

  // The encoding the file was decoded from: "UTF-8", "UTF-16LE", "UTF-16BE", "windows-1251", or
  // another name uchardet reported, lower-cased ("koi8-r", "ibm866"). "UTF-8" for XLSX.
  virtual const std::string& encoding() const = 0;

  // The CSV field delimiter found: ';', ',' or '\t'. 0 for XLSX.
  virtual char delimiter() const = 0;

  // "" while reading goes well and at a clean end; otherwise why next() returned false, in English,
  // naming the row ("row 1204: invalid UTF-8", "row 7: a quoted field is not closed").
  virtual const std::string& error() const = 0;
  // The same error with its code, row and arguments (empty() while reading goes well).
  virtual const ReadError& failure() const = 0;

  // The share of the input consumed so far, 0.0 to 1.0, for progress bars (by bytes of the file for
  // CSV and of the worksheet XML for XLSX; rows are not counted in advance).
  virtual double progress() const = 0;
};

// What open_rows() should take as given instead of detecting it (for an import preview where the
// user corrects a wrong guess). Both apply to CSV only; a byte order mark still wins over `encoding`.
struct ReadOptions {
  // An iconv encoding name ("windows-1251", "UTF-8", "koi8-r", "ibm866"); "" to detect.
  std::string encoding;
  // The field delimiter; 0 to detect. Must not be '"', CR or LF.
  char delimiter = 0;
};

// Opens the CSV or XLSX file at `path` for reading rows.
//
// The format is found from the content, not the file name: a ZIP archive with an Excel workbook in
// it is XLSX (the first worksheet in workbook order is read); any other text is CSV.
//
// CSV: a UTF-8 byte order mark is dropped, a UTF-16 one selects UTF-16. Without one, the bytes
// from the first non-ASCII byte on (up to 1 MiB) are checked: valid UTF-8 means UTF-8; otherwise
// uchardet names the encoding, and when it cannot decide, windows-1251 is assumed (the expected
// non-UTF-8 case). Pure ASCII is reported as "UTF-8". The delimiter is the one of ';', ',' and TAB
// that occurs most often outside quotes on the first line; ties go to ';', then ',', then TAB; a
// first line with none of them is one column, delimiter ';'. A first line "sep=X" (Excel's hint)
// names the delimiter and is not a row. Fields follow RFC 4180: quoted
// fields may hold delimiters, line breaks and doubled quotes; a quote inside an unquoted field is
// kept as a character. Line ends may be CRLF, LF or CR. The file is decoded and parsed in chunks,
// so memory stays bounded whatever the file size. Limits (the row is reported as an error): a
// field of more than 1 MiB, a row of more than 16 MiB or of more than 16384 fields.
//
// XLSX: shared and inline strings, numbers, booleans ("TRUE"/"FALSE"), error values ("#N/A") and
// formula results (the value Excel saved) come back as text. Numbers keep the digits the file
// stores (an ИНН saved as a number comes back exactly: "7707083893", never "7.707083893E9" or
// "7707083893.0"); exponent notation is expanded and a trailing ".0" dropped; a value with more
// than 15 significant digits (binary noise: "0.30000000000000004") is rounded to 15 as Excel shows it
// (so a 20-digit account number typed as a number was already lost in Excel: keep those as text). Numbers in a date or
// time format come back as "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS" or "HH:MM:SS" (1900 and 1904 date
// systems). A cell's position comes from its reference ("C5"), so empty cells keep the columns of
// the ones after them; a row ends at its last non-empty cell. The worksheet is read in slices of a
// few hundred rows (pugixml parses each slice), so memory is bounded by the shared strings table,
// which is loaded whole (at most 512 MiB of XML). Formulas are not evaluated, merged cells are not
// spread, hidden rows and columns are read like the others.
//
// Returns the reader, or nullptr with `error` set (English, naming the file) when the file is
// missing or unreadable, empty, not a table (binary data, a ZIP that is not a workbook, an old
// .xls, an .ods, a workbook without worksheets), or its bytes cannot be decoded. Errors found
// later in the file are reported by RowReader::error().
// An unknown `options.encoding` or a bad `options.delimiter` is an error too.
std::unique_ptr<RowReader> open_rows(const std::string& path, ReadError& error, const ReadOptions& options = {});
// The same, with only the English message of the error.
std::unique_ptr<RowReader> open_rows(const std::string& path, std::string& error,
                                     const ReadOptions& options = {});

// Writes CSV the way Excel in Russia reads it without an import wizard: UTF-8 with a byte order
// mark, ';' between fields, CRLF after every row, and a field quoted (inner quotes doubled) only when
// it holds the delimiter, a quote, CR or LF. Fields are written as given (the caller supplies UTF-8),
// except that a field csv_formula_like() is written with a leading apostrophe (formula injection).
// Note that Excel still turns digit strings (ИНН, phones) opened from CSV into numbers; export to
// XLSX keeps them text.
// True for a cell a spreadsheet would take for a formula: it starts with '=', '@', TAB or CR, or with
// '+' or '-' and is not just a number or phone (digits, spaces, brackets, dashes, dots).
bool csv_formula_like(std::string_view field);

class CsvWriter {
 public:
  // Writes to `out`, which must outlive the writer. The byte order mark is written at once.
  explicit CsvWriter(std::ostream& out, char delimiter = ';');
  // Creates or truncates the file at `path`. Failing to open it is reported by add_row() and close().
  explicit CsvWriter(const std::string& path, char delimiter = ';');
  // Closes the writer if close() was not called; an error is then lost.
  ~CsvWriter();
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  // Appends one row. Returns true, or false when the writer has failed (the stream went bad, the
  // file could not be opened) or is closed; close() then returns the reason.
  bool add_row(const std::vector<std::string>& row);

  // Flushes (and closes the file it opened). Returns "" on success, or the first error met; a file
  // the writer opened is then removed, not left half written. Calling it again returns the same result.
  std::string close();

  // Rows written so far.
  std::size_t rows() const noexcept { return rows_; }

 private:
  bool fail(std::string message);

  std::unique_ptr<std::ofstream> file_;
  std::ostream* out_ = nullptr;
  char delimiter_;
  std::string guarded_;  // the current field with its apostrophe
  std::string path_;  // of the file the writer opened; "" for a stream
  std::size_t rows_ = 0;
  bool closed_ = false;
  std::string error_;
  std::string line_;
};

// Writes an XLSX workbook with one worksheet through libxlsxwriter in constant_memory mode (each
// row goes to a temporary file as it is added, so memory does not grow with the row count; the
// temporary files live in the system temp directory). The first row added is the header: bold,
// frozen, with an autofilter, and it sets the column widths. Every non-empty value is a text cell,
// so Excel keeps ИНН, phones and leading zeros as typed and does not flag them.
class XlsxWriter {
 public:
  // The file at `path` is written by close(). `sheet_name`: at most 31 characters, none of []:*?/\ .
  explicit XlsxWriter(const std::string& path, const std::string& sheet_name = "Sheet1");
  // Closes the writer if close() was not called; an error is then lost.
  ~XlsxWriter();
  XlsxWriter(const XlsxWriter&) = delete;
  XlsxWriter& operator=(const XlsxWriter&) = delete;

  // Appends one row. Returns true, or false when the row cannot be written (more than 1,048,576
  // rows or 16,384 columns, a value over 32,767 characters or not valid UTF-8) or the writer has
  // already failed or is closed; close() then returns the reason. Nothing is written after a failure.
  bool add_row(const std::vector<std::string>& row);

  // Writes the file. Returns "" on success, or the first error met (including failing to create the
  // file); after an error no file is left at `path`. Calling it again returns the same result.
  std::string close();

  // Rows added so far, the header included.
  std::size_t rows() const noexcept { return rows_; }

 private:
  struct Impl;
  bool fail(std::string message);

  std::unique_ptr<Impl> impl_;
  std::size_t rows_ = 0;
  std::size_t columns_ = 0;
  bool closed_ = false;
  std::string error_;
};

}  // namespace sdelka::tabular
