// XLSX rows in: the workbook's parts from the zip (libzip), the worksheet XML streamed in chunks
// (pugixml), shared strings, dates by number format.
#include <pugixml.hpp>
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

#include "core/tabular_detail.hpp"
#include "core/text.hpp"

namespace sdelka::tabular {

using namespace detail;

namespace {

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



}  // namespace

namespace detail {

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

}  // namespace detail

}  // namespace sdelka::tabular
