#include "lending/scorecard_table.hpp"

#include <csv.h>

#include <algorithm>
#include <array>
#include <istream>
#include <unordered_set>

#include "core/text.hpp"

namespace sdelka::lending::scoring {
namespace {

// Dictionary of one column: open addressing over the codes, texts kept only in Column::dict.
class Dictionary {
 public:
  // Code of `text`, appending it to `dict` when new.
  std::uint32_t code(std::string_view text, std::vector<std::string>& dict) {
    const std::uint64_t h = hash(text);
    if (2 * (dict.size() + 1) > slots_.size()) grow();
    std::size_t i = h & mask_;
    while (true) {
      const std::uint32_t slot = slots_[i];
      if (slot == 0) {
        const auto code = static_cast<std::uint32_t>(dict.size());
        dict.emplace_back(text);
        hashes_.push_back(h);
        slots_[i] = code + 1;
        return code;
      }
      if (hashes_[slot - 1] == h && dict[slot - 1] == text) return slot - 1;
      i = (i + 1) & mask_;
    }
  }

 private:
  // FNV-1a, then a 64-bit finaliser so that the low bits index well.
  static std::uint64_t hash(std::string_view s) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
  }

  void grow() {
    const std::size_t size = slots_.empty() ? 64 : 2 * slots_.size();
    slots_.assign(size, 0);
    mask_ = size - 1;
    for (std::size_t code = 0; code < hashes_.size(); ++code) {
      std::size_t i = hashes_[code] & mask_;
      while (slots_[i] != 0) i = (i + 1) & mask_;
      slots_[i] = static_cast<std::uint32_t>(code + 1);
    }
  }

  std::vector<std::uint32_t> slots_;   // code + 1, or 0 when free
  std::vector<std::uint64_t> hashes_;  // per code
  std::size_t mask_ = 0;
};

}  // namespace

const Column* Table::find(std::string_view name) const noexcept {
  for (const Column& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

Table Table::select_rows(std::span<const std::uint32_t> rows) const {
  Table out;
  out.columns.reserve(columns.size());
  for (const Column& c : columns) {
    Column s;
    s.name = c.name;
    s.dict = c.dict;
    s.codes.resize(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) s.codes[i] = c.codes[rows[i]];
    out.columns.push_back(std::move(s));
  }
  return out;
}

struct TableBuilder::Impl {
  std::vector<Column> columns;
  std::vector<Dictionary> dicts;
  std::size_t cell = 0;     // cells seen in the current row
  std::size_t records = 0;  // data records closed so far
};

TableBuilder::TableBuilder(std::vector<std::string> header) : impl_(std::make_unique<Impl>()) {
  if (header.empty()) throw InputError("the CSV header has no columns");
  std::unordered_set<std::string> seen;
  for (std::size_t i = 0; i < header.size(); ++i) {
    std::string name(core::trim(header[i]));
    if (name.empty()) throw InputError("column " + std::to_string(i + 1) + " of the CSV header has no name");
    if (!seen.insert(name).second) throw InputError("column '" + name + "' appears twice in the CSV header");
    Column c;
    c.name = std::move(name);
    impl_->columns.push_back(std::move(c));
  }
  impl_->dicts.resize(impl_->columns.size());
}

TableBuilder::~TableBuilder() = default;

void TableBuilder::add_cell(std::string_view text) {
  Impl& m = *impl_;
  const std::size_t j = m.cell++;
  if (j >= m.columns.size()) return;
  Column& col = m.columns[j];
  col.codes.push_back(m.dicts[j].code(text, col.dict));
}

void TableBuilder::end_row() {
  Impl& m = *impl_;
  ++m.records;
  if (m.cell != m.columns.size()) {
    throw InputError("record " + std::to_string(m.records) + " has " + std::to_string(m.cell) +
                     " fields but the header has " + std::to_string(m.columns.size()));
  }
  m.cell = 0;
}

void TableBuilder::add_row(std::span<const std::string_view> cells) {
  for (std::string_view c : cells) add_cell(c);
  end_row();
}

Table TableBuilder::finish() {
  Table t;
  t.columns = std::move(impl_->columns);
  impl_->columns.clear();
  impl_->dicts.clear();
  return t;
}

namespace {

// libcsv is C: callbacks must not throw, so the first error is kept and later callbacks do nothing.
class CsvReader {
 public:
  CsvReader() {
    if (csv_init(&parser_, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) throw std::bad_alloc();
    csv_set_blk_size(&parser_, 1 << 16);
  }
  ~CsvReader() { csv_free(&parser_); }
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  void feed(const char* data, std::size_t len) {
    if (!started_) {
      started_ = true;
      static constexpr std::string_view bom = "\xEF\xBB\xBF";
      if (len >= bom.size() && std::string_view(data, bom.size()) == bom) {
        data += bom.size();
        len -= bom.size();
      }
    }
    if (failed()) return;
    if (csv_parse(&parser_, data, len, &CsvReader::on_field, &CsvReader::on_row, this) != len) parse_error();
  }

  Table finish() {
    if (!failed() && csv_fini(&parser_, &CsvReader::on_field, &CsvReader::on_row, this) != 0) parse_error();
    if (failed()) throw InputError(error_);
    if (!builder_) throw InputError("the CSV file is empty");
    return builder_->finish();
  }

 private:
  bool failed() const noexcept { return !error_.empty(); }

  void parse_error() {
    if (failed()) return;
    error_ = "malformed CSV after record " + std::to_string(records_) + ": " +
             csv_strerror(csv_error(&parser_)) + " (a quote inside a field that is not quoted as a whole?)";
  }

  static void on_field(void* s, std::size_t len, void* self) {
    auto* r = static_cast<CsvReader*>(self);
    if (r->failed()) return;
    std::string_view text(s ? static_cast<const char*>(s) : "", s ? len : 0);
    if (r->builder_) {
      r->builder_->add_cell(text);
    } else {
      r->header_.emplace_back(text);
    }
  }

  static void on_row(int, void* self) {
    auto* r = static_cast<CsvReader*>(self);
    if (r->failed()) return;
    try {
      if (r->builder_) {
        ++r->records_;
        r->builder_->end_row();
      } else {
        r->builder_ = std::make_unique<TableBuilder>(std::move(r->header_));
      }
    } catch (const InputError& e) {
      r->error_ = e.what();
    } catch (const std::bad_alloc&) {
      r->error_ = "out of memory while reading the CSV file";
    }
  }

  csv_parser parser_{};
  bool started_ = false;
  std::vector<std::string> header_;
  std::unique_ptr<TableBuilder> builder_;
  std::size_t records_ = 0;
  std::string error_;
};

}  // namespace

Table read_csv(std::istream& in) {
  CsvReader reader;
  std::array<char, 1 << 16> buf;
  while (in) {
    in.read(buf.data(), buf.size());
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    reader.feed(buf.data(), got);
  }
  if (in.bad()) throw InputError("the CSV input could not be read");
  return reader.finish();
}

Table read_csv(std::string_view text) {
  CsvReader reader;
  reader.feed(text.data(), text.size());
  return reader.finish();
}

std::string csv_field(std::string_view field) {
  const bool needs = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!field.empty() && (field.front() == ' ' || field.front() == '\t' ||
                                         field.back() == ' ' || field.back() == '\t'));
  if (!needs) return std::string(field);
  std::string out;
  out.reserve(field.size() + 2);
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace sdelka::lending::scoring
