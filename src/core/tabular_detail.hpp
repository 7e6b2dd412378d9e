#pragma once
// Internal to the tabular readers and writers (tabular.cpp, tabular_csv.cpp, tabular_xlsx.cpp,
// tabular_write.cpp): error construction, limits, small UTF-8 helpers, the file handle.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/tabular.hpp"

namespace sdelka::tabular::detail {

using Args = std::vector<std::pair<std::string, std::string>>;

inline ReadError make_error(std::string code, std::string message, Args args = {}) {
  ReadError e;
  e.code = std::move(code);
  e.message = std::move(message);
  e.args = std::move(args);
  return e;
}

// The same error with `prefix` before its English message ("cannot read PATH: ").
inline ReadError prefixed(ReadError e, const std::string& prefix) {
  e.message = prefix + e.message;
  return e;
}

// The same error placed at a row of the file ("row N: " before its English message).
inline ReadError at_row(ReadError e, std::size_t row) {
  e.row = row;
  e.message = "row " + std::to_string(row) + ": " + e.message;
  return e;
}

constexpr std::size_t kReadChunk = 64 * 1024;       // bytes read from a CSV file at a time
constexpr std::size_t kParseSlice = 64 * 1024;      // bytes handed to libcsv at a time
constexpr std::size_t kSniffWindow = 1024 * 1024;   // bytes checked to choose the encoding
constexpr std::size_t kMaxField = 1024 * 1024;      // longest CSV field
constexpr std::size_t kMaxRowBytes = 16 * 1024 * 1024;
constexpr std::size_t kMaxFields = 16384;           // Excel's column count
constexpr std::size_t kMaxRows = 1048576;           // Excel's row count
constexpr std::size_t kXmlChunk = 256 * 1024;       // bytes of worksheet XML parsed at a time
constexpr std::size_t kXmlProbe = 4096;             // bytes read past an XML part's stated size
constexpr std::size_t kMaxXmlPending = 64 * 1024 * 1024;  // one XML row (or the prologue) at most
constexpr std::uint64_t kMaxSmallPart = 64 * 1024 * 1024;   // workbook.xml, rels, styles
constexpr std::uint64_t kMaxSharedStrings = 512ull * 1024 * 1024;

// libcsv's parser states (libcsv.c): inside a field that has begun.
constexpr int kCsvFieldBegun = 2;

inline std::string errno_text(int e) { return std::strerror(e); }

// The size of a buffer to read a file of `size` bytes (0: not known) from offset `at`: `chunk`, or
// what is left of a smaller file and one byte more, so that a short read still tells its end (and a
// file that has grown since is read on). A small file needs no 64 KiB or 1 MiB buffer.
inline std::size_t buffer_for(std::uint64_t size, std::uint64_t at, std::size_t chunk) {
  if (size == 0 || at >= size) return chunk;
  return static_cast<std::size_t>(std::min<std::uint64_t>(chunk, size - at + 1));
}

inline std::string lower_ascii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// The length of the longest prefix of `s` that does not end inside a UTF-8 sequence: a sequence cut
// by the end of a chunk is held back for the next one.
inline std::size_t utf8_whole_prefix(std::string_view s) noexcept {
  const std::size_t n = s.size();
  for (std::size_t back = 1; back <= 4 && back <= n; ++back) {
    const auto b = static_cast<unsigned char>(s[n - back]);
    if ((b & 0xC0) == 0x80) continue;  // a continuation byte: look further back
    std::size_t len = 1;
    if ((b & 0xE0) == 0xC0) len = 2;
    else if ((b & 0xF0) == 0xE0) len = 3;
    else if ((b & 0xF8) == 0xF0) len = 4;
    return len > back ? n - back : n;
  }
  return n;
}

inline std::size_t utf8_length(std::string_view s) noexcept {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

inline void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}


inline bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

struct FileCloser {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

// The readers of each format (tabular_csv.cpp, tabular_xlsx.cpp); open_rows picks one.
std::unique_ptr<RowReader> open_csv(const std::string& path, FilePtr file, std::uint64_t size,
                                    std::string_view head, const ReadOptions& options, ReadError& error);
std::unique_ptr<RowReader> open_xlsx(const std::string& path, std::uint64_t size, ReadError& error);

}  // namespace sdelka::tabular::detail
