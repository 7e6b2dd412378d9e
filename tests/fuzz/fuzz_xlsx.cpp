// libFuzzer harness: the XLSX reader (sdelka::tabular::open_rows on a ZIP workbook): libzip, the
// package and workbook relationships, shared strings, styles (date formats), the worksheet streamed
// in slices through pugixml, cell values (numbers, dates, booleans, rich and inline text, _xHHHH_
// escapes) and limits.
//
// Two kinds of input:
//   * bytes starting with "PK": a ZIP archive, written as it is (the real-file seeds);
//   * anything else: the parts of a workbook as text, packed by this harness into a ZIP (stored,
//     correct CRCs) so that mutations reach the XML instead of dying on a checksum. The text is
//     either one worksheet's XML (xl/worksheets/sheet1.xml) or parts each introduced by a line
//     "@@ NAME" (e.g. "@@ xl/sharedStrings.xml"); parts not given come from a minimal workbook
//     (package and workbook relationships, workbook.xml, a one-cell sheet); a line "@@ -NAME"
//     removes that part. The workbook's relationships name xl/sharedStrings.xml and xl/styles.xml,
//     which are there only when the input gives them (the seeds do): fewer parts to unpack and parse
//     makes an execution cheaper.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "fuzz_tabular.hpp"

namespace {

const std::map<std::string, std::string>& skeleton() {
  static const std::map<std::string, std::string> parts = {
      {"_rels/.rels",
       R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>)"},
      {"xl/workbook.xml",
       R"(<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr/><sheets><sheet name="Компании" sheetId="1" r:id="rId1"/></sheets></workbook>)"},
      {"xl/_rels/workbook.xml.rels",
       R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>)"},
      {"xl/worksheets/sheet1.xml",
       R"(<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Название</t></is></c></row></sheetData></worksheet>)"},
  };
  return parts;
}

void put16(std::string& out, unsigned v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>((v >> 8) & 0xFF);
}
void put32(std::string& out, std::uint32_t v) {
  put16(out, v & 0xFFFF);
  put16(out, v >> 16);
}

// A ZIP archive of `parts`, stored (no compression), as libzip reads it.
std::string zip_of(const std::map<std::string, std::string>& parts) {
  std::string out, central;
  for (const auto& [name, data] : parts) {
    const auto crc = static_cast<std::uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
    const auto offset = static_cast<std::uint32_t>(out.size());
    const auto size = static_cast<std::uint32_t>(data.size());
    put32(out, 0x04034b50);
    put16(out, 20); put16(out, 0); put16(out, 0);  // version needed, flags, method: stored
    put16(out, 0); put16(out, 0x21);               // time, date 1980-01-01
    put32(out, crc); put32(out, size); put32(out, size);
    put16(out, static_cast<unsigned>(name.size())); put16(out, 0);
    out += name;
    out += data;
    put32(central, 0x02014b50);
    put16(central, 20); put16(central, 20); put16(central, 0); put16(central, 0);
    put16(central, 0); put16(central, 0x21);
    put32(central, crc); put32(central, size); put32(central, size);
    put16(central, static_cast<unsigned>(name.size())); put16(central, 0); put16(central, 0);
    put16(central, 0); put16(central, 0); put32(central, 0);
    put32(central, offset);
    central += name;
  }
  const auto cd_offset = static_cast<std::uint32_t>(out.size());
  out += central;
  put32(out, 0x06054b50);
  put16(out, 0); put16(out, 0);
  put16(out, static_cast<unsigned>(parts.size())); put16(out, static_cast<unsigned>(parts.size()));
  put32(out, static_cast<std::uint32_t>(central.size()));
  put32(out, cd_offset);
  put16(out, 0);
  return out;
}

// The workbook the text `s` describes (see the top of the file).
std::map<std::string, std::string> parts_of(std::string_view s) {
  std::map<std::string, std::string> parts = skeleton();
  if (s.substr(0, 3) != "@@ ") {
    parts["xl/worksheets/sheet1.xml"] = std::string(s);
    return parts;
  }
  while (s.substr(0, 3) == "@@ ") {
    const std::size_t eol = s.find('\n');
    std::string name(s.substr(3, eol == std::string_view::npos ? std::string_view::npos : eol - 3));
    s = eol == std::string_view::npos ? std::string_view{} : s.substr(eol + 1);
    std::size_t next = s.find("\n@@ ");
    const std::string_view body = s.substr(0, next);
    s = next == std::string_view::npos ? std::string_view{} : s.substr(next + 1);
    if (!name.empty() && name[0] == '-') parts.erase(name.substr(1));
    else if (!name.empty() && name.size() < 256) parts[name] = std::string(body);
  }
  return parts;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::MemFile file("xlsx");
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.substr(0, 2) == "PK") {
    fuzz::read_all(file.write(data, size));
  } else {
    const std::string zip = zip_of(parts_of(input));
    fuzz::read_all(file.write(zip.data(), zip.size()));
  }
  return 0;
}
