// CSV rows in: encoding detection and decoding to UTF-8 in chunks (uchardet, iconv), delimiter
// detection, libcsv parsing with limits.
#include <csv.h>
#include <iconv.h>
#include <uchardet/uchardet.h>

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

namespace {

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




}  // namespace

namespace detail {

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

}  // namespace detail

}  // namespace sdelka::tabular
