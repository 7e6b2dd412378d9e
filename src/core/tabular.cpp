#include "core/tabular.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>

#include "core/tabular_detail.hpp"

namespace sdelka::tabular {

using namespace detail;

RowReader::~RowReader() = default;

std::string ReadError::arg(const std::string& name) const {
  for (const auto& [k, v] : args)
    if (k == name) return v;
  return {};
}

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


}  // namespace sdelka::tabular
