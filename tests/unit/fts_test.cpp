// Russian search: the FTS5 tokenizer `ru` (store/fts_ru.hpp) on a real SQLite file with a few
// hundred realistic names, and the PostgreSQL expressions of store/search_pg.hpp on a real server
// when SDELKA_TEST_PG_URL names one (tests/unit/with-pg.sh starts a throwaway cluster; without
// it the PostgreSQL tests skip themselves). Expected rows come from an independent oracle: a
// plain Cyrillic/ASCII lower-casing word splitter written here, not the code under test.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>
#include <utf8proc.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"
#include "store/fts_ru.hpp"
#include "store/search_pg.hpp"
#include "store/sqlite.hpp"

namespace fs = std::filesystem;
using namespace sdelka::store;

namespace {

// --- the data set ---------------------------------------------------------------------------

struct Pair {
  const char* m;
  const char* f;
};
const Pair kSurnames[] = {
    {"Иванов", "Иванова"},   {"Петров", "Петрова"},     {"Сидоров", "Сидорова"},   {"Смирнов", "Смирнова"},
    {"Кузнецов", "Кузнецова"}, {"Попов", "Попова"},     {"Васильев", "Васильева"}, {"Соколов", "Соколова"},
    {"Михайлов", "Михайлова"}, {"Новиков", "Новикова"}, {"Фёдоров", "Фёдорова"},   {"Морозов", "Морозова"},
    {"Волков", "Волкова"},   {"Алексеев", "Алексеева"}, {"Лебедев", "Лебедева"},   {"Семёнов", "Семёнова"},
    {"Егоров", "Егорова"},   {"Павлов", "Павлова"},     {"Козлов", "Козлова"},     {"Степанов", "Степанова"},
};
const char* const kMaleNames[] = {"Иван",   "Пётр",   "Сергей",  "Алексей",   "Дмитрий",
                                  "Андрей", "Михаил", "Николай", "Александр", "Владимир"};
const char* const kFemaleNames[] = {"Мария",   "Анна",  "Елена",    "Ольга", "Татьяна",
                                    "Наталья", "Ирина", "Светлана", "Юлия",  "Алёна"};
const Pair kPatronymics[] = {
    {"Иванович", "Ивановна"},         {"Петрович", "Петровна"},       {"Сергеевич", "Сергеевна"},
    {"Алексеевич", "Алексеевна"},     {"Дмитриевич", "Дмитриевна"},   {"Андреевич", "Андреевна"},
    {"Михайлович", "Михайловна"},     {"Николаевич", "Николаевна"},   {"Александрович", "Александровна"},
    {"Владимирович", "Владимировна"},
};
const char* const kForms[] = {"ООО", "АО", "ПАО", "ЗАО"};
const char* const kCompanyNames[] = {
    "Ромашка",        "Василёк",           "Северный ветер",          "Техносервис",   "Стройматериалы",
    "Уральские самоцветы", "Вектор",       "Альфа-Строй",             "Сибирская нефть", "Торговый дом Волга",
    "Медицинский центр Здоровье", "Агрохолдинг Кубань", "Транспортная компания Меридиан",
    "Типография Печатный двор", "Пельменная №1"};
const char* const kCities[] = {"Москва", "Екатеринбург"};

// A 10-digit ИНН of a legal entity with its check digit.
std::string inn10(int region, int inspection, int number) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02d%02d%05d", region % 100, inspection % 100, number % 100000);
  static const int k[] = {2, 4, 10, 3, 5, 9, 4, 6, 8};
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (buf[i] - '0') * k[i];
  return std::string(buf) + static_cast<char>('0' + sum % 11 % 10);
}

// Special rows the assertions name.
const char* const kSpecial[] = {
    "ООО «Клиентская служба», Москва",
    "Отдел по работе с клиентом",
    "Клиенты и партнёры ООО «Вектор»",
    "ИП Клименко Ольга Викторовна",
    "ёлочные игрушки оптом",
    "Магазин «Ёлка»",
    "ООО «ЁЛКИ-ПАЛКИ»",
    "Ёлочный базар на Арбате",
    "ООО «Ель и сосна»",
    "Иванова Мария Ивановна",
    "Ивановский хлебозавод",
    "Иваненко Пётр Сергеевич",
    "Romashka Trading Company",
    "Global Services Ltd",
    "Cafe Near The River",
    "ООО «Связь», тел. +7 (495) 123-45-67",
};

std::vector<std::string> make_rows() {
  std::vector<std::string> rows;
  for (int s = 0; s < 20; ++s) {
    for (int k = 0; k < 10; ++k) {
      const bool male = k % 2 == 0;
      const Pair& p = kPatronymics[(2 * s + k) % 10];
      std::string name = male ? kSurnames[s].m : kSurnames[s].f;
      name += ' ';
      name += male ? kMaleNames[(s + 3 * k) % 10] : kFemaleNames[(s + 7 * k) % 10];
      name += ' ';
      name += male ? p.m : p.f;
      rows.push_back(name);
    }
  }
  int n = 0;
  for (const char* form : kForms) {
    for (const char* company : kCompanyNames) {
      for (int c = 0; c < 2; ++c) {
        ++n;
        rows.push_back(std::string(form) + " «" + company + "», " + kCities[c] + ", ИНН " +
                       inn10(c == 0 ? 77 : 66, 1 + n % 40, 10000 + n * 37));
      }
    }
  }
  for (const char* s : kSpecial) rows.push_back(s);
  return rows;
}

// --- the oracle: a small independent folder for the Cyrillic and ASCII of the data -------------

std::vector<std::u32string> oracle_words(std::string_view s) {
  std::vector<std::u32string> out;
  std::u32string cur;
  std::size_t i = 0;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(cur);
    cur.clear();
  };
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    char32_t cp;
    if (c < 0x80) {
      cp = c;
      i += 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = ((c & 0x1F) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3F);
      i += 2;
    } else {
      cp = ((c & 0x0F) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3F) << 6) |
           (static_cast<unsigned char>(s[i + 2]) & 0x3F);
      i += 3;
    }
    if (cp >= U'А' && cp <= U'Я') cp += 0x20;
    if (cp == U'Ё' || cp == U'ё') cp = U'е';
    if (cp >= U'A' && cp <= U'Z') cp += 0x20;
    const bool word = (cp >= U'а' && cp <= U'я') || cp == U'е' || (cp >= U'a' && cp <= U'z') || (cp >= U'0' && cp <= U'9');
    if (word) cur += cp;
    else flush();
  }
  flush();
  return out;
}

std::u32string u32(std::string_view s) {
  auto w = oracle_words(s);
  return w.empty() ? std::u32string{} : w.front();
}

using Ids = std::set<std::int64_t>;

// Row ids (1-based, the insertion order) of rows with a word satisfying pred.
Ids oracle(const std::vector<std::string>& rows, const std::function<bool(const std::u32string&)>& pred) {
  Ids out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (const auto& w : oracle_words(rows[i])) {
      if (pred(w)) {
        out.insert(static_cast<std::int64_t>(i + 1));
        break;
      }
    }
  }
  return out;
}

auto starts_with(std::string_view prefix) {
  return [p = u32(prefix)](const std::u32string& w) { return w.compare(0, p.size(), p) == 0; };
}
auto equals(std::string_view word) {
  return [p = u32(word)](const std::u32string& w) { return w == p; };
}

std::int64_t row_of(const std::vector<std::string>& rows, std::string_view text) {
  auto it = std::find(rows.begin(), rows.end(), text);
  return it == rows.end() ? -1 : static_cast<std::int64_t>(it - rows.begin() + 1);
}

// --- words, tokens and the query builder ------------------------------------------------------

TEST(FtsWords, SplitsAndFolds) {
  EXPECT_EQ(fts_ru_words("ООО «Ёлочные-Игрушки», ИНН 7707083893; тел. +7 (495) 123-45-67"),
            (std::vector<std::string>{"ооо", "елочные", "игрушки", "инн", "7707083893", "тел", "7", "495", "123",
                                      "45", "67"}));
  EXPECT_EQ(fts_ru_words("Петров-Водкин, ivan.petrov@mail.ru"),
            (std::vector<std::string>{"петров", "водкин", "ivan", "petrov", "mail", "ru"}));
  EXPECT_EQ(fts_ru_words("Компания_2Гис  TEST"), (std::vector<std::string>{"компания", "2гис", "test"}));
  EXPECT_TRUE(fts_ru_words("").empty());
  EXPECT_TRUE(fts_ru_words(" \t\n«»—…!?*\"()").empty());
  EXPECT_EQ(fts_ru_words("раз два три четыре", 2), (std::vector<std::string>{"раз", "два"}));
}

// ASCII and the basic Cyrillic block are folded without utf8proc: every letter and digit below
// U+0480 must fold as utf8proc folds it (lower case, ё → е).
TEST(FtsWords, InlineFoldingAgreesWithUtf8proc) {
  auto utf8 = [](utf8proc_int32_t cp) {
    utf8proc_uint8_t buf[4];
    const auto len = utf8proc_encode_char(cp, buf);
    return std::string(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(len));
  };
  int words = 0;
  for (utf8proc_int32_t cp = 1; cp < 0x0480; ++cp) {
    const auto cat = utf8proc_category(cp);
    if (cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_ME || cat == UTF8PROC_CATEGORY_MC) continue;  // marks: NFC
    auto got = fts_ru_words("x" + utf8(cp) + utf8(cp));
    if (got != std::vector<std::string>{"x"}) {  // else not a word character
      utf8proc_int32_t low = utf8proc_tolower(cp);
      if (low == 0x0451) low = 0x0435;
      EXPECT_EQ(got, std::vector<std::string>{"x" + utf8(low) + utf8(low)}) << "U+" << std::hex << cp;
      ++words;
    }
  }
  EXPECT_GT(words, 62 + 10 + 96);  // at least the Latin and Cyrillic letters and the digits
}

TEST(FtsWords, NormalisesCombiningMarksSoftHyphensAndBadBytes) {
  // Decomposed Ё (Е + U+0308) and Й (И + U+0306), a stress accent, a soft hyphen.
  EXPECT_EQ(fts_ru_words("\xD0\x95\xCC\x88лка"), std::vector<std::string>{"елка"});
  EXPECT_EQ(fts_ru_words("\xD0\x98\xCC\x86ошкар-Ола"), (std::vector<std::string>{"йошкар", "ола"}));
  EXPECT_EQ(fts_ru_words("аку\xCC\x81ла"), std::vector<std::string>{"акула"});
  EXPECT_EQ(fts_ru_words("Ива\xC2\xADнов"), std::vector<std::string>{"иванов"});
  // Invalid UTF-8 separates words and never reaches the output.
  EXPECT_EQ(fts_ru_words("ab\xFF\xFE" "cd\xD0"), (std::vector<std::string>{"ab", "cd"}));
  // A lone combining mark is not a word.
  EXPECT_TRUE(fts_ru_words("\xCC\x81 \xCC\x88").empty());
}

TEST(FtsTokens, StemPlusColocatedFoldedWord) {
  const std::string text = "Клиентами ИНН 7707083893 Companies";
  const auto t = fts_ru_document_tokens(text);
  ASSERT_EQ(t.size(), 8u);
  EXPECT_EQ(t[0], (FtsToken{"клиент", false, 0, 18}));
  EXPECT_EQ(t[1], (FtsToken{"=клиентами", true, 0, 18}));
  EXPECT_EQ(t[2].text, "ин");
  EXPECT_EQ(t[3].text, "=инн");
  EXPECT_EQ(t[4], (FtsToken{"7707083893", false, 26, 36}));
  EXPECT_EQ(t[5], (FtsToken{"=7707083893", true, 26, 36}));
  EXPECT_EQ(t[6].text, "compani");  // English stemmer for Latin words
  EXPECT_EQ(t[7].text, "=companies");
  EXPECT_EQ(text.substr(static_cast<std::size_t>(t[6].begin), static_cast<std::size_t>(t[6].end - t[6].begin)),
            "Companies");
  // Surnames the stemmer mangles keep their typed form next to the stem; ё is е in both.
  const auto s = fts_ru_document_tokens("Иванов Ёлкин");
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].text, "иван");
  EXPECT_EQ(s[1].text, "=иванов");
  EXPECT_EQ(s[3].text, "=елкин");
}

TEST(FtsQuery, BuildsQuotedTerms) {
  EXPECT_EQ(fts_query_ru("клиентами"), R"(("клиентами"* OR "=клиентами"*))");
  EXPECT_EQ(fts_query_ru("  Иванов   Ив "), R"("иванов" AND ("ив" OR "=ив"*))");
  EXPECT_EQ(fts_query_ru("Ёлка"), fts_query_ru("елка"));
  EXPECT_EQ(fts_query_ru("7707083893"), R"("7707083893")");
  EXPECT_EQ(fts_query_ru("ИНН 7707083893"), R"("инн" AND "7707083893")");
}

TEST(FtsQuery, EmptyWhenNothingSearchable) {
  EXPECT_EQ(fts_query_ru(""), "");
  EXPECT_EQ(fts_query_ru("   \t\r\n "), "");
  EXPECT_EQ(fts_query_ru("\"*^:()-+«»…—"), "");
  EXPECT_EQ(fts_query_ru("\xFF\xFE"), "");
}

TEST(FtsQuery, NoSyntaxGetsThrough) {
  EXPECT_EQ(fts_query_ru("name:Иван"), R"("name" AND ("иван" OR "=иван"*))");
  EXPECT_EQ(fts_query_ru("NEAR(a b)"), R"("near" AND "a" AND ("b" OR "=b"*))");
  EXPECT_EQ(fts_query_ru("\"Иван\" OR"), R"("иван" AND ("or" OR "=or"*))");
  EXPECT_EQ(fts_query_ru("-Иван*"), fts_query_ru("Иван"));
  EXPECT_EQ(fts_query_ru("^Иван"), fts_query_ru("Иван"));
  EXPECT_EQ(fts_query_ru("=Иван"), fts_query_ru("Иван"));  // the word marker cannot be typed
  // At most kMaxSearchWords words.
  std::string many;
  for (int i = 0; i < 30; ++i) many += "слово ";
  const std::string q = fts_query_ru(many);
  EXPECT_EQ(static_cast<std::size_t>(std::count(q.begin(), q.end(), '"')), 2 * (kMaxSearchWords - 1) + 4);
}

TEST(FtsQuery, LastWordMatch) {
  EXPECT_EQ(last_word_match("7707083893"), LastWordMatch::exact);
  EXPECT_EQ(last_word_match("клиентами"), LastWordMatch::stem_prefix);  // клиент
  EXPECT_EQ(last_word_match("иванов"), LastWordMatch::word_prefix);     // иван: too short
  EXPECT_EQ(last_word_match("иван"), LastWordMatch::word_prefix);
  EXPECT_EQ(last_word_match("2гис"), LastWordMatch::word_prefix);
}

TEST(FtsQuery, PostgresParameters) {
  const auto q = pg_search::query("ООО  «Клиентами»");
  EXPECT_EQ(q.words, (std::vector<std::string>{"ооо", "клиентами"}));
  EXPECT_EQ(q.match_params(), (Params{std::string("'ооо':A"), std::string("'клиентами':*A"), std::string("'клиентами':*B")}));
  EXPECT_EQ(q.fuzzy, "ооо клиентами");
  EXPECT_EQ(q.like_prefix, "ооо клиентами%");
  const auto ivan = pg_search::query("Иван");
  EXPECT_EQ(ivan.match_params(), (Params{std::string(), std::string("'иван':A"), std::string("'иван':*B")}));
  const auto inn = pg_search::query("ИНН: 7707083893");
  EXPECT_EQ(inn.match_params(), (Params{std::string("'инн':A"), std::string("'7707083893':A"), std::string("'7707083893':B")}));
  // Nothing of tsquery or LIKE syntax survives.
  const auto evil = pg_search::query("' | ! & :* % _ \\ <-> (x)");
  EXPECT_EQ(evil.words, std::vector<std::string>{"x"});
  EXPECT_TRUE(pg_search::query(" %_'\"").empty());
  EXPECT_EQ(pg_search::ddl("t", "name").size(), 5u);
}

// --- SQLite ----------------------------------------------------------------------------------

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};

class FtsSqlite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("sdelka_fts_test_" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    fs::create_directories(*dir_);
    rows_ = new std::vector<std::string>(make_rows());
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open_v2((*dir_ / "fts.db").c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr),
              SQLITE_OK);
    db_ = raw;
    register_fts_ru(db_);
    exec("CREATE VIRTUAL TABLE t USING fts5(name, tokenize='ru')");
    exec("BEGIN");
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db_, "INSERT INTO t(rowid, name) VALUES (?1, ?2)", -1, &st, nullptr), SQLITE_OK);
    for (std::size_t i = 0; i < rows_->size(); ++i) {
      sqlite3_bind_int64(st, 1, static_cast<sqlite3_int64>(i + 1));
      sqlite3_bind_text(st, 2, (*rows_)[i].c_str(), -1, SQLITE_STATIC);
      ASSERT_EQ(sqlite3_step(st), SQLITE_DONE) << sqlite3_errmsg(db_);
      sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    exec("COMMIT");
  }
  static void TearDownTestSuite() {
    sqlite3_close_v2(db_);
    db_ = nullptr;
    fs::remove_all(*dir_);
    delete dir_;
    delete rows_;
  }

  static void exec(const char* sql) {
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db_, sql, nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "") << " in " << sql;
  }

  // Runs `t MATCH expr`; fails the test on an SQLite error.
  static Ids match_expr(const std::string& expr) {
    Ids out;
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, "SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rank", -1, &st, nullptr),
              SQLITE_OK);
    sqlite3_bind_text(st, 1, expr.c_str(), -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) out.insert(sqlite3_column_int64(st, 0));
    EXPECT_EQ(rc, SQLITE_DONE) << sqlite3_errmsg(db_) << " for " << expr;
    sqlite3_finalize(st);
    return out;
  }
  // What the search box would find for `typed`.
  static Ids search(std::string_view typed) {
    const std::string expr = fts_query_ru(typed);
    if (expr.empty()) return {};
    return match_expr(expr);
  }
  static std::int64_t row(std::string_view text) { return row_of(*rows_, text); }

  static inline fs::path* dir_ = nullptr;
  static inline std::vector<std::string>* rows_ = nullptr;
  static inline sqlite3* db_ = nullptr;
};

TEST_F(FtsSqlite, DataSetIsRealistic) {
  EXPECT_GE(rows_->size(), 300u);
  EXPECT_GT(row("Иванов Иван Иванович"), 0);
  EXPECT_GT(row("ООО «Ромашка», Москва, ИНН " + inn10(77, 2, 10037)), 0);
}

TEST_F(FtsSqlite, WordFormsFindEachOther) {
  const Ids r = search("клиентами");
  EXPECT_TRUE(r.count(row("ООО «Клиентская служба», Москва"))) << "клиентами → Клиентская (stem prefix)";
  EXPECT_TRUE(r.count(row("Отдел по работе с клиентом"))) << "клиентами → клиентом";
  EXPECT_TRUE(r.count(row("Клиенты и партнёры ООО «Вектор»")));
  EXPECT_FALSE(r.count(row("ИП Клименко Ольга Викторовна")));
  EXPECT_EQ(r, oracle(*rows_, starts_with("клиент")));
  // Not the last word: forms only, no prefix ("клиентская" is another stem).
  const Ids full = search("клиентами отдел");
  EXPECT_EQ(full, Ids{row("Отдел по работе с клиентом")});
  // Latin words through the English stemmer.
  EXPECT_EQ(search("companies"), Ids{row("Romashka Trading Company")});
  EXPECT_EQ(search("service"), Ids{row("Global Services Ltd")});
}

TEST_F(FtsSqlite, NamesByPrefixAsTyped) {
  // «Иван» finds Иван, Иванов(а), Иванович, Ивановна, Ивановский, Иваненко: every word starting so.
  const Ids ivan = search("Иван");
  EXPECT_TRUE(ivan.count(row("Иванов Иван Иванович")));
  EXPECT_TRUE(ivan.count(row("Иваненко Пётр Сергеевич")));
  EXPECT_EQ(ivan, oracle(*rows_, starts_with("иван")));
  // «Иванов»: the stem "иван" is too short to be a prefix, so no Иваненко, and no row that only
  // has the first name Иван (stem "ива").
  const Ids ivanov = search("Иванов");
  EXPECT_EQ(ivanov, oracle(*rows_, starts_with("иванов")));
  EXPECT_FALSE(ivanov.count(row("Иваненко Пётр Сергеевич")));
  // Partial surnames while typing.
  EXPECT_EQ(search("Кузн"), oracle(*rows_, starts_with("кузн")));
  EXPECT_EQ(search("семен"), oracle(*rows_, starts_with("семен")));  // Семёнов, Семёнова
  // Surname and a first-name prefix.
  const Ids two = search("Иванов Ив");
  EXPECT_TRUE(two.count(row("Иванов Иван Иванович")));
  for (auto id : two) {
    const auto words = oracle_words((*rows_)[static_cast<std::size_t>(id - 1)]);
    EXPECT_TRUE(std::any_of(words.begin(), words.end(), equals("иванов"))) << (*rows_)[static_cast<std::size_t>(id - 1)];
  }
}

TEST_F(FtsSqlite, YoIsYe) {
  const Ids e = search("елка");
  EXPECT_EQ(e, search("ёлка"));
  EXPECT_EQ(e, search("ЁЛКА"));
  EXPECT_TRUE(e.count(row("Магазин «Ёлка»")));
  EXPECT_TRUE(e.count(row("ООО «ЁЛКИ-ПАЛКИ»"))) << "a form of ёлка";
  EXPECT_FALSE(e.count(row("ООО «Ель и сосна»")));
  const Ids toys = search("елочные");
  EXPECT_TRUE(toys.count(row("ёлочные игрушки оптом")));
  EXPECT_TRUE(toys.count(row("Ёлочный базар на Арбате")));
  EXPECT_EQ(search("Федоров"), search("Фёдоров"));
  EXPECT_FALSE(search("Федоров").empty());
}

TEST_F(FtsSqlite, DigitsMatchExactly) {
  const std::string inn = inn10(77, 2, 10037);
  const Ids r = search(inn);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(*r.begin(), row("ООО «Ромашка», Москва, ИНН " + inn));
  EXPECT_EQ(search("ИНН " + inn), r);
  EXPECT_TRUE(search(inn.substr(0, 6)).empty()) << "no prefix on numbers";
  EXPECT_EQ(search(inn + "0").size(), 0u);
  // Phone digits as typed in another format.
  EXPECT_EQ(search("495 123-45-67"), Ids{row("ООО «Связь», тел. +7 (495) 123-45-67")});
  EXPECT_EQ(search("(495)123 45 67"), Ids{row("ООО «Связь», тел. +7 (495) 123-45-67")});
}

TEST_F(FtsSqlite, SyntaxInInputIsHarmless) {
  const Ids ivan = search("Иван");
  for (const char* typed : {"\"Иван\"", "Иван*", "*Иван", "-Иван", "Иван-", "(Иван)", "Иван)", "(Иван", "^Иван",
                            "\"Иван", "Иван\"", "+Иван", ":Иван", "{Иван}", "Иван;", "Иван'"}) {
    EXPECT_EQ(search(typed), ivan) << typed;
  }
  // Column filters and operators are words, not syntax: nothing matches these.
  for (const char* typed : {"name:Иван", "name : Иван", "NEAR(Иванов Иван)", "Иван AND", "Иван OR Петров",
                            "NOT Иван", "Иван NOT", "AND", "OR", "NOT", "\"\"\"", "Иван\" OR \"Петров",
                            "t MATCH 'x'", "'; DROP TABLE t; --"}) {
    const std::string expr = fts_query_ru(typed);
    const Ids r = expr.empty() ? Ids{} : match_expr(expr);
    EXPECT_TRUE(r.empty()) << typed << " → " << expr;
  }
  // The keyword NEAR is an ordinary word.
  EXPECT_EQ(search("NEAR"), Ids{row("Cafe Near The River")});
  EXPECT_EQ(search("near the"), Ids{row("Cafe Near The River")});
  // Empty input: no query at all.
  EXPECT_EQ(fts_query_ru("   "), "");
  EXPECT_EQ(fts_query_ru("\"*()-:^"), "");
  // The table is intact.
  EXPECT_EQ(match_expr(fts_query_ru("Иван")), ivan);
}

TEST_F(FtsSqlite, RandomInputNeverBreaksTheQuery) {
  // Deterministic random strings of syntax characters, words, digits, marks and bad bytes.
  using namespace std::string_view_literals;
  const std::string_view pieces[] = {"\""sv, "*"sv, "("sv, ")"sv, "-"sv, ":"sv, "^"sv, "+"sv, "NEAR"sv, "AND"sv,
                                     "OR"sv, "NOT"sv, " "sv, "  "sv, "Иван"sv, "ёлка"sv, "ООО"sv, "клиентами"sv,
                                     "7707"sv, "="sv, "'"sv, "\xCC\x81"sv, "\xC2\xAD"sv, "\xFF"sv, "\xD0"sv, "a"sv,
                                     "Z"sv, "{"sv, "}"sv, ","sv, "\t"sv, "\n"sv, "\0"sv, "«"sv, "»"sv, "№"sv};
  std::uint32_t state = 12345;
  auto next = [&] {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  };
  for (int i = 0; i < 2000; ++i) {
    std::string typed;
    const int n = static_cast<int>(next() % 10);
    for (int k = 0; k < n; ++k) typed += pieces[next() % std::size(pieces)];
    const std::string expr = fts_query_ru(typed);
    if (expr.empty()) continue;
    match_expr(expr);  // fails the test on any FTS5 error
    const auto tokens = fts_ru_document_tokens(typed);
    for (const auto& t : tokens) {
      ASSERT_FALSE(t.text.empty());
      ASSERT_LE(t.end, static_cast<int>(typed.size()));
      ASSERT_LT(t.begin, t.end);
    }
  }
}

TEST_F(FtsSqlite, HighlightUsesTheOriginalText) {
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db_, "SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH ?1 AND rowid = ?2", -1, &st,
                               nullptr),
            SQLITE_OK);
  const std::string expr = fts_query_ru("клиентами");
  sqlite3_bind_text(st, 1, expr.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, row("ООО «Клиентская служба», Москва"));
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "ООО «[Клиентская] служба», Москва");
  sqlite3_finalize(st);
}

TEST_F(FtsSqlite, RawMatchStringsUseTheSameTokenizer) {
  // Developers' own MATCH strings: barewords are word forms, "=w"* folded-word prefixes.
  EXPECT_EQ(match_expr("клиентом"), match_expr("\"клиенты\""));
  EXPECT_EQ(match_expr("\"=иван\"*"), oracle(*rows_, starts_with("иван")));
  EXPECT_EQ(match_expr("\"=иванова\""), oracle(*rows_, equals("иванова")));
}

// The characters of a UTF-8 string, one string each.
std::vector<std::string> utf8_chars(const std::string& s) {
  std::vector<std::string> out;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80 || out.empty()) out.emplace_back();
    out.back() += static_cast<char>(c);
  }
  return out;
}

// The newest-first walk: the broad expression finds a superset of the exact one, and the rows
// of it that FtsPlan::matches() keeps are exactly the rows the exact expression finds — for
// every word of the data set typed whole and cut to 3..9 letters, alone and after another word.
TEST_F(FtsSqlite, PlanBroadFiltersToTheExactRows) {
  EXPECT_EQ(fts_plan_ru("Сервис").broad, R"(("серви"* OR "=серв"*))");
  EXPECT_EQ(fts_plan_ru("Серв").broad, "") << "nothing longer than an indexed prefix";
  EXPECT_EQ(fts_plan_ru("ооо Клиентами").broad, R"("ооо" AND ("клиен"* OR "=клие"*))");
  std::set<std::string> inputs;
  for (const auto& r : *rows_) {
    const auto words = fts_ru_words(r);
    for (std::size_t i = 0; i < words.size(); ++i) {
      const auto chars = utf8_chars(words[i]);
      for (std::size_t n = 3; n <= 9 && n <= chars.size(); ++n) {
        std::string cut;
        for (std::size_t k = 0; k < n; ++k) cut += chars[k];
        inputs.insert(cut);
        if (i) inputs.insert(words[i - 1] + " " + cut);
      }
      inputs.insert(words[i]);
    }
  }
  std::size_t broadened = 0;
  for (const auto& typed : inputs) {
    const auto plan = fts_plan_ru(typed);
    ASSERT_EQ(plan.match, fts_query_ru(typed));
    if (plan.broad.empty()) continue;
    ++broadened;
    const Ids exact = match_expr(plan.match);
    const Ids wide = match_expr(plan.broad);
    Ids kept;
    for (auto id : wide)
      if (plan.matches({(*rows_)[static_cast<std::size_t>(id - 1)]})) kept.insert(id);
    EXPECT_TRUE(std::includes(wide.begin(), wide.end(), exact.begin(), exact.end())) << typed << ": " << plan.broad;
    EXPECT_EQ(kept, exact) << typed << ": " << plan.match << " / " << plan.broad;
  }
  EXPECT_GT(broadened, 100u) << "of " << inputs.size() << " inputs";
}

TEST(FtsSqliteSetup, TokenizerRejectsArgumentsAndWorksThroughTheStore) {
  const fs::path dir = fs::temp_directory_path() / ("sdelka_fts_store_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open((dir / "a.db").c_str(), &raw), SQLITE_OK);
    std::unique_ptr<sqlite3, SqliteCloser> db(raw);
    // Without registration the tokenizer is unknown; registering twice is fine.
    EXPECT_NE(sqlite3_exec(db.get(), "CREATE VIRTUAL TABLE x USING fts5(a, tokenize='ru')", nullptr, nullptr, nullptr),
              SQLITE_OK);
    register_fts_ru(db.get());
    register_fts_ru(db.get());
    EXPECT_NE(sqlite3_exec(db.get(), "CREATE VIRTUAL TABLE y USING fts5(a, tokenize='ru extra')", nullptr, nullptr,
                           nullptr),
              SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db.get(), "CREATE VIRTUAL TABLE x USING fts5(a, tokenize='ru')", nullptr, nullptr, nullptr),
              SQLITE_OK);
  }
  // Through the Database interface with the connection hook, on every pooled connection.
  set_sqlite_connection_hook(&register_fts_ru);
  {
    auto db = open_database("sqlite:" + (dir / "b.db").string(), DbOptions{.pool_size = 2});
    db->write([](Tx& tx) {
      tx.exec("CREATE VIRTUAL TABLE IF NOT EXISTS clients_fts USING fts5(name, tokenize='ru')");
      tx.exec("INSERT INTO clients_fts(rowid, name) VALUES (1, ?), (2, ?)",
              {std::string("ООО «Клиентская служба»"), std::string("Семёнова Алёна Петровна")});
    });
    auto count = [&](std::string_view typed) {
      return db->read_value([&](Tx& tx) {
        return tx.one("SELECT count(*) FROM clients_fts WHERE clients_fts MATCH ?", {fts_query_ru(typed)})->i64(0);
      });
    };
    EXPECT_EQ(count("клиентами"), 1);
    EXPECT_EQ(count("семенова ал"), 1);
    EXPECT_EQ(count("Семен"), 1);
  }
  set_sqlite_connection_hook(nullptr);
  fs::remove_all(dir);
}

// --- PostgreSQL ------------------------------------------------------------------------------

const char* pg_url() {
  const char* u = std::getenv("SDELKA_TEST_PG_URL");
  return u && *u ? u : nullptr;
}

// The URL with its database name replaced ("postgresql:///sdelka?host=…" → "…///name?host=…").
std::string with_dbname(const std::string& url, const std::string& name) {
  const auto scheme = url.find("://");
  const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) return url + "/" + name;
  const auto end = url.find('?', slash);
  return url.substr(0, slash + 1) + name + (end == std::string::npos ? "" : url.substr(end));
}

// Runs one statement outside any transaction on a fresh libpq connection; returns the first
// value of the first row ("" for none). Fails the test on an error.
std::string pq_exec(const std::string& url, const std::string& sql) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> c(PQconnectdb(url.c_str()), &PQfinish);
  if (PQstatus(c.get()) != CONNECTION_OK) {
    ADD_FAILURE() << "cannot connect: " << PQerrorMessage(c.get());
    return "";
  }
  PQsetNoticeProcessor(c.get(), [](void*, const char*) {}, nullptr);
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(c.get(), sql.c_str()), &PQclear);
  const auto st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    ADD_FAILURE() << sql << ": " << PQresultErrorMessage(r.get());
    return "";
  }
  return st == PGRES_TUPLES_OK && PQntuples(r.get()) > 0 ? PQgetvalue(r.get(), 0, 0) : "";
}

class FtsPostgres : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!pg_url()) return;
    rows_ = new std::vector<std::string>(make_rows());
    // A database of its own with a UTF-8 LC_CTYPE, as search_pg.hpp requires; the test cluster
    // itself may be initialised with LC_CTYPE=C.
    dbname_ = new std::string("sdelka_fts_" + std::to_string(::getpid()));
    pq_exec(pg_url(), "DROP DATABASE IF EXISTS " + *dbname_ + " WITH (FORCE)");
    pq_exec(pg_url(), "CREATE DATABASE " + *dbname_ +
                          " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'");
    db_ = open_database(with_dbname(pg_url(), *dbname_), DbOptions{.pool_size = 2}).release();
    db_->write([](Tx& tx) {
      tx.exec(std::string(pg_search::kTrigramExtensionSql));
      tx.exec("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT NOT NULL)");
      for (const auto& stmt : pg_search::ddl("t", "name")) tx.exec(stmt);
      for (std::size_t i = 0; i < rows_->size(); ++i)
        tx.exec("INSERT INTO t (id, name) VALUES (?, ?)", {static_cast<std::int64_t>(i + 1), (*rows_)[i]});
      tx.exec("ANALYZE t");
    });
  }
  static void TearDownTestSuite() {
    if (!db_) return;
    delete db_;
    db_ = nullptr;
    pq_exec(pg_url(), "DROP DATABASE IF EXISTS " + *dbname_ + " WITH (FORCE)");
    delete dbname_;
    delete rows_;
  }
  void SetUp() override {
    if (!pg_url()) GTEST_SKIP() << "SDELKA_TEST_PG_URL is not set; PostgreSQL tests skipped "
                                   "(ctest -R unit_fts_pg runs them on a throwaway server)";
    ASSERT_NE(db_, nullptr);
  }

  // Rows whose name_tsv matches the search for `typed` (the Clients repo's query).
  static Ids search(std::string_view typed) {
    const auto q = pg_search::query(typed);
    if (q.empty()) return {};
    Ids out;
    db_->read([&](Tx& tx) {
      for (const auto& r : tx.query("SELECT id FROM t WHERE name_tsv @@ " + std::string(pg_search::kTsQuerySql),
                                    q.match_params()))
        out.insert(r.i64(0));
    });
    return out;
  }
  static Ids select_ids(const std::string& sql, const Params& params) {
    Ids out;
    db_->read([&](Tx& tx) {
      for (const auto& r : tx.query(sql, params)) out.insert(r.i64(0));
    });
    return out;
  }
  static std::int64_t row(std::string_view text) { return row_of(*rows_, text); }

  static inline std::vector<std::string>* rows_ = nullptr;
  static inline std::string* dbname_ = nullptr;
  static inline Database* db_ = nullptr;
};

TEST_F(FtsPostgres, LocaleCheck) {
  EXPECT_EQ(db_->read_value([](Tx& tx) { return tx.one(std::string(pg_search::kLocaleCheckSql))->i64(0); }), 1);
  // The check tells a C-ctype database apart.
  const std::string ctype = pq_exec(pg_url(), "SHOW lc_ctype");
  const std::string ok = pq_exec(pg_url(), std::string(pg_search::kLocaleCheckSql));
  EXPECT_EQ(ok, ctype == "C" || ctype == "POSIX" ? "0" : "1") << "lc_ctype " << ctype;
}

TEST_F(FtsPostgres, FoldedColumn) {
  const auto fold = [](std::int64_t id) {
    return db_->read_value([&](Tx& tx) { return tx.one("SELECT name_fold FROM t WHERE id = ?", {id})->str(0); });
  };
  EXPECT_EQ(fold(row("ООО «ЁЛКИ-ПАЛКИ»")), "ооо елки палки");
  EXPECT_EQ(fold(row("ООО «Связь», тел. +7 (495) 123-45-67")), "ооо связь тел 7 495 123 45 67");
}

TEST_F(FtsPostgres, WordFormsPrefixesAndYo) {
  const Ids r = search("клиентами");
  EXPECT_TRUE(r.count(row("ООО «Клиентская служба», Москва")));
  EXPECT_TRUE(r.count(row("Отдел по работе с клиентом")));
  EXPECT_EQ(r, oracle(*rows_, starts_with("клиент")));
  EXPECT_EQ(search("клиентами отдел"), Ids{row("Отдел по работе с клиентом")});
  EXPECT_EQ(search("Иван"), oracle(*rows_, starts_with("иван")));
  EXPECT_EQ(search("Иванов"), oracle(*rows_, starts_with("иванов")));
  EXPECT_EQ(search("Кузн"), oracle(*rows_, starts_with("кузн")));
  const Ids e = search("елка");
  EXPECT_EQ(e, search("ЁЛКА"));
  EXPECT_TRUE(e.count(row("Магазин «Ёлка»")));
  EXPECT_TRUE(e.count(row("ООО «ЁЛКИ-ПАЛКИ»")));
  EXPECT_FALSE(e.count(row("ООО «Ель и сосна»")));
  EXPECT_EQ(search("companies"), Ids{row("Romashka Trading Company")});
  const std::string inn = inn10(77, 2, 10037);
  EXPECT_EQ(search(inn), Ids{row("ООО «Ромашка», Москва, ИНН " + inn)});
  EXPECT_TRUE(search(inn.substr(0, 6)).empty());
}

TEST_F(FtsPostgres, SameRowsAsSqlite) {
  // The SQLite index over the same rows, built here so this test stands alone.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &raw), SQLITE_OK);
  std::unique_ptr<sqlite3, SqliteCloser> lite(raw);
  register_fts_ru(lite.get());
  ASSERT_EQ(sqlite3_exec(lite.get(), "CREATE VIRTUAL TABLE t USING fts5(name, tokenize='ru')", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_stmt* ins = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(lite.get(), "INSERT INTO t(rowid, name) VALUES (?1, ?2)", -1, &ins, nullptr), SQLITE_OK);
  for (std::size_t i = 0; i < rows_->size(); ++i) {
    sqlite3_bind_int64(ins, 1, static_cast<sqlite3_int64>(i + 1));
    sqlite3_bind_text(ins, 2, (*rows_)[i].c_str(), -1, SQLITE_STATIC);
    ASSERT_EQ(sqlite3_step(ins), SQLITE_DONE);
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  auto lite_search = [&](std::string_view typed) {
    Ids out;
    const std::string expr = fts_query_ru(typed);
    if (expr.empty()) return out;
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(lite.get(), "SELECT rowid FROM t WHERE t MATCH ?1", -1, &st, nullptr), SQLITE_OK);
    sqlite3_bind_text(st, 1, expr.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st) == SQLITE_ROW) out.insert(sqlite3_column_int64(st, 0));
    sqlite3_finalize(st);
    return out;
  };
  int found = 0;
  for (const char* typed :
       {"клиентами", "клиент", "Клиентская служба", "Иван", "Иванов", "Иванова", "Иванов Ив", "Иванова Мария",
        "Петров", "Петрова Ан", "семен", "Фёдоров", "ёлка", "ЁЛОЧНЫЕ", "ромашки", "Ромашка Москва", "уральских",
        "Северный", "компании", "companies", "trading", "NEAR", "name:Иван", "\"Иван\" OR", "-Петров*", "   ", "(",
        "ооо", "ООО Ром", "Екатеринбург", "пельменная 1"}) {
    const Ids pg = search(typed);
    EXPECT_EQ(pg, lite_search(typed)) << typed;
    found += !pg.empty();
  }
  EXPECT_GE(found, 25) << "most of these searches find something";
}

TEST_F(FtsPostgres, PrefixOfTheWholeNameAndFuzzyNames) {
  // LIKE on the folded column: the name starts with what was typed (surname first for persons).
  const auto q = pg_search::query("Иванов  Ив");
  EXPECT_EQ(q.like_prefix, "иванов ив%");
  const Ids like = select_ids("SELECT id FROM t WHERE name_fold LIKE ?", {q.like_prefix});
  Ids expected;
  for (std::size_t i = 0; i < rows_->size(); ++i) {
    const auto w = oracle_words((*rows_)[i]);
    if (w.size() >= 2 && w[0] == U"иванов" && w[1].compare(0, 2, U"ив") == 0) expected.insert(static_cast<std::int64_t>(i + 1));
  }
  EXPECT_FALSE(expected.empty());
  EXPECT_EQ(like, expected);
  // Trigrams: a misspelt surname finds the right one by word similarity and ranks it first.
  const auto typo = pg_search::query("Кузнецев");
  const Ids fuzzy = select_ids("SELECT id FROM t WHERE ? <% name_fold", {typo.fuzzy});
  EXPECT_FALSE(fuzzy.empty());
  for (auto id : fuzzy) {
    const auto words = oracle_words((*rows_)[static_cast<std::size_t>(id - 1)]);
    EXPECT_TRUE(std::any_of(words.begin(), words.end(), starts_with("кузнец"))) << (*rows_)[static_cast<std::size_t>(id - 1)];
  }
  EXPECT_EQ(fuzzy, oracle(*rows_, starts_with("кузнецов")));
  // Whole-name similarity (`%`, similarity()) for short names: the closest one first.
  const auto shop = pg_search::query("магазин елко");
  const auto best = db_->read_value([&](Tx& tx) {
    return tx.one("SELECT id FROM t WHERE name_fold % ? ORDER BY similarity(name_fold, ?) DESC, id LIMIT 1",
                  {shop.fuzzy, shop.fuzzy});
  });
  ASSERT_TRUE(best.has_value());
  EXPECT_EQ(best->i64(0), row("Магазин «Ёлка»"));
}

TEST_F(FtsPostgres, IndexesAreUsable) {
  // With sequential scans off the planner must find an index path for each kind of search.
  db_->read([](Tx& tx) {
    tx.exec("SET LOCAL enable_seqscan = off");
    auto plan = [&](const std::string& sql, const Params& p) {
      std::string s;
      for (const auto& r : tx.query("EXPLAIN " + sql, p)) s += r.str(0) + "\n";
      return s;
    };
    const auto q = pg_search::query("клиентами");
    EXPECT_NE(plan("SELECT id FROM t WHERE name_tsv @@ " + std::string(pg_search::kTsQuerySql), q.match_params())
                  .find("t_name_tsv"),
              std::string::npos);
    EXPECT_NE(plan("SELECT id FROM t WHERE name_fold LIKE ?", {q.like_prefix}).find("t_name_fold_prefix"),
              std::string::npos);
    EXPECT_NE(plan("SELECT id FROM t WHERE name_fold % ?", {q.fuzzy}).find("t_name_fold_trgm"), std::string::npos);
  });
}

}  // namespace
