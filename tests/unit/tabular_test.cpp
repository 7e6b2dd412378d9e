// Tabular files (issue 3, import/export): CSV and XLSX rows in, CSV and XLSX out. Every input file
// is made here at run time in a temp directory, except the committed samples in tests/data.
#include "core/tabular.hpp"

#include <gtest/gtest.h>
#include <iconv.h>
#include <stdlib.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using sdelka::tabular::CsvWriter;
using sdelka::tabular::open_rows;
using sdelka::tabular::ReadError;
using sdelka::tabular::ReadOptions;
using sdelka::tabular::RowReader;
using sdelka::tabular::XlsxWriter;
using Rows = std::vector<std::vector<std::string>>;
namespace fs = std::filesystem;

// UTF-8 text in another encoding, by iconv.
std::string encode(const std::string& utf8, const char* to) {
  iconv_t cd = iconv_open(to, "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) throw std::runtime_error("iconv_open");
  std::string out(utf8.size() * 4 + 16, '\0');
  char* src = const_cast<char*>(utf8.data());
  std::size_t left = utf8.size();
  char* dst = out.data();
  std::size_t room = out.size();
  const std::size_t rc = iconv(cd, &src, &left, &dst, &room);
  iconv_close(cd);
  if (rc == static_cast<std::size_t>(-1)) throw std::runtime_error("iconv");
  out.resize(out.size() - room);
  return out;
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Read {
  Rows rows;
  std::vector<std::size_t> numbers;
  std::string error;
};

Read read_all(RowReader& reader) {
  Read r;
  std::vector<std::string> row;
  while (reader.next(row)) {
    r.rows.push_back(row);
    r.numbers.push_back(reader.row_number());
  }
  r.error = reader.error();
  return r;
}

class Tabular : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "sdelka-tabular-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string file(const std::string& name, const std::string& bytes) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // Opens `p`, failing the test when it does not open.
  std::unique_ptr<RowReader> open(const std::string& p) {
    std::string error;
    auto reader = open_rows(p, error);
    EXPECT_NE(reader, nullptr) << error;
    EXPECT_EQ(error, "");
    return reader;
  }
  // The error of opening `p`, which must fail.
  static std::string open_error(const std::string& p) {
    std::string error;
    auto reader = open_rows(p, error);
    EXPECT_EQ(reader, nullptr);
    return error;
  }

  fs::path dir_;
};

// ---------------------------------------------------------------------------------------------
// CSV reading

TEST_F(Tabular, Windows1251SemicolonWithQuotedFields) {
  const std::string text =
      "Название;ИНН;Комментарий\r\n"
      "\"ООО \"\"Ромашка\"\"; филиал\";7728456120;\"первая строка\r\nвторая строка\"\r\n"
      "ИП Ёлкин;500100732259;«кавычки» и №5\r\n";
  const std::string p = file("cp1251.csv", encode(text, "WINDOWS-1251"));
  auto reader = open(p);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->format(), "csv");
  EXPECT_EQ(reader->encoding(), "windows-1251");
  EXPECT_EQ(reader->delimiter(), ';');
  const Read r = read_all(*reader);
  EXPECT_EQ(r.error, "");
  const Rows expected = {
      {"Название", "ИНН", "Комментарий"},
      {"ООО \"Ромашка\"; филиал", "7728456120", "первая строка\r\nвторая строка"},
      {"ИП Ёлкин", "500100732259", "«кавычки» и №5"},
  };
  EXPECT_EQ(r.rows, expected);
  EXPECT_EQ(r.numbers, (std::vector<std::size_t>{1, 2, 3}));
  EXPECT_DOUBLE_EQ(reader->progress(), 1.0);
}

TEST_F(Tabular, Utf8WithBomAndComma) {
  const std::string p = file("bom.csv", "\xEF\xBB\xBFИмя,Телефон,E-mail\n\"Петров, Пётр\",+7 916 123-45-67,p@example.ru\n");
  auto reader = open(p);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->encoding(), "UTF-8");
  EXPECT_EQ(reader->delimiter(), ',');
  const Read r = read_all(*reader);
  EXPECT_EQ(r.rows, (Rows{{"Имя", "Телефон", "E-mail"}, {"Петров, Пётр", "+7 916 123-45-67", "p@example.ru"}}));
}

TEST_F(Tabular, Utf8WithoutBomAndTab) {
  auto reader = open(file("tab.tsv", "Имя\tГород\nАнна\tКазань\n"));
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->encoding(), "UTF-8");
  EXPECT_EQ(reader->delimiter(), '\t');
  EXPECT_EQ(read_all(*reader).rows, (Rows{{"Имя", "Город"}, {"Анна", "Казань"}}));
}

TEST_F(Tabular, Utf16LittleEndianAsExcelUnicodeText) {
  const std::string p = file("u16.txt", "\xFF\xFE" + encode("Имя\tИНН\r\nАнна\t7728456120\r\n", "UTF-16LE"));
  auto reader = open(p);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->encoding(), "UTF-16LE");
  EXPECT_EQ(reader->delimiter(), '\t');
  EXPECT_EQ(read_all(*reader).rows, (Rows{{"Имя", "ИНН"}, {"Анна", "7728456120"}}));
}

TEST_F(Tabular, AsciiOnlyIsUtf8) {
  auto reader = open(file("ascii.csv", "a;b\n1;2\n"));
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->encoding(), "UTF-8");
  EXPECT_EQ(read_all(*reader).rows, (Rows{{"a", "b"}, {"1", "2"}}));
}

TEST_F(Tabular, ShortWindows1251UchardetCannotNameFallsBackTo1251) {
  auto reader = open(file("short.csv", encode("Имя\nЁж\n", "WINDOWS-1251")));
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->encoding(), "windows-1251");
  EXPECT_EQ(read_all(*reader).rows, (Rows{{"Имя"}, {"Ёж"}}));
}

// uchardet alone calls a 1251 file with one stray 0x98 byte MacCyrillic; the capitals decide.
TEST_F(Tabular, Windows1251WithAStrayByteIsNotMacCyrillic) {
  const std::string text = "Название;Город\r\nООО «Ромашка»;Москва\r\nАО Север;Тула\r\n";
  const std::string error = open_error(file("stray.csv", encode(text, "WINDOWS-1251") + "\x98;x\r\n"));
  EXPECT_NE(error.find("windows-1251"), std::string::npos) << error;
  auto reader = open(file("mac.csv", encode(text, "MAC-CYRILLIC")));
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->encoding(), "mac-cyrillic");
  EXPECT_EQ(read_all(*reader).rows[1][0], "ООО «Ромашка»");
}

TEST_F(Tabular, EncodingAndDelimiterGivenByTheCaller) {
  const std::string p = file("koi.csv", encode("Имя|Город\nАнна|Тула\n", "KOI8-R"));
  std::string error;
  sdelka::tabular::ReadOptions options;
  options.encoding = "koi8-r";
  options.delimiter = '|';
  auto reader = open_rows(p, error, options);
  ASSERT_NE(reader, nullptr) << error;
  EXPECT_EQ(reader->encoding(), "koi8-r");
  EXPECT_EQ(reader->delimiter(), '|');
  EXPECT_EQ(read_all(*reader).rows, (Rows{{"Имя", "Город"}, {"Анна", "Тула"}}));
  options.encoding = "no-such-encoding";
  EXPECT_EQ(open_rows(p, error, options), nullptr);
  EXPECT_NE(error.find("not supported"), std::string::npos) << error;
  options = {};
  options.delimiter = '"';
  EXPECT_EQ(open_rows(p, error, options), nullptr);
}

TEST_F(Tabular, DelimiterCountsOnlyOutsideQuotesOnTheFirstLine) {
  auto reader = open(file("q.csv", "\"a,b,c,d\";e;f\n1,2,3;4;5\n"));
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->delimiter(), ';');
  EXPECT_EQ(read_all(*reader).rows, (Rows{{"a,b,c,d", "e", "f"}, {"1,2,3", "4", "5"}}));
}

TEST_F(Tabular, ExcelSepHintLine) {
  auto reader = open(file("sep.csv", "sep=,\r\nИмя;фамилия,Город\r\nАнна,Тула\r\n"));
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->delimiter(), ',');
  const Read r = read_all(*reader);
  EXPECT_EQ(r.rows, (Rows{{"Имя;фамилия", "Город"}, {"Анна", "Тула"}}));
  EXPECT_EQ(r.numbers, (std::vector<std::size_t>{1, 2}));
}

TEST_F(Tabular, RaggedRowsAsTheyAreBlankRowsSkippedButCounted) {
  const std::string p = file("ragged.csv",
                             "Имя;ИНН;Телефон\r\n"
                             "Анна;7728456120\r\n"
                             "\r\n"
                             ";;\r\n"
                             "Борис;6671048298;+7 343 200-11-22;лишнее\r\n"
                             "Вера;;\r\n"
                             "Глеб");
  auto reader = open(p);
  ASSERT_NE(reader, nullptr);
  const Read r = read_all(*reader);
  EXPECT_EQ(r.error, "");
  const Rows expected = {{"Имя", "ИНН", "Телефон"},
                         {"Анна", "7728456120"},
                         {"Борис", "6671048298", "+7 343 200-11-22", "лишнее"},
                         {"Вера", "", ""},
                         {"Глеб"}};
  EXPECT_EQ(r.rows, expected);
  EXPECT_EQ(r.numbers, (std::vector<std::size_t>{1, 2, 5, 6, 7}));
}

TEST_F(Tabular, LineEndsLfCrAndSpacesAndStrayQuotesKept) {
  auto reader = open(file("ends.csv", "a;b\n x ; ООО \"Ромашка\" \rc;d\n"));
  ASSERT_NE(reader, nullptr);
  const Read r = read_all(*reader);
  EXPECT_EQ(r.rows, (Rows{{"a", "b"}, {" x ", " ООО \"Ромашка\" "}, {"c", "d"}}));
  EXPECT_EQ(r.numbers, (std::vector<std::size_t>{1, 2, 3}));
}

TEST_F(Tabular, EmptyMissingAndDirectoryAreErrors) {
  EXPECT_NE(open_error(file("empty.csv", "")).find("is empty"), std::string::npos);
  EXPECT_NE(open_error(path("no-such.csv")).find("cannot open"), std::string::npos);
  EXPECT_NE(open_error(dir_.string()).find("directory"), std::string::npos);
  EXPECT_NE(open_error(file("bom-only.csv", "\xEF\xBB\xBF")).find("no rows"), std::string::npos);
}

TEST_F(Tabular, BinaryJunkIsNotATable) {
  std::string junk = "\x89PNG\r\n\x1A\n";
  std::uint32_t x = 12345;
  for (int i = 0; i < 5000; ++i) {
    x = x * 1103515245u + 12345u;
    junk += static_cast<char>(x >> 24);
  }
  EXPECT_NE(open_error(file("junk.bin", junk)).find("not a table"), std::string::npos);
  EXPECT_NE(open_error(file("old.xls", std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(600, '\0')))
                .find(".xls"),
            std::string::npos);
  EXPECT_NE(open_error(file("page.xls", "<html><body><table><tr><td>1</td></tr></table></body></html>")).find("HTML"),
            std::string::npos);
}

TEST_F(Tabular, UndecodableBytesAtOpen) {
  // 0x98 is the one byte windows-1251 leaves undefined.
  const std::string error = open_error(file("bad1251.csv", encode("Имя;Город\nАнна;Тула\n", "WINDOWS-1251") + "\x98\n"));
  EXPECT_NE(error.find("0x98"), std::string::npos) << error;
  EXPECT_NE(error.find("windows-1251"), std::string::npos) << error;
}

TEST_F(Tabular, InvalidUtf8FarIntoTheFileStopsAtItsRow) {
  std::string text = "Имя;Номер\n";
  for (int i = 0; i < 100000; ++i) text += "Строка;" + std::to_string(i) + "\n";  // ~2 MiB, past the sniff window
  text += "Плохая \xFF строка;1\nпосле;2\n";
  auto reader = open(file("late.csv", text));
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->encoding(), "UTF-8");
  const Read r = read_all(*reader);
  EXPECT_EQ(r.rows.size(), 100001u);
  EXPECT_EQ(r.numbers.back(), 100001u);
  EXPECT_NE(r.error.find("row 100002:"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("0xFF"), std::string::npos) << r.error;
}

TEST_F(Tabular, UnclosedQuoteIsAnError) {
  auto reader = open(file("unclosed.csv", "a;b\n1;2\n3;\"open\n4;5\n"));
  ASSERT_NE(reader, nullptr);
  const Read r = read_all(*reader);
  EXPECT_EQ(r.rows, (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_NE(r.error.find("row 3: a quoted field is not closed"), std::string::npos) << r.error;
}

TEST_F(Tabular, NulByteInTheMiddleIsAnError) {
  std::string text = "a;b\n";
  for (int i = 0; i < 20000; ++i) text += "x;y\n";
  text += std::string("z;\0;\n", 5);
  auto reader = open(file("nul.csv", text));
  ASSERT_NE(reader, nullptr);
  const Read r = read_all(*reader);
  EXPECT_EQ(r.rows.size(), 20001u);
  EXPECT_NE(r.error.find("row 20002: a NUL byte"), std::string::npos) << r.error;
}

TEST_F(Tabular, OverlongFieldIsAnError) {
  auto reader = open(file("long.csv", "a;b\n1;\"" + std::string(1100 * 1024, 'x') + "\"\n"));
  ASSERT_NE(reader, nullptr);
  const Read r = read_all(*reader);
  EXPECT_EQ(r.rows.size(), 1u);
  EXPECT_NE(r.error.find("row 2: a field longer than 1 MiB"), std::string::npos) << r.error;
}

// Every error also comes as a code with its row and arguments (the import translates those), and
// its message is the English text error() gives.
TEST_F(Tabular, ReadErrorsCarryACodeRowAndArguments) {
  const auto open_failure = [](const std::string& p) {
    ReadError e;
    EXPECT_EQ(open_rows(p, e), nullptr);
    return e;
  };
  const ReadError empty = open_failure(file("empty.csv", ""));
  EXPECT_EQ(empty.code, "empty");
  EXPECT_EQ(empty.row, 0u);
  EXPECT_EQ(empty.message, open_error(path("empty.csv")));
  EXPECT_EQ(open_failure(path("no-such.csv")).code, "open_failed");
  EXPECT_EQ(open_failure(dir_.string()).code, "is_directory");
  EXPECT_EQ(open_failure(file("bom.csv", "\xEF\xBB\xBF")).code, "bom_only");
  EXPECT_EQ(open_failure(file("junk.bin", std::string("\x89PNG\0\0\x01", 7))).code, "binary");
  EXPECT_EQ(open_failure(file("page.csv", "<html><table></table></html>")).code, "html");
  EXPECT_EQ(open_failure(file("old.xls", std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(600, '\0'))).code,
            "xls");
  EXPECT_EQ(open_failure(file("cut.xlsx", "PK\x03\x04 truncated")).code, "zip");

  const ReadError bad = open_failure(file("bad1251.csv", encode("Имя;Город\nАнна;Тула\n", "WINDOWS-1251") + "\x98\n"));
  EXPECT_EQ(bad.code, "bad_byte");
  EXPECT_EQ(bad.row, 0u);
  EXPECT_EQ(bad.arg("byte"), "0x98");
  EXPECT_EQ(bad.arg("offset"), "20");
  EXPECT_EQ(bad.arg("encoding"), "windows-1251");
  EXPECT_EQ(bad.arg("part"), "");

  ReadOptions options;
  options.encoding = "no-such-encoding";
  ReadError unsupported;
  EXPECT_EQ(open_rows(file("a.csv", "a;b\n"), unsupported, options), nullptr);
  EXPECT_EQ(unsupported.code, "encoding_unsupported");
  EXPECT_EQ(unsupported.arg("encoding"), "no-such-encoding");

  auto reader = open(file("unclosed.csv", "a;b\n1;2\n3;\"open\n4;5\n"));
  ASSERT_NE(reader, nullptr);
  EXPECT_TRUE(reader->failure().empty());
  const Read r = read_all(*reader);
  EXPECT_EQ(reader->failure().code, "unclosed_quote");
  EXPECT_EQ(reader->failure().row, 3u);
  EXPECT_EQ(reader->failure().message, r.error);

  // Past the 1 MiB the encoding is chosen from, a byte that is not UTF-8.
  std::string text = "Имя;Номер\n";
  for (int i = 0; i < 280000; ++i) text += "x;y\n";
  auto late = open(file("late.csv", text + "\xC3\x28;z\n"));
  ASSERT_NE(late, nullptr);
  read_all(*late);
  EXPECT_EQ(late->failure().code, "bad_byte");
  EXPECT_EQ(late->failure().row, 280002u);
  EXPECT_EQ(late->failure().arg("byte"), "0xC3");
  EXPECT_EQ(late->failure().arg("encoding"), "UTF-8");
}

// ---------------------------------------------------------------------------------------------
// CSV writing

TEST_F(Tabular, CsvWriterBytes) {
  std::ostringstream out;
  CsvWriter w(out);
  EXPECT_TRUE(w.add_row({"Название", "ИНН", "Примечание"}));
  EXPECT_TRUE(w.add_row({"ООО \"Ромашка\"", "0012345678", "a;b"}));
  EXPECT_TRUE(w.add_row({"", "две\nстроки", " пробел "}));
  EXPECT_EQ(w.close(), "");
  EXPECT_EQ(w.rows(), 3u);
  EXPECT_EQ(out.str(),
            "\xEF\xBB\xBFНазвание;ИНН;Примечание\r\n"
            "\"ООО \"\"Ромашка\"\"\";0012345678;\"a;b\"\r\n"
            ";\"две\nстроки\"; пробел \r\n");
  EXPECT_FALSE(w.add_row({"late"}));
}

TEST_F(Tabular, CsvWriterCommaQuotesCommas) {
  std::ostringstream out;
  CsvWriter w(out, ',');
  w.add_row({"1,5", "a;b"});
  EXPECT_EQ(w.close(), "");
  EXPECT_EQ(out.str(), "\xEF\xBB\xBF\"1,5\",a;b\r\n");
}

TEST_F(Tabular, CsvRoundTrip) {
  const Rows rows = {{"Название", "ИНН", "Телефон", "Комментарий"},
                     {"ООО \"Ромашка\"", "7728456120", "+7 (495) 123-45-67", "строка 1\r\nстрока 2"},
                     {"АО «Север»; филиал", "0012345678", "", "\"\""},
                     {"ИП Ёлкин", "500100732259", "8 800 000-00-00", " "}};
  const std::string p = path("round.csv");
  {
    CsvWriter w(p);
    for (const auto& r : rows) ASSERT_TRUE(w.add_row(r));
    ASSERT_EQ(w.close(), "");
  }
  const std::string bytes = read_bytes(p);
  const std::string start = "\xEF\xBB\xBFНазвание;ИНН;";
  EXPECT_EQ(bytes.substr(0, start.size()), start);
  EXPECT_EQ(bytes.substr(bytes.size() - 2), "\r\n");
  auto reader = open(p);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->encoding(), "UTF-8");
  EXPECT_EQ(reader->delimiter(), ';');
  const Read r = read_all(*reader);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.rows, rows);
}

TEST_F(Tabular, CsvWriterUnwritablePath) {
  CsvWriter w(path("no-dir/out.csv"));
  EXPECT_FALSE(w.add_row({"a"}));
  EXPECT_NE(w.close().find("cannot create"), std::string::npos);
}

TEST_F(Tabular, Csv200kRowsWriteAndRead) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::string p = path("big.csv");
  {
    CsvWriter w(p);
    w.add_row({"Название", "ИНН", "КПП", "Телефон", "E-mail", "Регион", "Комментарий"});
    std::vector<std::string> row(7);
    for (int i = 0; i < 200000; ++i) {
      row[0] = "ООО \"Компания " + std::to_string(i) + "\"";
      row[1] = std::to_string(7700000000LL + i);
      row[2] = "772801001";
      row[3] = "+7 495 " + std::to_string(1000000 + i);
      row[4] = "client" + std::to_string(i) + "@example.ru";
      row[5] = "Москва";
      row[6] = i % 10 == 0 ? "первая; строка\nвторая" : "";
      ASSERT_TRUE(w.add_row(row));
    }
    ASSERT_EQ(w.close(), "");
  }
  const auto t1 = std::chrono::steady_clock::now();
  auto reader = open(p);
  ASSERT_NE(reader, nullptr);
  std::vector<std::string> row;
  std::size_t rows = 0, bad = 0;
  while (reader->next(row)) {
    ++rows;
    bad += row.size() != 7;
  }
  const auto t2 = std::chrono::steady_clock::now();
  EXPECT_EQ(reader->error(), "");
  EXPECT_EQ(rows, 200001u);
  EXPECT_EQ(bad, 0u);
  EXPECT_EQ(reader->row_number(), 200001u);
  const double read_s = std::chrono::duration<double>(t2 - t1).count();
  std::printf("200001 rows, %.1f MB: write %.3f s, read %.3f s (%.0f rows/s)\n",
              static_cast<double>(fs::file_size(p)) / 1e6, std::chrono::duration<double>(t1 - t0).count(), read_s,
              static_cast<double>(rows) / read_s);
  EXPECT_LT(std::chrono::duration<double>(t2 - t0).count(), 3.0);
}

// ---------------------------------------------------------------------------------------------
// XLSX

TEST_F(Tabular, XlsxRoundTripThroughTheWriter) {
  const Rows rows = {{"Название", "ИНН", "ОГРН", "Телефон", "Комментарий"},
                     {"ООО \"Ромашка\" & <Ко>", "7728456120", "1157746123457", "+74951234567", "две\nстроки"},
                     {"ИП Ёлкин", "500100732259", "", "89161234567", ""},
                     {"", "0012345678", "", "", "только ИНН и это"},
                     {" пробелы ", "", "", "", "", "", "за шапкой"},
                     {std::string("упр\x01" "авляющие\t\x1F"), "_x0041_ как текст", "_x005F_"}};
  const std::string p = path("round.xlsx");
  {
    XlsxWriter w(p, "Компании");
    for (const auto& r : rows) ASSERT_TRUE(w.add_row(r));
    ASSERT_EQ(w.close(), "");
    EXPECT_EQ(w.rows(), 6u);
  }
  auto reader = open(p);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->format(), "xlsx");
  EXPECT_EQ(reader->encoding(), "UTF-8");
  EXPECT_EQ(reader->delimiter(), 0);
  const Read r = read_all(*reader);
  EXPECT_EQ(r.error, "");
  // Rows end at their last non-empty cell.
  const Rows expected = {rows[0],
                         rows[1],
                         {"ИП Ёлкин", "500100732259", "", "89161234567"},
                         {"", "0012345678", "", "", "только ИНН и это"},
                         rows[4],
                         rows[5]};
  EXPECT_EQ(r.rows, expected);
  EXPECT_EQ(r.numbers, (std::vector<std::size_t>{1, 2, 3, 4, 5, 6}));
}

TEST_F(Tabular, XlsxWriterRejectsBadInputAndLeavesNoFile) {
  const std::string p = path("bad.xlsx");
  {
    XlsxWriter w(p);
    EXPECT_TRUE(w.add_row({"a"}));
    EXPECT_FALSE(w.add_row({"\xFF"}));
    EXPECT_FALSE(w.add_row({"b"}));
    EXPECT_NE(w.close().find("row 2, column 1: not valid UTF-8"), std::string::npos);
  }
  EXPECT_FALSE(fs::exists(p));
  XlsxWriter w2(path("long.xlsx"));
  EXPECT_FALSE(w2.add_row({std::string(32768, 'x')}));
  EXPECT_NE(w2.close().find("32767"), std::string::npos);
  XlsxWriter w3(path("name.xlsx"), "bad/name");
  EXPECT_FALSE(w3.add_row({"a"}));
  EXPECT_NE(w3.close().find("sheet name"), std::string::npos);
  XlsxWriter w4(path("no-dir/out.xlsx"));
  EXPECT_TRUE(w4.add_row({"a"}));
  EXPECT_NE(w4.close().find("cannot write"), std::string::npos);
}

TEST_F(Tabular, XlsxManyRowsAcrossSlices) {
  const std::string p = path("many.xlsx");
  {
    XlsxWriter w(p);
    w.add_row({"Номер", "Название", "ИНН"});
    for (int i = 0; i < 30000; ++i) {
      ASSERT_TRUE(w.add_row({std::to_string(i), "Компания «" + std::to_string(i) + "»", std::to_string(7700000000LL + i)}));
    }
    ASSERT_EQ(w.close(), "");
  }
  auto reader = open(p);
  ASSERT_NE(reader, nullptr);
  std::vector<std::string> row;
  int i = -1;
  bool all_match = true;
  while (reader->next(row)) {
    if (i >= 0) {
      all_match = all_match && row == std::vector<std::string>{std::to_string(i), "Компания «" + std::to_string(i) + "»",
                                                               std::to_string(7700000000LL + i)};
    }
    ++i;
  }
  EXPECT_EQ(reader->error(), "");
  EXPECT_EQ(i, 30000);
  EXPECT_TRUE(all_match);
  EXPECT_EQ(reader->row_number(), 30001u);
  EXPECT_DOUBLE_EQ(reader->progress(), 1.0);
}

// Numbers as Excel users store them: ИНН/ОГРН/ОГРНИП typed as numbers, dates, booleans, formulas.
// Written by libxlsxwriter in its default mode, which uses the shared strings table.
TEST_F(Tabular, XlsxNumericCellsComeBackExactly) {
  const std::string p = path("numeric.xlsx");
  {
    lxw_workbook* wb = workbook_new(p.c_str());
    lxw_worksheet* ws = workbook_add_worksheet(wb, "Лист1");
    lxw_worksheet* second = workbook_add_worksheet(wb, "Второй");
    worksheet_write_string(second, 0, 0, "не этот лист", nullptr);
    lxw_format* date = workbook_add_format(wb);
    format_set_num_format(date, "dd.mm.yyyy");
    lxw_format* datetime = workbook_add_format(wb);
    format_set_num_format(datetime, "[$-419]dd.mm.yyyy hh:mm");
    lxw_format* money = workbook_add_format(wb);
    format_set_num_format(money, "#,##0.00\\ \"₽\"");
    lxw_format* elapsed = workbook_add_format(wb);
    format_set_num_format(elapsed, "[h]:mm");
    const char* header[] = {"Название", "ИНН", "ОГРН", "ОГРНИП", "Дата", "Сумма", "Флаг", "Формула", "Мелочь"};
    for (int c = 0; c < 9; ++c) worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), header[c], nullptr);
    worksheet_write_string(ws, 1, 0, "ООО «Ромашка»", nullptr);
    worksheet_write_number(ws, 1, 1, 7728456120, nullptr);
    worksheet_write_number(ws, 1, 2, 1157746123457, nullptr);
    worksheet_write_number(ws, 1, 3, 304500116000157, nullptr);
    worksheet_write_number(ws, 1, 4, 45000, date);
    worksheet_write_number(ws, 1, 5, 1234.5, money);
    worksheet_write_boolean(ws, 1, 6, 1, nullptr);
    worksheet_write_formula_num(ws, 1, 7, "=2+2", nullptr, 4);
    worksheet_write_number(ws, 1, 8, 0.0015, nullptr);
    // Row 3 is empty; row 4 has gaps: only B, E and I.
    worksheet_write_number(ws, 3, 1, 500100732259, nullptr);
    worksheet_write_number(ws, 3, 4, 45000.75, datetime);
    worksheet_write_number(ws, 3, 8, 1e20, nullptr);
    worksheet_write_number(ws, 4, 4, 1.5, elapsed);
    worksheet_write_boolean(ws, 4, 6, 0, nullptr);
    worksheet_write_number(ws, 4, 8, -2.5e-7, nullptr);
    worksheet_write_number(ws, 5, 0, 0.1 + 0.2, nullptr);
    worksheet_write_number(ws, 5, 1, 12345678901234567.0, nullptr);
    worksheet_write_number(ws, 5, 2, 999999999999999, nullptr);
    ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);
  }
  auto reader = open(p);
  ASSERT_NE(reader, nullptr);
  const Read r = read_all(*reader);
  EXPECT_EQ(r.error, "");
  const Rows expected = {
      {"Название", "ИНН", "ОГРН", "ОГРНИП", "Дата", "Сумма", "Флаг", "Формула", "Мелочь"},
      {"ООО «Ромашка»", "7728456120", "1157746123457", "304500116000157", "2023-03-15", "1234.5", "TRUE", "4",
       "0.0015"},
      {"", "500100732259", "", "", "2023-03-15 18:00:00", "", "", "", "100000000000000000000"},
      {"", "", "", "", "1.5", "", "FALSE", "", "-0.00000025"},
      {"0.3", "12345678901234600", "999999999999999"},  // as Excel shows them
  };
  EXPECT_EQ(r.rows, expected);
  EXPECT_EQ(r.numbers, (std::vector<std::size_t>{1, 2, 4, 5, 6}));
}

// A workbook written by hand the way other producers write them: namespace prefixes, rich text with
// phonetic runs, inline strings, _xHHHH_ escapes, cells and rows without references, the 1904 date
// system, error values, a sheet that is not the first part in the archive.
TEST_F(Tabular, XlsxFromAnotherProducer) {
  const std::string p = path("other.xlsx");
  const std::vector<std::pair<std::string, std::string>> parts = {
      {"[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"},
      {"_rels/.rels",
       "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
       "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
       "Target=\"/book/wb.xml\"/></Relationships>"},
      {"book/wb.xml",
       "<?xml version=\"1.0\"?><x:workbook xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
       "xmlns:rel=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
       "<x:workbookPr date1904=\"1\"/><x:sheets><x:sheet name=\"Данные\" sheetId=\"7\" rel:id=\"R9\"/>"
       "<x:sheet name=\"Другой\" sheetId=\"1\" rel:id=\"R1\"/></x:sheets></x:workbook>"},
      {"book/_rels/wb.xml.rels",
       "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
       "<Relationship Id=\"R1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"s/one.xml\"/>"
       "<Relationship Id=\"R9\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"s/../s/nine.xml\"/>"
       "<Relationship Id=\"R3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"strings.xml\"/>"
       "<Relationship Id=\"R4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"st.xml\"/>"
       "</Relationships>"},
      {"book/strings.xml",
       "<?xml version=\"1.0\"?><x:sst xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
       "<x:si><x:t>Название</x:t></x:si>"
       "<x:si><x:r><x:rPr><x:b/></x:rPr><x:t xml:space=\"preserve\">ООО </x:t></x:r><x:r><x:t>«Ромашка»</x:t></x:r>"
       "<x:rPh sb=\"0\" eb=\"1\"><x:t>ромашка</x:t></x:rPh></x:si>"
       "<x:si><x:t>a_x000D__x000A_b_x005F_x0041_</x:t></x:si>"
       "<x:si><x:t xml:space=\"preserve\"> </x:t></x:si>"
       "</x:sst>"},
      {"book/st.xml",
       "<?xml version=\"1.0\"?><styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
       "<numFmts count=\"1\"><numFmt numFmtId=\"170\" formatCode=\"&quot;день&quot;\\ 0\"/></numFmts>"
       "<cellXfs count=\"3\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"170\"/></cellXfs></styleSheet>"},
      {"book/s/one.xml",
       "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
       "<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>не тот лист</t></is></c></row></sheetData></worksheet>"},
      {"book/s/nine.xml",
       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
       "<x:dimension ref=\"A1:D4\"/><x:sheetData>\n"
       "<x:row r=\"1\"><x:c r=\"A1\" t=\"s\"><x:v>0</x:v></x:c><x:c t=\"inlineStr\"><x:is><x:t>ИНН</x:t></x:is></x:c>"
       "<x:c t=\"str\"><x:f>A1</x:f><x:v>Дата</x:v></x:c><x:c t=\"inlineStr\"><x:is><x:t>Прочее</x:t></x:is></x:c></x:row>\n"
       "<x:row><x:c r=\"A2\" t=\"s\"><x:v>1</x:v></x:c><x:c r=\"B2\"><x:v>7.728456120E9</x:v></x:c>"
       "<x:c r=\"C2\" s=\"1\"><x:v>0</x:v></x:c><x:c r=\"D2\" t=\"e\"><x:v>#N/A</x:v></x:c></x:row>\n"
       "<x:row r=\"3\" spans=\"1:4\" ht=\"30\" customHeight=\"1\"/>\n"
       "<x:row r=\"4\"><x:c r=\"a4\" t=\"s\"><x:v>2</x:v></x:c><x:c r=\"B4\" s=\"2\"><x:v>5</x:v></x:c>"
       "<x:c r=\"C4\" s=\"1\"><x:v>366.5</x:v></x:c><x:c r=\"D4\" t=\"s\"><x:v>3</x:v></x:c><x:c r=\"E4\" s=\"1\"/></x:row>\n"
       "</x:sheetData><x:mergeCells count=\"0\"/></x:worksheet>"},
  };
  {
    int code = 0;
    zip_t* z = zip_open(p.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
    ASSERT_NE(z, nullptr);
    for (const auto& [name, text] : parts) {
      zip_source_t* src = zip_source_buffer(z, text.data(), text.size(), 0);
      ASSERT_GE(zip_file_add(z, name.c_str(), src, ZIP_FL_ENC_UTF_8), 0);
    }
    ASSERT_EQ(zip_close(z), 0);
  }
  auto reader = open(p);
  ASSERT_NE(reader, nullptr);
  const Read r = read_all(*reader);
  EXPECT_EQ(r.error, "");
  const Rows expected = {
      {"Название", "ИНН", "Дата", "Прочее"},
      {"ООО «Ромашка»", "7728456120", "1904-01-01", "#N/A"},  // day 0 of the 1904 date system
      {"a\r\nb_x0041_", "5", "1905-01-01 12:00:00", " "},
  };
  EXPECT_EQ(r.rows, expected);
  EXPECT_EQ(r.numbers, (std::vector<std::size_t>{1, 2, 4}));
}

TEST_F(Tabular, ZipThatIsNotAWorkbook) {
  const std::string p = path("notes.zip");
  int code = 0;
  zip_t* z = zip_open(p.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  ASSERT_NE(z, nullptr);
  static const char kText[] = "hello";
  zip_file_add(z, "notes.txt", zip_source_buffer(z, kText, 5, 0), 0);
  ASSERT_EQ(zip_close(z), 0);
  EXPECT_NE(open_error(p).find("not a table"), std::string::npos);
  EXPECT_NE(open_error(file("cut.xlsx", "PK\x03\x04 truncated")).find("ZIP"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// The committed samples (tests/data) for the browser tests.

bool valid_inn10(const std::string& inn) {
  static const int kWeights[9] = {2, 4, 10, 3, 5, 9, 4, 6, 8};
  if (inn.size() != 10 || inn.find_first_not_of("0123456789") != std::string::npos) return false;
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (inn[static_cast<std::size_t>(i)] - '0') * kWeights[i];
  return sum % 11 % 10 == inn[9] - '0';
}

bool valid_ogrn13(const std::string& ogrn) {
  if (ogrn.size() != 13 || ogrn.find_first_not_of("0123456789") != std::string::npos) return false;
  return std::stoll(ogrn.substr(0, 12)) % 11 % 10 == ogrn[12] - '0';
}

Rows read_sample(const std::string& name, std::string& encoding) {
  std::string error;
  auto reader = open_rows(std::string(SDELKA_SOURCE_DIR) + "/tests/data/" + name, error);
  if (!reader) throw std::runtime_error(error);
  encoding = reader->encoding();
  Read r = read_all(*reader);
  if (!r.error.empty()) throw std::runtime_error(r.error);
  return r.rows;
}

TEST(TabularSamples, CsvAndXlsxHoldTheSameCompaniesWithOneBadInn) {
  std::string csv_encoding, xlsx_encoding;
  const Rows csv = read_sample("companies_cp1251.csv", csv_encoding);
  const Rows xlsx = read_sample("companies.xlsx", xlsx_encoding);
  EXPECT_EQ(csv_encoding, "windows-1251");
  EXPECT_EQ(csv, xlsx);
  ASSERT_EQ(csv.size(), 7u);
  EXPECT_EQ(csv[0], (std::vector<std::string>{"Название", "ИНН", "КПП", "ОГРН", "Телефон", "E-mail", "Регион",
                                              "Отрасль", "Сегмент"}));
  int bad_inn = 0;
  for (std::size_t i = 1; i < csv.size(); ++i) {
    ASSERT_EQ(csv[i].size(), 9u) << "row " << i + 1;
    EXPECT_TRUE(valid_ogrn13(csv[i][3])) << csv[i][3];
    EXPECT_EQ(csv[i][2].size(), 9u);
    EXPECT_EQ(csv[i][2].substr(0, 4), csv[i][1].substr(0, 4)) << "КПП and ИНН name the same tax office";
    if (!valid_inn10(csv[i][1])) {
      ++bad_inn;
      EXPECT_EQ(i, 3u) << "the bad row is file row 4";
    }
  }
  EXPECT_EQ(bad_inn, 1);
}

// Rewrites tests/data/companies.xlsx from the CSV sample, ИНН and ОГРН as number cells the way users
// type them into Excel. Run by hand:
//   unit_tabular --gtest_also_run_disabled_tests --gtest_filter='TabularSamples.DISABLED_WriteXlsx'
TEST(TabularSamples, DISABLED_WriteXlsx) {
  std::string encoding;
  const Rows rows = read_sample("companies_cp1251.csv", encoding);
  const std::string out = std::string(SDELKA_SOURCE_DIR) + "/tests/data/companies.xlsx";
  lxw_workbook* wb = workbook_new(out.c_str());
  lxw_doc_properties props{};
  props.created = 1735689600;  // 2025-01-01T00:00:00Z, so the bytes do not depend on the day
  workbook_set_properties(wb, &props);
  lxw_worksheet* ws = workbook_add_worksheet(wb, "Компании");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      const auto row = static_cast<lxw_row_t>(r);
      const auto col = static_cast<lxw_col_t>(c);
      if (r > 0 && (c == 1 || c == 3)) {
        worksheet_write_number(ws, row, col, std::stod(rows[r][c]), nullptr);
      } else {
        worksheet_write_string(ws, row, col, rows[r][c].c_str(), r == 0 ? bold : nullptr);
      }
    }
  }
  worksheet_set_column(ws, 0, 0, 40, nullptr);
  worksheet_set_column(ws, 1, 8, 18, nullptr);
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);
}

}  // namespace
