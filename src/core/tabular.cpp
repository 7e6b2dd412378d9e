#include "core/tabular.hpp"

#include <csv.h>
#include <iconv.h>
#include <pugixml.hpp>
#include <sys/stat.h>
#include <uchardet/uchardet.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

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

#include "core/text.hpp"

namespace sdelka::tabular {

RowReader::~RowReader() = default;

std::string ReadError::arg(const std::string& name) const {
  for (const auto& [k, v] : args)
    if (k == name) return v;
  return {};
}

namespace {

using Args = std::vector<std::pair<std::string, std::string>>;

ReadError make_error(std::string code, std::string message, Args args = {}) {
  ReadError e;
  e.code = std::move(code);
  e.message = std::move(message);
  e.args = std::move(args);
  return e;
}

// The same error with `prefix` before its English message ("cannot read PATH: ").
ReadError prefixed(ReadError e, const std::string& prefix) {
  e.message = prefix + e.message;
  return e;
}

// The same error placed at a row of the file ("row N: " before its English message).
ReadError at_row(ReadError e, std::size_t row) {
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

std::string errno_text(int e) { return std::strerror(e); }

// The size of a buffer to read a file of `size` bytes (0: not known) from offset `at`: `chunk`, or
// what is left of a smaller file and one byte more, so that a short read still tells its end (and a
// file that has grown since is read on). A small file needs no 64 KiB or 1 MiB buffer.
std::size_t buffer_for(std::uint64_t size, std::uint64_t at, std::size_t chunk) {
  if (size == 0 || at >= size) return chunk;
  return static_cast<std::size_t>(std::min<std::uint64_t>(chunk, size - at + 1));
}

std::string lower_ascii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// The length of the longest prefix of `s` that does not end inside a UTF-8 sequence: a sequence cut
// by the end of a chunk is held back for the next one.
std::size_t utf8_whole_prefix(std::string_view s) noexcept {
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

std::size_t utf8_length(std::string_view s) noexcept {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

void append_utf8(std::string& out, unsigned cp) {
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

// ---------------------------------------------------------------------------------------------
// Decoding to UTF-8 in chunks.

class Decoder {
 public:
  Decoder() = default;
  ~Decoder() {
    if (cd_ != kNoIconv) iconv_close(cd_);
  }
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // `iconv_name` "UTF-8" validates and copies; anything else goes through iconv.
  bool open(const std::string& iconv_name, const std::string& display_name, ReadError& error) {
    name_ = display_name;
    if (iconv_name == "UTF-8") return true;
    cd_ = iconv_open("UTF-8", iconv_name.c_str());
    if (cd_ == kNoIconv) {
      error = make_error("encoding_unsupported", "the encoding " + display_name + " is not supported by iconv",
                         {{"encoding", display_name}});
      return false;
    }
    return true;
  }

  // Decodes `n` bytes at `in` that follow the ones given before; `last` when no more follow. Appends
  // the UTF-8 text to `out`. On bad input returns false with `error` naming the byte; the text
  // before the bad byte is still appended.
  bool decode(const char* in, std::size_t n, bool last, std::string& out, ReadError& error) {
    carry_.append(in, n);
    return cd_ == kNoIconv ? pass_utf8(last, out, error) : convert(last, out, error);
  }

 private:
  static inline const iconv_t kNoIconv = reinterpret_cast<iconv_t>(-1);

  bool pass_utf8(bool last, std::string& out, ReadError& error) {
    const std::string_view data(carry_);
    const std::size_t whole = last ? data.size() : utf8_whole_prefix(data);
    if (!core::valid_utf8(data.substr(0, whole))) {
      const std::size_t bad = first_bad_utf8(data.substr(0, whole));
      out.append(data.data(), bad);
      error = bad_byte(data, bad, "UTF-8");
      return false;
    }
    out.append(data.data(), whole);
    consumed_ += whole;
    carry_.erase(0, whole);
    return true;
  }

  // Where iconv, which checks UTF-8 by the same rules, stops in `s` (not valid UTF-8 as a whole).
  static std::size_t first_bad_utf8(std::string_view s) {
    iconv_t cd = iconv_open("UTF-8", "UTF-8");
    if (cd == kNoIconv) return 0;
    std::string sink(s.size() + 16, '\0');
    char* src = const_cast<char*>(s.data());
    std::size_t left = s.size();
    char* dst = sink.data();
    std::size_t room = sink.size();
    iconv(cd, &src, &left, &dst, &room);
    iconv_close(cd);
    return static_cast<std::size_t>(src - s.data());
  }

  bool convert(bool last, std::string& out, ReadError& error) {
    char* src = carry_.data();
    std::size_t left = carry_.size();
    const std::size_t old = out.size();
    out.resize(old + left * 4 + 16);  // no single-byte or UTF-16 character needs more than 4 bytes
    char* dst = out.data() + old;
    std::size_t room = out.size() - old;
    const std::size_t rc = iconv(cd_, &src, &left, &dst, &room);
    const int e = errno;
    out.resize(static_cast<std::size_t>(dst - out.data()));
    const std::size_t used = static_cast<std::size_t>(src - carry_.data());
    bool ok = true;
    if (rc == static_cast<std::size_t>(-1)) {
      if (e == EILSEQ || (e == EINVAL && last)) {
        error = bad_byte(carry_, used, name_);
        ok = false;
      } else if (e != EINVAL) {
        error = make_error("read_failed", "iconv failed: " + errno_text(e));
        ok = false;
      }
    }
    consumed_ += used;
    carry_.erase(0, used);
    return ok;
  }

  ReadError bad_byte(std::string_view data, std::size_t at, const std::string& name) const {
    if (at >= data.size())
      return make_error("truncated_char", "the text ends inside a character (not valid " + name + ")", {{"encoding", name}});
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(data[at])));
    const std::string offset = std::to_string(offset_base_ + consumed_ + at);
    return make_error("bad_byte", "byte " + std::string(hex) + " at offset " + offset + " is not valid " + name,
                      {{"byte", hex}, {"offset", offset}, {"encoding", name}});
  }

 public:
  // File offset of the first byte given to decode(), for error messages.
  void set_offset_base(std::uint64_t base) { offset_base_ = base; }

 private:
  iconv_t cd_ = kNoIconv;
  std::string name_;
  std::string carry_;
  std::uint64_t consumed_ = 0;
  std::uint64_t offset_base_ = 0;
};

// ---------------------------------------------------------------------------------------------
// CSV

struct FileCloser {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

class CsvRowReader final : public RowReader {
 public:
  CsvRowReader(FilePtr file, std::uint64_t size, std::uint64_t start, std::string encoding, char delimiter)
      : file_(std::move(file)), size_(size), read_(start), encoding_(std::move(encoding)),
        delimiter_(delimiter) {}
  ~CsvRowReader() override {
    if (parser_ready_) csv_free(&parser_);
  }
  CsvRowReader(const CsvRowReader&) = delete;
  CsvRowReader& operator=(const CsvRowReader&) = delete;

  bool init(const std::string& iconv_name, ReadError& error) {
    if (!decoder_.open(iconv_name, encoding_, error)) return false;
    decoder_.set_offset_base(read_);
    if (csv_init(&parser_, CSV_REPALL_NL) != 0) {
      error = make_error("out_of_memory", "out of memory");
      return false;
    }
    parser_ready_ = true;
    csv_set_delim(&parser_, static_cast<unsigned char>(delimiter_));
    csv_set_quote(&parser_, '"');
    csv_set_space_func(&parser_, [](unsigned char) { return 0; });  // keep spaces as they are
    csv_set_blk_size(&parser_, 4096);
    return true;
  }

  bool next(std::vector<std::string>& row) override {
    while (pos_ == count_) {
      if (finished_) return false;
      compact();
      fill();
    }
    row.swap(pool_[pos_].fields);
    last_row_ = pool_[pos_].row;
    ++pos_;
    return true;
  }

  std::size_t row_number() const override { return last_row_; }
  const std::string& format() const override { return format_; }
  const std::string& encoding() const override { return encoding_; }
  char delimiter() const override { return delimiter_; }
  const std::string& error() const override { return error_.message; }
  const ReadError& failure() const override { return error_; }
  double progress() const override {
    return size_ == 0 ? 1.0 : std::min(1.0, static_cast<double>(read_) / static_cast<double>(size_));
  }

 private:
  struct Slot {
    std::vector<std::string> fields;
    std::size_t row = 0;
  };

  // Moves the row being built to the front of the pool once every finished row has been returned.
  void compact() {
    if (count_ < pool_.size() && count_ > 0) std::swap(pool_[0], pool_[count_]);
    pos_ = count_ = 0;
  }

  Slot& building() {
    if (count_ == pool_.size()) pool_.emplace_back();
    return pool_[count_];
  }

  void fail(ReadError e) {
    if (error_.empty()) error_ = at_row(std::move(e), records_ + 1);
    failed_ = true;
  }
  void fail(std::string code, std::string message) { fail(make_error(std::move(code), std::move(message))); }

  // Reads, decodes and parses the next chunk of the file; at its end finishes the parse.
  void fill() {
    if (failed_) {
      finished_ = true;
      return;
    }
    raw_.resize(buffer_for(size_, read_, kReadChunk));
    const std::size_t n = std::fread(raw_.data(), 1, raw_.size(), file_.get());
    if (n < raw_.size() && std::ferror(file_.get())) {
      fail("read_failed", "cannot read the file: " + errno_text(errno));
      finished_ = true;
      return;
    }
    read_ += n;
    const bool last = n < raw_.size();
    text_.clear();
    ReadError decode_error;
    const bool decoded = decoder_.decode(raw_.data(), n, last, text_, decode_error);
    const char* nul = static_cast<const char*>(std::memchr(text_.data(), '\0', text_.size()));
    const std::size_t usable = nul ? static_cast<std::size_t>(nul - text_.data()) : text_.size();
    parse(std::string_view(text_).substr(0, usable));
    if (failed_) {
      finished_ = true;
      return;
    }
    if (nul) {
      fail("nul_byte", "a NUL byte: binary data, not text");
      finished_ = true;
      return;
    }
    if (!decoded) {
      fail(decode_error);
      finished_ = true;
      return;
    }
    if (last) {
      finished_ = true;
      if (parser_.quoted && parser_.pstate == kCsvFieldBegun) {
        fail("unclosed_quote", "a quoted field is not closed before the end of the file (a stray quote?)");
        return;
      }
      csv_fini(&parser_, &CsvRowReader::on_field, &CsvRowReader::on_row, this);
    }
  }

  void parse(std::string_view text) {
    for (std::size_t off = 0; off < text.size() && !failed_; off += kParseSlice) {
      const std::size_t len = std::min(kParseSlice, text.size() - off);
      if (csv_parse(&parser_, text.data() + off, len, &CsvRowReader::on_field, &CsvRowReader::on_row,
                    this) != len) {
        fail("csv_syntax", std::string("libcsv: ") + csv_strerror(csv_error(&parser_)));
        return;
      }
      if (parser_.entry_pos > kMaxField) fail("field_too_long", "a field longer than 1 MiB (an unclosed quote?)");
    }
  }

  static void on_field(void* data, std::size_t len, void* self_ptr) {
    auto& self = *static_cast<CsvRowReader*>(self_ptr);
    if (self.failed_) return;
    if (self.fields_ == kMaxFields) return self.fail("too_many_fields", "more than 16384 fields");
    self.row_bytes_ += len;
    if (self.row_bytes_ > kMaxRowBytes) return self.fail("row_too_long", "a row longer than 16 MiB");
    std::vector<std::string>& f = self.building().fields;
    const char* p = len ? static_cast<const char*>(data) : "";
    if (self.fields_ < f.size()) f[self.fields_].assign(p, len);
    else f.emplace_back(p, len);
    ++self.fields_;
  }

  static void on_row(int term, void* self_ptr) {
    auto& self = *static_cast<CsvRowReader*>(self_ptr);
    if (self.failed_) return;
    // libcsv reports every line break (CSV_REPALL_NL) so blank lines count; the LF of a CRLF ends nothing.
    const bool lf_of_crlf = term == '\n' && self.last_term_ == '\r' && self.fields_ == 0;
    self.last_term_ = term;
    if (lf_of_crlf) return;
    ++self.records_;
    Slot& slot = self.building();
    bool empty = true;
    for (std::size_t i = 0; i < self.fields_ && empty; ++i) empty = slot.fields[i].empty();
    if (!empty) {
      slot.fields.resize(self.fields_);
      slot.row = self.records_;
      ++self.count_;
    }
    self.fields_ = 0;
    self.row_bytes_ = 0;
  }

  FilePtr file_;
  std::uint64_t size_;
  std::uint64_t read_;  // bytes of the file consumed
  std::string format_ = "csv";
  std::string encoding_;
  char delimiter_;
  ReadError error_;
  Decoder decoder_;
  csv_parser parser_{};
  bool parser_ready_ = false;
  std::string raw_;
  std::string text_;
  std::vector<Slot> pool_;     // finished rows [pos_, count_), the row being built at count_
  std::size_t pos_ = 0;
  std::size_t count_ = 0;
  std::size_t fields_ = 0;     // fields of the row being built
  std::size_t row_bytes_ = 0;  // bytes of the row being built
  std::size_t records_ = 0;    // records ended, blank ones included
  std::size_t last_row_ = 0;
  int last_term_ = 0;
  bool failed_ = false;
  bool finished_ = false;
};

// The delimiter of the first record of `text`: the most frequent of ';', ',' and TAB outside quotes.
char detect_delimiter(std::string_view text) {
  std::size_t semicolons = 0, commas = 0, tabs = 0;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c == '\n' || c == '\r') break;
    else if (c == ';') ++semicolons;
    else if (c == ',') ++commas;
    else if (c == '\t') ++tabs;
  }
  if (semicolons >= commas && semicolons >= tabs) return ';';
  return commas >= tabs ? ',' : '\t';
}

// True when `data` looks like binary rather than text: a NUL byte, or more than 1% control bytes
// other than TAB, LF, CR, FF and the DOS end-of-file mark.
bool looks_binary(std::string_view data) {
  if (data.find('\0') != std::string_view::npos) return true;
  std::size_t controls = 0;
  for (char ch : data) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1A) || c == 0x7F) ++controls;
  }
  return controls * 100 > data.size();
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// The encoding of a CSV file without a byte order mark, from the bytes at and after its first
// non-ASCII byte. Sets `iconv_name` ("UTF-8" when no conversion is needed) and `display`.
// `size`: the file's size (0: not known); it only bounds the buffers for a small file.
bool detect_encoding(std::FILE* f, std::uint64_t start, std::uint64_t size, std::string& iconv_name,
                     std::string& display, ReadError& error) {
  iconv_name = display = "UTF-8";
  if (std::fseek(f, static_cast<long>(start), SEEK_SET) != 0) {
    error = make_error("read_failed", "cannot seek: " + errno_text(errno));
    return false;
  }
  std::string chunk(buffer_for(size, start, kReadChunk), '\0');
  std::uint64_t offset = start;
  for (;;) {
    const std::size_t n = std::fread(chunk.data(), 1, chunk.size(), f);
    if (n == 0) {
      if (std::ferror(f)) {
        error = make_error("read_failed", "cannot read: " + errno_text(errno));
        return false;
      }
      return true;  // pure ASCII
    }
    const auto it = std::find_if(chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(n),
                                 [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
    if (it != chunk.begin() + static_cast<std::ptrdiff_t>(n)) {
      offset += static_cast<std::uint64_t>(it - chunk.begin());
      break;
    }
    offset += n;
  }
  std::string window(buffer_for(size, offset, kSniffWindow), '\0');  // then shorter than kSniffWindow at the end
  if (std::fseek(f, static_cast<long>(offset), SEEK_SET) != 0) {
    error = make_error("read_failed", "cannot seek: " + errno_text(errno));
    return false;
  }
  window.resize(std::fread(window.data(), 1, window.size(), f));
  const bool at_end = window.size() < kSniffWindow;
  const std::string_view w(window);
  if (core::valid_utf8(at_end ? w : w.substr(0, utf8_whole_prefix(w)))) return true;

  uchardet_t ud = uchardet_new();
  uchardet_handle_data(ud, window.data(), window.size());
  uchardet_data_end(ud);
  std::string found = uchardet_get_charset(ud);
  uchardet_delete(ud);
  if (found.empty() || found == "ASCII" || found == "UTF-8") found = "WINDOWS-1251";
  // uchardet drops windows-1251 for MAC-CYRILLIC on a single byte 1251 leaves undefined (0x98), or on
  // a few lines. The two differ in their capital letters: 0xC0-0xDE in 1251, 0x80-0x9F in MacCyrillic
  // (where 0xC0-0xDE are rare symbols); text with more of the former is 1251.
  if (lower_ascii(found).find("mac") != std::string::npos && lower_ascii(found).find("cyr") != std::string::npos) {
    std::size_t caps_1251 = 0, caps_mac = 0;
    for (char ch : window) {
      const auto c = static_cast<unsigned char>(ch);
      caps_1251 += c >= 0xC0 && c <= 0xDE;
      caps_mac += c >= 0x80 && c <= 0x9F;
    }
    if (caps_1251 > caps_mac) found = "WINDOWS-1251";
  }
  iconv_name = found;
  display = lower_ascii(found);
  return true;
}

std::unique_ptr<RowReader> open_xlsx(const std::string& path, std::uint64_t size, ReadError& error);

std::unique_ptr<RowReader> open_csv(const std::string& path, FilePtr file, std::uint64_t size,
                                    std::string_view head, const ReadOptions& options, ReadError& error) {
  std::uint64_t start = 0;
  std::string iconv_name, display;
  if (starts_with(head, "\xEF\xBB\xBF")) {
    start = 3;
    iconv_name = display = "UTF-8";
  } else if (starts_with(head, "\xFF\xFE")) {
    start = 2;
    iconv_name = display = "UTF-16LE";
  } else if (starts_with(head, "\xFE\xFF")) {
    start = 2;
    iconv_name = display = "UTF-16BE";
  }
  const std::string_view body = head.substr(start);
  if (body.empty()) {
    error = make_error("bom_only", path + " holds no rows (only a byte order mark)");
    return nullptr;
  }
  if (start != 2) {
    if (looks_binary(body)) {
      error = make_error("binary", path + " is not a table: it holds binary data, not CSV or XLSX text");
      return nullptr;
    }
    const std::size_t first = body.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && body[first] == '<') {
      error = make_error("html", path + " is an HTML or XML document, not CSV or XLSX; open it in Excel and save it as .xlsx or CSV");
      return nullptr;
    }
    if (start == 0 && !options.encoding.empty()) {
      iconv_name = options.encoding;
      display = lower_ascii(options.encoding);
      if (display == "utf-8" || display == "utf8") iconv_name = display = "UTF-8";
    } else if (start == 0) {
      ReadError detect_error;
      if (!detect_encoding(file.get(), 0, size, iconv_name, display, detect_error)) {
        error = prefixed(std::move(detect_error), "cannot read " + path + ": ");
        return nullptr;
      }
    }
  }
  // Decode the head: it must decode, and its first line gives the delimiter.
  std::string text;
  ReadError decode_error;
  {
    Decoder probe;
    if (!probe.open(iconv_name, display, decode_error)) {
      error = prefixed(std::move(decode_error), "cannot read " + path + ": ");
      return nullptr;
    }
    probe.set_offset_base(start);
    const bool whole_file = head.size() >= size;
    if (!probe.decode(body.data(), body.size(), whole_file, text, decode_error)) {
      error = prefixed(std::move(decode_error), "cannot decode " + path + " as " + display + ": ");
      return nullptr;
    }
  }
  if (start == 2 && looks_binary(text)) {
    error = make_error("binary", path + " is not a table: it holds binary data, not CSV or XLSX text");
    return nullptr;
  }
  char delimiter = options.delimiter != 0 ? options.delimiter : detect_delimiter(text);
  // Excel's hint line "sep=;" names the delimiter and is not a row.
  if (start != 2 && text.size() > 5 && starts_with(text, "sep=") && (text[5] == '\r' || text[5] == '\n')) {
    if (options.delimiter == 0) delimiter = text[4];
    start += 5 + (text[5] == '\r' && text.size() > 6 && text[6] == '\n' ? 2 : 1);
  }
  if (std::fseek(file.get(), static_cast<long>(start), SEEK_SET) != 0) {
    error = make_error("read_failed", "cannot read " + path + ": " + errno_text(errno));
    return nullptr;
  }
  auto reader = std::make_unique<CsvRowReader>(std::move(file), size, start, display, delimiter);
  ReadError init_error;
  if (!reader->init(iconv_name, init_error)) {
    error = prefixed(std::move(init_error), "cannot read " + path + ": ");
    return nullptr;
  }
  return reader;
}

// ---------------------------------------------------------------------------------------------
// XLSX

std::string_view local_name(const char* name) {
  const char* colon = std::strrchr(name, ':');
  return colon ? std::string_view(colon + 1) : std::string_view(name);
}

pugi::xml_node child_named(pugi::xml_node parent, std::string_view local) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && local_name(c.name()) == local) return c;
  }
  return {};
}

// The value of the attribute whose name is `local` after any prefix ("r:id" for "id").
std::string_view attribute_named(pugi::xml_node node, std::string_view local) {
  for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
    if (local_name(a.name()) == local) return a.value();
  }
  return {};
}

// Text of an OOXML string with its _xHHHH_ escapes (control characters, "_x005F_" for '_') decoded.
std::string ooxml_text(std::string_view s) {
  if (s.find("_x") == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_' && i + 6 < s.size() && s[i + 1] == 'x' && s[i + 6] == '_') {
      unsigned cp = 0;
      const auto r = std::from_chars(s.data() + i + 2, s.data() + i + 6, cp, 16);
      if (r.ec == std::errc() && r.ptr == s.data() + i + 6 && (cp < 0xD800 || cp > 0xDFFF)) {
        append_utf8(out, cp);
        i += 6;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// The text of a shared string item or an inline string: plain <t>, or the <t> of each rich-text run;
// phonetic hints (<rPh>) are left out.
std::string rich_text(pugi::xml_node item) {
  std::string out;
  for (pugi::xml_node c = item.first_child(); c; c = c.next_sibling()) {
    const std::string_view name = local_name(c.name());
    if (name == "t") {
      out += c.text().get();
    } else if (name == "r") {
      if (pugi::xml_node t = child_named(c, "t")) out += t.text().get();
    }
  }
  return ooxml_text(out);
}

// A number as the text the cell stores, with exponent notation expanded and trailing fraction zeros
// dropped: "7.707083893E9" -> "7707083893", "1.0" -> "1", "1.5E-3" -> "0.0015". Digits are moved,
// not rounded, unless there are more than 15 significant ones (binary noise such as
// "0.30000000000000004"): those are rounded to 15, as Excel displays them. Anything that is not a
// plain decimal number comes back unchanged.
std::string plain_number(std::string_view raw) {
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  std::size_t i = 0;
  bool negative = false;
  if (i < raw.size() && (raw[i] == '-' || raw[i] == '+')) negative = raw[i++] == '-';
  const std::size_t int_begin = i;
  while (i < raw.size() && is_digit(raw[i])) ++i;
  const std::string_view int_part = raw.substr(int_begin, i - int_begin);
  std::string_view frac_part;
  if (i < raw.size() && raw[i] == '.') {
    const std::size_t b = ++i;
    while (i < raw.size() && is_digit(raw[i])) ++i;
    frac_part = raw.substr(b, i - b);
  }
  if (int_part.empty() && frac_part.empty()) return std::string(raw);
  long exponent = 0;
  bool has_exponent = false;
  if (i < raw.size() && (raw[i] == 'e' || raw[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < raw.size() && (raw[i] == '-' || raw[i] == '+')) exp_negative = raw[i++] == '-';
    const std::size_t b = i;
    while (i < raw.size() && is_digit(raw[i]) && i - b < 4) exponent = exponent * 10 + (raw[i++] - '0');
    if (i == b) return std::string(raw);
    if (exp_negative) exponent = -exponent;
    has_exponent = true;
  }
  if (i != raw.size() || exponent > 100 || exponent < -100) return std::string(raw);
  if (!has_exponent && frac_part.empty() && int_part.size() <= 15) return std::string(raw);

  std::string digits(int_part);
  digits += frac_part;
  long point = static_cast<long>(int_part.size()) + exponent;
  const std::size_t zeros = std::min(digits.find_first_not_of('0'), digits.size());
  digits.erase(0, zeros);
  point -= static_cast<long>(zeros);
  if (digits.empty()) return "0";
  if (digits.find_last_not_of('0') + 1 > 15) {
    // More significant digits than a double holds ("0.30000000000000004" from 0.1+0.2): show the 15
    // Excel shows. Integers of up to 15 digits (ИНН, ОГРН, ОГРНИП) never come here.
    double value = 0;
    const auto r = std::from_chars(raw.data(), raw.data() + raw.size(), value);
    char buf[40];
    if (r.ec == std::errc() && std::isfinite(value)) {
      std::snprintf(buf, sizeof buf, "%.15g", value);
      if (std::string_view(buf) != raw) return plain_number(buf);
    }
  }
  std::string out = negative ? "-" : "";
  if (point <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-point), '0');
    out += digits;
  } else if (static_cast<std::size_t>(point) >= digits.size()) {
    out += digits;
    out.append(static_cast<std::size_t>(point) - digits.size(), '0');
  } else {
    out += digits.substr(0, static_cast<std::size_t>(point));
    out += '.';
    out += digits.substr(static_cast<std::size_t>(point));
  }
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  return out;
}

// True when an Excel number format shows a date or a time of day (not an elapsed time like [h]:mm).
bool is_date_format(unsigned id, std::string_view code) {
  if (code.empty()) {
    return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
  }
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c == '"') {
      const std::size_t close = code.find('"', i + 1);
      if (close == std::string_view::npos) return false;
      i = close;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;
    } else if (c == '[') {
      const std::size_t close = code.find(']', i + 1);
      if (close == std::string_view::npos) return false;
      const std::string_view inside = code.substr(i + 1, close - i - 1);
      if (!inside.empty() && inside.find_first_not_of("hHmMsS") == std::string_view::npos) return false;
      i = close;
    } else if (std::strchr("yYdDmMhHsS", c) != nullptr && c != '\0') {
      return true;
    }
  }
  return false;
}

// An Excel date serial as "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS", or "HH:MM:SS" for a time of day
// (under 1 in the 1900 date system); the raw text when it is not a number in Excel's date range.
std::string excel_date(std::string_view raw, bool date1904) {
  double value = 0;
  const auto r = std::from_chars(raw.data(), raw.data() + raw.size(), value);
  if (r.ec != std::errc() || r.ptr != raw.data() + raw.size() || !(value >= 0) || value >= 2958466) {
    return std::string(raw);
  }
  auto days = static_cast<long>(std::floor(value));
  auto seconds = std::llround((value - static_cast<double>(days)) * 86400.0);
  if (seconds >= 86400) {
    ++days;
    seconds -= 86400;
  }
  char time[32];
  std::snprintf(time, sizeof time, "%02lld:%02lld:%02lld", seconds / 3600, seconds / 60 % 60, seconds % 60);
  if (days == 0 && !date1904) return time;  // Excel's day 0 (1900-01-00) holds times of day
  std::string date;
  if (!date1904 && days == 60) {
    date = "1900-02-29";  // the day Excel keeps for Lotus 1-2-3
  } else {
    using namespace std::chrono;
    const sys_days base = date1904 ? sys_days{1904y / January / 1}
                                   : (days < 60 ? sys_days{1899y / December / 31} : sys_days{1899y / December / 30});
    const year_month_day ymd{base + std::chrono::days{days}};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    date = buf;
  }
  if (seconds != 0) {
    date += ' ';
    date += time;
  }
  return date;
}

// Column index (0-based) from a cell reference such as "C5"; -1 when there is none.
long column_of(std::string_view ref) {
  long col = 0;
  std::size_t i = 0;
  for (; i < ref.size() && i < 4; ++i) {
    char c = ref[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') break;
    col = col * 26 + (c - 'A' + 1);
  }
  if (i == 0 || col > static_cast<long>(kMaxFields)) return -1;
  return col - 1;
}

struct ZipCloser {
  void operator()(zip_t* z) const noexcept { zip_discard(z); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* f) const noexcept { zip_fclose(f); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipCloser>;
using ZipFilePtr = std::unique_ptr<zip_file_t, ZipFileCloser>;

// Opens the archive member `name`; sets `size` to its uncompressed size.
ZipFilePtr open_member(zip_t* zip, const std::string& name, std::uint64_t& size, ReadError& error) {
  const zip_int64_t index = zip_name_locate(zip, name.c_str(), 0);
  if (index < 0) {
    error = make_error("damaged", "the workbook has no part " + name, {{"part", name}});
    return nullptr;
  }
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(zip, static_cast<zip_uint64_t>(index), 0, &st) != 0) {
    error = make_error("damaged", std::string("the workbook is damaged: ") + zip_strerror(zip), {{"part", name}});
    return nullptr;
  }
  size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
  ZipFilePtr f(zip_fopen_index(zip, static_cast<zip_uint64_t>(index), 0));
  if (!f) error = make_error("damaged", "cannot open " + name + " in the workbook: " + zip_strerror(zip), {{"part", name}});
  return f;
}

// Reads the whole member `name` (at most kMaxSmallPart bytes) into `out`.
bool read_member(zip_t* zip, const std::string& name, std::string& out, ReadError& error) {
  std::uint64_t size = 0;
  ZipFilePtr f = open_member(zip, name, size, error);
  if (!f) return false;
  out.clear();
  char buf[64 * 1024];
  for (;;) {
    const zip_int64_t n = zip_fread(f.get(), buf, sizeof buf);
    if (n < 0) {
      error = make_error("damaged", "the workbook is damaged (" + name + "): " + zip_file_strerror(f.get()),
                         {{"part", name}});
      return false;
    }
    if (n == 0) return true;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > kMaxSmallPart) {
      error = make_error("xlsx_too_large", name + " in the workbook is larger than 64 MiB", {{"part", name}});
      return false;
    }
  }
}

bool load_xml(zip_t* zip, const std::string& name, pugi::xml_document& doc, ReadError& error) {
  std::string text;
  if (!read_member(zip, name, text, error)) return false;
  const pugi::xml_parse_result r = doc.load_buffer(text.data(), text.size());
  if (!r) {
    error = make_error("damaged", name + " in the workbook is not valid XML: " + r.description(), {{"part", name}});
    return false;
  }
  return true;
}

// Relationships of a part: id -> (type, target resolved to an archive member name).
struct Relationship {
  std::string type;
  std::string target;
};

// The archive member a relationship target names, relative to the directory of `source`.
std::string resolve_target(const std::string& source, std::string_view target) {
  std::vector<std::string> parts;
  std::string joined;
  if (!target.empty() && target.front() == '/') {
    joined = std::string(target.substr(1));
  } else {
    const std::size_t slash = source.rfind('/');
    joined = (slash == std::string::npos ? std::string() : source.substr(0, slash + 1)) + std::string(target);
  }
  std::size_t b = 0;
  while (b <= joined.size()) {
    std::size_t e = joined.find('/', b);
    if (e == std::string::npos) e = joined.size();
    const std::string seg = joined.substr(b, e - b);
    if (seg == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!seg.empty() && seg != ".") {
      parts.push_back(seg);
    }
    b = e + 1;
  }
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

std::unordered_map<std::string, Relationship> load_relationships(zip_t* zip, const std::string& source) {
  std::unordered_map<std::string, Relationship> rels;
  const std::size_t slash = source.rfind('/');
  const std::string dir = slash == std::string::npos ? std::string() : source.substr(0, slash + 1);
  const std::string file = slash == std::string::npos ? source : source.substr(slash + 1);
  pugi::xml_document doc;
  ReadError ignored;
  if (!load_xml(zip, dir + "_rels/" + file + ".rels", doc, ignored)) return rels;
  for (pugi::xml_node r = doc.document_element().first_child(); r; r = r.next_sibling()) {
    if (local_name(r.name()) != "Relationship") continue;
    if (std::string_view(r.attribute("TargetMode").value()) == "External") continue;
    rels[r.attribute("Id").value()] = {r.attribute("Type").value(), resolve_target(source, r.attribute("Target").value())};
  }
  return rels;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Streams the `item` elements inside the `container` element of an XML archive member in slices of
// whole elements, each parsed by pugixml as a fragment, so a sheet of any size needs bounded memory.
// The split is made after an item's end tag ("</row>"), which never occurs inside XML text.
class ElementStream {
 public:
  ElementStream(ZipFilePtr file, std::uint64_t size, std::string name, std::string container, std::string item,
                std::uint64_t limit)
      : file_(std::move(file)), size_(size), name_(std::move(name)), container_(std::move(container)),
        item_(std::move(item)), limit_(limit) {}

  // Parses the next slice into `doc`. Returns false at the end (error() empty) or on an error.
  bool next(pugi::xml_document& doc) {
    if (done_ || !error_.empty()) return false;
    if (!started_ && !find_container()) return false;
    if (done_) return false;
    for (;;) {
      const std::size_t end = buffer_.find(container_end_);
      if (end != std::string::npos) {
        batch_.assign(buffer_, 0, end);
        buffer_.clear();
        done_ = true;
        return parse(doc);
      }
      const std::size_t last = buffer_.rfind(item_end_);
      if (last != std::string::npos) {
        const std::size_t cut = last + item_end_.size();
        batch_.assign(buffer_, 0, cut);
        buffer_.erase(0, cut);
        return parse(doc);
      }
      if (eof_) return fail("damaged", "the XML ends inside <" + container_ + ">");
      if (buffer_.size() > kMaxXmlPending) return fail("xlsx_too_large", "an element larger than 64 MiB");
      if (!read_more()) return false;
    }
  }

  const ReadError& error() const { return error_; }
  const std::string& name() const { return name_; }
  double progress() const {
    return size_ == 0 ? 1.0 : std::min(1.0, static_cast<double>(read_) / static_cast<double>(size_));
  }

 private:
  bool fail(std::string code, std::string message) {
    error_ = make_error(std::move(code), name_ + ": " + std::move(message), {{"part", name_}});
    return false;
  }

  bool read_more() {
    const std::size_t old = buffer_.size();
    // A chunk, or what is left of the part when that is less (and a byte more to meet its end): a
    // sheet of a few rows needs no 256 KiB buffer. At the size the archive states, a small read finds
    // the end (or goes on, should the part be longer); with no size stated, whole chunks.
    const std::size_t want = size_ == 0     ? kXmlChunk
                             : read_ < size_ ? static_cast<std::size_t>(std::min<std::uint64_t>(kXmlChunk, size_ - read_ + 1))
                                             : kXmlProbe;
    buffer_.resize(old + want);
    const zip_int64_t n = zip_fread(file_.get(), buffer_.data() + old, want);
    if (n < 0) {
      buffer_.resize(old);
      return fail("damaged", std::string("the workbook is damaged: ") + zip_file_strerror(file_.get()));
    }
    buffer_.resize(old + static_cast<std::size_t>(n));
    read_ += static_cast<std::uint64_t>(n);
    if (n == 0) eof_ = true;
    if (read_ > limit_) return fail("xlsx_too_large", "larger than " + std::to_string(limit_ >> 20) + " MiB");
    return true;
  }

  // Finds the container's start tag (with whatever namespace prefix it has) and drops what precedes.
  bool find_container() {
    std::size_t from = 0;
    for (;;) {
      const std::size_t at = buffer_.find(container_, from);
      if (at == std::string::npos) {
        if (eof_) {
          done_ = true;  // no container: no items
          return true;
        }
        if (buffer_.size() > kMaxXmlPending) return fail("damaged", "no <" + container_ + "> in the first 64 MiB");
        from = buffer_.size() > container_.size() ? buffer_.size() - container_.size() : 0;
        if (!read_more()) return false;
        continue;
      }
      std::string prefix;
      bool tag = at > 0 && buffer_[at - 1] == '<';
      if (!tag && at > 1 && buffer_[at - 1] == ':') {
        std::size_t b = at - 1;
        while (b > 0 && buffer_[b - 1] != '<' && buffer_[b - 1] != '/' && buffer_[b - 1] != ' ' &&
               buffer_[b - 1] != '>')
          --b;
        if (b > 0 && buffer_[b - 1] == '<') {
          tag = true;
          prefix = buffer_.substr(b, at - b);  // "x:"
        }
      }
      const std::size_t after = at + container_.size();
      if (tag && after >= buffer_.size() && !eof_) {  // the tag is cut by the chunk: read on
        if (!read_more()) return false;
        continue;
      }
      if (!tag || after >= buffer_.size() || std::strchr(" \t\r\n/>", buffer_[after]) == nullptr) {
        from = at + 1;
        continue;
      }
      const std::size_t gt = buffer_.find('>', after);
      if (gt == std::string::npos) {
        if (eof_) return fail("damaged", "the XML ends inside <" + container_ + ">");
        if (!read_more()) return false;
        continue;
      }
      started_ = true;
      if (buffer_[gt - 1] == '/') done_ = true;  // <sheetData/>
      buffer_.erase(0, gt + 1);
      container_end_ = "</" + prefix + container_ + ">";
      item_end_ = "</" + prefix + item_ + ">";
      return true;
    }
  }

  bool parse(pugi::xml_document& doc) {
    const pugi::xml_parse_result r =
        doc.load_buffer_inplace(batch_.data(), batch_.size(),
                                pugi::parse_default | pugi::parse_ws_pcdata_single | pugi::parse_fragment,
                                pugi::encoding_utf8);
    if (!r) return fail("damaged", std::string("not valid XML: ") + r.description());
    return true;
  }

  ZipFilePtr file_;
  std::uint64_t size_;
  std::string name_;
  std::string container_;
  std::string item_;
  std::uint64_t limit_;
  std::string container_end_;
  std::string item_end_;
  std::string buffer_;
  std::string batch_;
  std::uint64_t read_ = 0;
  bool started_ = false;
  bool eof_ = false;
  bool done_ = false;
  ReadError error_;
};

class XlsxRowReader final : public RowReader {
 public:
  XlsxRowReader(ZipPtr zip, std::vector<std::string> strings, std::string strings_part, std::vector<char> date_styles,
                bool date1904, std::unique_ptr<ElementStream> sheet)
      : zip_(std::move(zip)), strings_(std::move(strings)), strings_part_(std::move(strings_part)),
        date_styles_(std::move(date_styles)), date1904_(date1904), sheet_(std::move(sheet)) {}

  bool next(std::vector<std::string>& row) override {
    if (!error_.empty()) return false;  // a row's error ends the reading (the rows after it are not returned)
    for (;;) {
      if (!cursor_) {
        if (!sheet_->next(doc_)) {
          if (error_.empty() && !sheet_->error().empty()) {
            error_ = at_row(sheet_->error(), sheet_row_ + 1);
          }
          return false;
        }
        cursor_ = first_row(doc_.first_child());
        continue;
      }
      const pugi::xml_node node = cursor_;
      cursor_ = first_row(cursor_.next_sibling());
      if (!read_row(node, row)) return false;
      if (!row.empty()) {
        last_row_ = sheet_row_;
        return true;
      }
    }
  }

  std::size_t row_number() const override { return last_row_; }
  const std::string& format() const override { return format_; }
  const std::string& encoding() const override { return encoding_; }
  char delimiter() const override { return 0; }
  const std::string& error() const override { return error_.message; }
  const ReadError& failure() const override { return error_; }
  double progress() const override { return sheet_->progress(); }

 private:
  static pugi::xml_node first_row(pugi::xml_node n) {
    while (n && !(n.type() == pugi::node_element && local_name(n.name()) == "row")) n = n.next_sibling();
    return n;
  }

  bool read_row(pugi::xml_node node, std::vector<std::string>& row) {
    const pugi::xml_attribute r = node.attribute("r");
    const unsigned long long number = r ? r.as_ullong() : 0;
    // A number Excel cannot have (0, or past its 1,048,576 rows: r="66666666666666666666" reads as
    // ULLONG_MAX, and the row after it would wrap to 0) counts as no number: the row after the last.
    sheet_row_ = number > 0 && number <= kMaxRows ? static_cast<std::size_t>(number) : sheet_row_ + 1;
    row.clear();
    long col = -1;
    for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element || local_name(c.name()) != "c") continue;
      const long at = column_of(c.attribute("r").value());
      col = at >= 0 ? at : col + 1;
      if (col >= static_cast<long>(kMaxFields)) {
        error_ = at_row(make_error("too_many_fields", "more than 16384 columns"), sheet_row_);
        return false;
      }
      std::string value;
      if (!cell_value(c, value)) return false;
      if (value.empty()) continue;
      // pugixml passes the bytes of the XML through as they are (and turns a reference such as
      // &#xD800; into bytes that are not UTF-8): rows must come back as UTF-8, as from CSV.
      if (!core::valid_utf8(value)) {
        const std::string& part = c.attribute("t").value() == std::string_view("s") ? strings_part_ : sheet_->name();
        error_ = at_row(make_error("damaged", "a cell's text in " + part + " is not valid UTF-8", {{"part", part}}),
                        sheet_row_);
        return false;
      }
      if (row.size() <= static_cast<std::size_t>(col)) row.resize(static_cast<std::size_t>(col) + 1);
      row[static_cast<std::size_t>(col)] = std::move(value);
    }
    return true;
  }

  bool cell_value(pugi::xml_node c, std::string& out) {
    const std::string_view type = c.attribute("t").value();
    if (type == "inlineStr") {
      if (const pugi::xml_node is = child_named(c, "is")) out = rich_text(is);
      return true;
    }
    const pugi::xml_node v = child_named(c, "v");
    const std::string_view raw = v ? v.text().get() : "";
    if (raw.empty()) {
      return true;  // no value saved (a formatted cell, or a formula never calculated)
    } else if (type == "s") {
      std::size_t index = 0;
      const auto res = std::from_chars(raw.data(), raw.data() + raw.size(), index);
      if (res.ec != std::errc() || index >= strings_.size()) {
        error_ = at_row(make_error("damaged", "a shared string index out of range", {{"part", strings_part_}}), sheet_row_);
        return false;
      }
      out = strings_[index];
    } else if (type == "str") {
      out = ooxml_text(raw);
    } else if (type == "b") {
      out = raw == "1" ? "TRUE" : raw == "0" ? "FALSE" : std::string(raw);
    } else if (type == "e" || type == "d") {
      out = raw;
    } else {
      const unsigned style = c.attribute("s").as_uint();
      out = style < date_styles_.size() && date_styles_[style] ? excel_date(raw, date1904_) : plain_number(raw);
    }
    return true;
  }

  ZipPtr zip_;
  std::vector<std::string> strings_;
  std::string strings_part_;
  std::vector<char> date_styles_;
  bool date1904_;
  std::unique_ptr<ElementStream> sheet_;
  pugi::xml_document doc_;
  pugi::xml_node cursor_;
  std::size_t sheet_row_ = 0;
  std::size_t last_row_ = 0;
  std::string format_ = "xlsx";
  std::string encoding_ = "UTF-8";
  ReadError error_;
};

// For each cell format (cellXfs index) of styles.xml: whether it shows numbers as dates.
std::vector<char> load_date_styles(zip_t* zip, const std::string& name) {
  std::vector<char> out;
  pugi::xml_document doc;
  ReadError ignored;
  if (name.empty() || !load_xml(zip, name, doc, ignored)) return out;
  const pugi::xml_node root = doc.document_element();
  std::unordered_map<unsigned, std::string> custom;
  if (const pugi::xml_node fmts = child_named(root, "numFmts")) {
    for (pugi::xml_node f = fmts.first_child(); f; f = f.next_sibling()) {
      if (local_name(f.name()) == "numFmt") custom[f.attribute("numFmtId").as_uint()] = f.attribute("formatCode").value();
    }
  }
  if (const pugi::xml_node xfs = child_named(root, "cellXfs")) {
    for (pugi::xml_node xf = xfs.first_child(); xf; xf = xf.next_sibling()) {
      if (local_name(xf.name()) != "xf") continue;
      const unsigned id = xf.attribute("numFmtId").as_uint();
      const auto it = custom.find(id);
      out.push_back(is_date_format(id, it == custom.end() ? std::string_view() : std::string_view(it->second)));
    }
  }
  return out;
}

bool load_shared_strings(zip_t* zip, const std::string& name, std::vector<std::string>& out, ReadError& error) {
  if (name.empty() || zip_name_locate(zip, name.c_str(), 0) < 0) return true;
  std::uint64_t size = 0;
  ZipFilePtr f = open_member(zip, name, size, error);
  if (!f) return false;
  ElementStream stream(std::move(f), size, name, "sst", "si", kMaxSharedStrings);
  pugi::xml_document doc;
  while (stream.next(doc)) {
    for (pugi::xml_node si = doc.first_child(); si; si = si.next_sibling()) {
      if (si.type() == pugi::node_element && local_name(si.name()) == "si") out.push_back(rich_text(si));
    }
  }
  error = stream.error();
  return error.empty();
}

std::unique_ptr<RowReader> open_xlsx(const std::string& path, std::uint64_t, ReadError& error) {
  int code = 0;
  ZipPtr zip(zip_open(path.c_str(), ZIP_RDONLY, &code));
  if (!zip) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, code);
    error = make_error("zip", "cannot read " + path + " as a ZIP archive: " + zip_error_strerror(&ze));
    zip_error_fini(&ze);
    return nullptr;
  }
  const auto fail = [&](ReadError why) -> std::unique_ptr<RowReader> {
    error = prefixed(std::move(why), "cannot read " + path + ": ");
    return nullptr;
  };
  // The workbook part: the package's officeDocument relationship, normally xl/workbook.xml.
  std::string workbook = "xl/workbook.xml";
  for (const auto& [id, rel] : load_relationships(zip.get(), "")) {
    if (ends_with(rel.type, "/officeDocument")) workbook = rel.target;
  }
  if (zip_name_locate(zip.get(), workbook.c_str(), 0) < 0) {
    std::string mimetype;
    ReadError ignored;
    if (read_member(zip.get(), "mimetype", mimetype, ignored) &&
        mimetype.find("opendocument.spreadsheet") != std::string::npos) {
      error = make_error("ods", path + " is an OpenDocument spreadsheet (.ods), not XLSX; save it as .xlsx or CSV");
    } else {
      error = make_error("not_workbook", path + " is not a table: a ZIP archive without an Excel workbook in it");
    }
    return nullptr;
  }
  pugi::xml_document wb;
  ReadError why;
  if (!load_xml(zip.get(), workbook, wb, why)) return fail(why);
  const pugi::xml_node root = wb.document_element();
  bool date1904 = false;
  if (const pugi::xml_node pr = child_named(root, "workbookPr")) {
    const std::string_view v = pr.attribute("date1904").value();
    date1904 = v == "1" || v == "true";
  }
  const auto rels = load_relationships(zip.get(), workbook);
  std::string sheet_part, strings_part, styles_part;
  for (const auto& [id, rel] : rels) {
    if (ends_with(rel.type, "/sharedStrings")) strings_part = rel.target;
    if (ends_with(rel.type, "/styles")) styles_part = rel.target;
  }
  if (const pugi::xml_node sheets = child_named(root, "sheets")) {
    for (pugi::xml_node s = sheets.first_child(); s && sheet_part.empty(); s = s.next_sibling()) {
      if (local_name(s.name()) != "sheet") continue;
      const auto it = rels.find(std::string(attribute_named(s, "id")));
      if (it != rels.end() && ends_with(it->second.type, "/worksheet")) sheet_part = it->second.target;
    }
  }
  if (sheet_part.empty()) {
    error = make_error("no_worksheet", path + " is not a table: the workbook has no worksheet");
    return nullptr;
  }
  std::vector<std::string> strings;
  if (!load_shared_strings(zip.get(), strings_part, strings, why)) return fail(why);
  std::vector<char> date_styles = load_date_styles(zip.get(), styles_part);
  std::uint64_t size = 0;
  ZipFilePtr sheet_file = open_member(zip.get(), sheet_part, size, why);
  if (!sheet_file) return fail(why);
  auto sheet = std::make_unique<ElementStream>(std::move(sheet_file), size, sheet_part, "sheetData", "row",
                                               std::numeric_limits<std::uint64_t>::max());
  return std::make_unique<XlsxRowReader>(std::move(zip), std::move(strings), strings_part, std::move(date_styles),
                                         date1904, std::move(sheet));
}

}  // namespace

std::unique_ptr<RowReader> open_rows(const std::string& path, std::string& error, const ReadOptions& options) {
  ReadError e;
  auto reader = open_rows(path, e, options);
  error = std::move(e.message);
  return reader;
}

std::unique_ptr<RowReader> open_rows(const std::string& path, ReadError& error, const ReadOptions& options) {
  error = ReadError{};
  if (options.delimiter == '"' || options.delimiter == '\r' || options.delimiter == '\n') {
    error = make_error("bad_delimiter", "a quote or a line break cannot be the CSV delimiter");
    return nullptr;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    error = make_error("open_failed", "cannot open " + path + ": " + errno_text(errno));
    return nullptr;
  }
  if (S_ISDIR(st.st_mode)) {
    error = make_error("is_directory", "cannot open " + path + ": it is a directory");
    return nullptr;
  }
  FilePtr file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    error = make_error("open_failed", "cannot open " + path + ": " + errno_text(errno));
    return nullptr;
  }
  std::string head(buffer_for(S_ISREG(st.st_mode) ? static_cast<std::uint64_t>(st.st_size) : 0, 0, kReadChunk), '\0');
  head.resize(std::fread(head.data(), 1, head.size(), file.get()));
  if (std::ferror(file.get())) {
    error = make_error("read_failed", "cannot read " + path + ": " + errno_text(errno));
    return nullptr;
  }
  if (head.empty()) {
    error = make_error("empty", path + " is empty");
    return nullptr;
  }
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (starts_with(head, "PK\x03\x04") || starts_with(head, "PK\x05\x06")) {
    file.reset();
    return open_xlsx(path, size, error);
  }
  if (starts_with(head, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) {
    error = make_error("xls", path + " is an Excel 97-2003 workbook (.xls) or a password-protected one; save it as .xlsx or CSV");
    return nullptr;
  }
  return open_csv(path, std::move(file), size, head, options, error);
}

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
