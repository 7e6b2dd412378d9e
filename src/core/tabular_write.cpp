// CSV and XLSX rows out (libxlsxwriter).
#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <string_view>
#include <unordered_map>

#include "core/tabular_detail.hpp"
#include "core/text.hpp"

namespace sdelka::tabular {

using namespace detail;

// ---------------------------------------------------------------------------------------------
// CsvWriter

CsvWriter::CsvWriter(std::ostream& out, char delimiter) : out_(&out), delimiter_(delimiter) {
  out_->write("\xEF\xBB\xBF", 3);
  if (!*out_) fail("cannot write the CSV stream");
}

CsvWriter::CsvWriter(const std::string& path, char delimiter) : delimiter_(delimiter), path_(path) {
  file_ = std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc);
  if (!file_->is_open()) {
    fail("cannot create " + path + ": " + errno_text(errno));
    file_.reset();
    return;
  }
  out_ = file_.get();
  out_->write("\xEF\xBB\xBF", 3);
  if (!*out_) fail("cannot write " + path);
}

CsvWriter::~CsvWriter() { close(); }

bool CsvWriter::fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
  return false;
}

bool csv_formula_like(std::string_view f) {
  if (f.empty()) return false;
  const char c = f.front();
  if (c != '=' && c != '+' && c != '-' && c != '@' && c != '\t' && c != '\r') return false;
  if (c == '+' || c == '-') {
    // Digits with spaces, brackets, dashes and dots only: a phone or a number, not a formula.
    bool digit = false;
    for (char ch : f.substr(1)) {
      if (ch >= '0' && ch <= '9') digit = true;
      else if (ch != ' ' && ch != '(' && ch != ')' && ch != '-' && ch != '.') return true;
    }
    return !digit;
  }
  return true;
}

bool CsvWriter::add_row(const std::vector<std::string>& row) {
  if (closed_) return fail("the CSV writer is closed");
  if (!error_.empty()) return false;
  line_.clear();
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (i > 0) line_ += delimiter_;
    const std::string& raw = row[i];
    // A cell a spreadsheet would run as a formula (=, +, -, @, TAB, CR first) gets a leading
    // apostrophe, so that it is shown as text; a number or phone ("+7 495 123-45-67", "-5") stays.
    const std::string& f = csv_formula_like(raw) ? (guarded_ = "'" + raw) : raw;
    const bool quote = f.find_first_of(std::string{delimiter_, '"', '\r', '\n'}) != std::string::npos;
    if (!quote) {
      line_ += f;
      continue;
    }
    line_ += '"';
    for (char c : f) {
      if (c == '"') line_ += '"';
      line_ += c;
    }
    line_ += '"';
  }
  line_ += "\r\n";
  out_->write(line_.data(), static_cast<std::streamsize>(line_.size()));
  if (!*out_) return fail(path_.empty() ? "cannot write the CSV stream" : "cannot write " + path_);
  ++rows_;
  return true;
}

std::string CsvWriter::close() {
  if (closed_) return error_;
  closed_ = true;
  if (out_) {
    out_->flush();
    if (!*out_) fail(path_.empty() ? "cannot write the CSV stream" : "cannot write " + path_);
  }
  if (file_) {
    file_->close();
    if (file_->fail()) fail("cannot write " + path_);
    if (!error_.empty()) ::unlink(path_.c_str());
  }
  return error_;
}

// ---------------------------------------------------------------------------------------------
// XlsxWriter

namespace {

// `s` with every literal "_xHHHH_" escaped as "_x005F_xHHHH_", as Excel saves it, so that readers
// (Excel, open_rows) do not take it for an escaped character. libxlsxwriter escapes control characters.
std::string escape_ooxml_literals(const std::string& s) {
  const auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_' && i + 6 < s.size() && s[i + 1] == 'x' && hex(s[i + 2]) && hex(s[i + 3]) && hex(s[i + 4]) &&
        hex(s[i + 5]) && s[i + 6] == '_') {
      out += "_x005F";
    }
    out += s[i];
  }
  return out;
}

}  // namespace

struct XlsxWriter::Impl {
  std::string path;
  lxw_workbook* workbook = nullptr;
  lxw_worksheet* sheet = nullptr;
  lxw_format* bold = nullptr;
};

XlsxWriter::XlsxWriter(const std::string& path, const std::string& sheet_name) : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  lxw_workbook_options options{};
  options.constant_memory = LXW_TRUE;
  impl_->workbook = workbook_new_opt(path.c_str(), &options);
  if (!impl_->workbook) {
    fail("cannot start the workbook " + path);
    return;
  }
  const lxw_error valid = workbook_validate_sheet_name(impl_->workbook, sheet_name.c_str());
  if (valid != LXW_NO_ERROR) {
    fail("bad sheet name \"" + sheet_name + "\": " + lxw_strerror(valid));
    return;
  }
  impl_->sheet = workbook_add_worksheet(impl_->workbook, sheet_name.c_str());
  if (!impl_->sheet) {
    fail("cannot add a worksheet (is the temp directory writable?)");
    return;
  }
  impl_->bold = workbook_add_format(impl_->workbook);
  format_set_bold(impl_->bold);
}

XlsxWriter::~XlsxWriter() { close(); }

bool XlsxWriter::fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
  return false;
}

bool XlsxWriter::add_row(const std::vector<std::string>& row) {
  if (closed_) return fail("the XLSX writer is closed");
  if (!error_.empty()) return false;
  if (rows_ >= LXW_ROW_MAX) return fail("more than 1048576 rows, the most an XLSX sheet holds");
  if (row.size() > LXW_COL_MAX) return fail("row " + std::to_string(rows_ + 1) + ": more than 16384 columns");
  const auto r = static_cast<lxw_row_t>(rows_);
  const bool header = rows_ == 0;
  if (header) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      const double width = static_cast<double>(std::clamp<std::size_t>(utf8_length(row[c]) + 3, 10, 60));
      worksheet_set_column(impl_->sheet, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), width, nullptr);
    }
    worksheet_freeze_panes(impl_->sheet, 1, 0);
  }
  for (std::size_t c = 0; c < row.size(); ++c) {
    const std::string& value = row[c];
    if (value.empty()) continue;
    const std::string where = "row " + std::to_string(rows_ + 1) + ", column " + std::to_string(c + 1);
    if (!core::valid_utf8(value)) return fail(where + ": not valid UTF-8");
    if (utf8_length(value) > 32767) return fail(where + ": longer than 32767 characters, the most a cell holds");
    const std::string text = value.find("_x") == std::string::npos ? value : escape_ooxml_literals(value);
    const lxw_error e = worksheet_write_string(impl_->sheet, r, static_cast<lxw_col_t>(c), text.c_str(),
                                               header ? impl_->bold : nullptr);
    if (e != LXW_NO_ERROR) return fail(where + ": " + lxw_strerror(e));
  }
  columns_ = std::max(columns_, row.size());
  ++rows_;
  return true;
}

std::string XlsxWriter::close() {
  if (closed_) return error_;
  closed_ = true;
  if (!impl_->workbook) return error_;
  if (impl_->sheet && error_.empty() && rows_ > 0 && columns_ > 0) {
    worksheet_autofilter(impl_->sheet, 0, 0, static_cast<lxw_row_t>(rows_ - 1), static_cast<lxw_col_t>(columns_ - 1));
    worksheet_ignore_errors(impl_->sheet, LXW_IGNORE_NUMBER_STORED_AS_TEXT, "A1:XFD1048576");
  }
  const lxw_error e = workbook_close(impl_->workbook);
  impl_->workbook = nullptr;
  if (e != LXW_NO_ERROR) fail("cannot write " + impl_->path + ": " + lxw_strerror(e));
  else if (!error_.empty()) ::unlink(impl_->path.c_str());
  return error_;
}

}  // namespace sdelka::tabular
