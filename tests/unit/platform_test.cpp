// Platform units: router, URL/form parsing, strict JSON bodies, the central policy (with a real
// SQLite access list), audit diffs, the catalogues, passwords and tokens.
#include <gtest/gtest.h>

#include <filesystem>

#include "audit/audit.hpp"
#include "auth/crypto.hpp"
#include "auth/policy.hpp"
#include "clients/model.hpp"
#include "clients/repo.hpp"
#include "core/text.hpp"
#include "http/json_body.hpp"
#include "http/router.hpp"
#include "i18n/i18n.hpp"
#include "store/database.hpp"

using namespace sdelka;

TEST(Router, MatchesParamsAndReportsWrongMethod) {
  http::Router r;
  r.add("GET", "/api/v1/users/{id}", [](http::Request&) { return http::Response::text(200, "u"); });
  r.add("PATCH", "/api/v1/users/{id}", [](http::Request&) { return http::Response::text(200, "p"); });
  http::Request q;
  q.method = "GET";
  q.path = "/api/v1/users/42";
  bool mismatch = false;
  auto* route = r.match(q, mismatch);
  ASSERT_NE(route, nullptr);
  EXPECT_EQ(q.params["id"], "42");
  EXPECT_EQ(q.route, "GET /api/v1/users/{id}");
  q.method = "DELETE";
  EXPECT_EQ(r.match(q, mismatch), nullptr);
  EXPECT_TRUE(mismatch);
  q.path = "/api/v1/users/42/extra";
  EXPECT_EQ(r.match(q, mismatch), nullptr);
  EXPECT_FALSE(mismatch);
}

TEST(Http, FormAndCookiesDecode) {
  auto f = http::parse_form("login=%D0%B8%D0%B2%D0%B0%D0%BD&x=a+b&empty=");
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].second, "иван");
  EXPECT_EQ(f[1].second, "a b");
  EXPECT_EQ(f[2].second, "");
  http::Request q;
  q.headers = {{"cookie", "a=1; sdelka_session=xyz; lang=en"}};
  EXPECT_EQ(q.cookie("sdelka_session").value(), "xyz");
  EXPECT_EQ(q.cookie("lang").value(), "en");
  EXPECT_FALSE(q.cookie("nope").has_value());
  EXPECT_EQ(http::url_decode("%zz%4", false), "%zz%4");
}

TEST(Http, SafeLocalPathAcceptsOnlySameOriginPaths) {
  for (const char* ok : {"/", "/companies", "/companies?q=%D0%A0&segment=vip", "/persons/12#card", "/a/b/c"})
    EXPECT_EQ(http::safe_local_path(ok).value_or("REFUSED"), ok) << ok;
  for (const char* bad : {"", "companies", "//evil.example", "/\\evil.example", "/\t/evil.example", "/x\r\nSet-Cookie: a=1",
                          "/%2F/evil.example", "/%5Cevil", "/%252F/evil.example", "/%0d%0aSet-Cookie:a", "https://evil.example",
                          "javascript:alert(1)", "/a b", "/\x7f", "/\xd0\xa0"})
    EXPECT_FALSE(http::safe_local_path(bad).has_value()) << bad;
  EXPECT_FALSE(http::safe_local_path(std::string_view("/ok\0x", 5)).has_value());
}

TEST(Http, HeaderValuesWithLineBreaksAreRefused) {
  EXPECT_TRUE(http::header_value_ok("attachment; filename=\"a.csv\""));
  EXPECT_TRUE(http::header_value_ok("a\tb"));
  EXPECT_FALSE(http::header_value_ok("/x\r\nSet-Cookie: evil=1"));
  EXPECT_FALSE(http::header_value_ok("a\nb"));
  EXPECT_FALSE(http::header_value_ok(std::string_view("a\0b", 3)));
  EXPECT_TRUE(http::header_name_ok("X-CSRF-Token"));
  EXPECT_FALSE(http::header_name_ok("X Bad"));
  EXPECT_FALSE(http::header_name_ok("X:"));
  EXPECT_FALSE(http::header_name_ok(""));
}

TEST(Text, Utf8PrefixNeverCutsACharacter) {
  const std::string s = "Ёлка и ромашка";  // two bytes per Cyrillic letter
  for (std::size_t n = 0; n <= s.size() + 1; ++n) {
    const auto p = core::utf8_prefix(s, n);
    EXPECT_LE(p.size(), n);
    EXPECT_GE(p.size() + 1, std::min(n, s.size()));  // at most one byte short of the limit
    EXPECT_TRUE(core::valid_utf8(p)) << n;
  }
  EXPECT_EQ(core::utf8_prefix("😀x", 3), "");
  EXPECT_EQ(core::utf8_prefix("😀x", 4), "😀");
}

TEST(Text, Utf8Validation) {
  EXPECT_TRUE(core::valid_utf8("Сделка ₽ 😀"));
  EXPECT_FALSE(core::valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(core::valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(core::valid_utf8("\xF4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(core::valid_utf8("abc\xE2\x82"));        // truncated
}

static http::Request json_request(std::string body) {
  http::Request q;
  q.method = "POST";
  q.headers = {{"content-type", "application/json"}};
  q.body = std::move(body);
  return q;
}

TEST(JsonBody, NamesEveryBadField) {
  auto q = json_request(R"({"login": 5, "roles": ["a", 1]})");
  http::JsonBody b(q, "ru", {"login", "roles", "email"});
  b.str("login", true);
  b.str_list("roles");
  b.str("email", true);
  try {
    b.finish();
    FAIL() << "expected 422";
  } catch (const http::ApiError& e) {
    EXPECT_EQ(http::status_of(e.kind), 422);
    ASSERT_EQ(e.fields.size(), 3u);
    EXPECT_EQ(e.fields[0].field, "login");
    EXPECT_EQ(e.fields[0].message, "Должно быть строкой");
    EXPECT_EQ(e.fields[1].field, "roles");
    EXPECT_EQ(e.fields[2].field, "email");
    EXPECT_EQ(e.fields[2].code, "required");
  }
}

TEST(JsonBody, RejectsMalformedUnknownAndNonUtf8) {
  auto status_of = [](http::Request q) {
    try {
      http::JsonBody b(q, "en", {"a"});
      return 0;
    } catch (const http::ApiError& e) {
      return http::status_of(e.kind);
    }
  };
  EXPECT_EQ(status_of(json_request("{\"a\": ")), 400);
  EXPECT_EQ(status_of(json_request("[1]")), 400);
  EXPECT_EQ(status_of(json_request("{\"a\":\"\xC0\xAF\"}")), 400);
  EXPECT_EQ(status_of(json_request(R"({"a":1,"b":2})")), 422);
  auto q = json_request("{}");
  q.headers = {{"content-type", "text/plain"}};
  EXPECT_EQ(status_of(q), 415);
  EXPECT_EQ(status_of(json_request(R"({"a":1})")), 0);
}

class PolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() / ("sdelka-policy-" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(path_);
    db_ = store::open_database("sqlite:" + path_.string());
    store::migrate(*db_);
    db_->write([](store::Tx& tx) {
      tx.exec("INSERT INTO users (id, login, password_hash, created_at, updated_at) VALUES (7, 'u7', 'x', '', '')");
      tx.exec("INSERT INTO record_acl (object_type, object_id, user_id) VALUES ('job_description', 5, 7)");
    });
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove(path_);
    std::filesystem::remove(path_.string() + "-wal");
    std::filesystem::remove(path_.string() + "-shm");
  }
  bool allowed(const auth::Principal& p, auth::Action a, const auth::Subject& s) {
    bool out = false;
    db_->read([&](store::Tx& tx) { out = auth::allowed(tx, p, a, s); });
    return out;
  }
  std::filesystem::path path_;
  std::unique_ptr<store::Database> db_;
};

TEST_F(PolicyTest, ScopesFollowRoles) {
  auth::Principal sales{7, "u7", "", 1, "Продажи", {auth::Role::sales_manager}};
  auth::Principal head{8, "h", "", 1, "Продажи", {auth::Role::head}};
  auth::Principal sec{9, "s", "", 2, "СБ", {auth::Role::security_officer}};
  auth::Principal admin{1, "a", "", std::nullopt, "", {auth::Role::admin}};
  EXPECT_EQ(auth::scope_for(sales, auth::Action::read, "user"), auth::Scope::own);
  EXPECT_EQ(auth::scope_for(head, auth::Action::read, "user"), auth::Scope::department);
  EXPECT_EQ(auth::scope_for(sec, auth::Action::read, "audit"), auth::Scope::all);
  EXPECT_EQ(auth::scope_for(sales, auth::Action::read, "audit"), auth::Scope::none);
  EXPECT_EQ(auth::scope_for(admin, auth::Action::manage, "anything"), auth::Scope::all);

  auth::Subject colleague{"user", 10, 10, 1};
  auth::Subject stranger{"user", 11, 11, 2};
  EXPECT_FALSE(allowed(sales, auth::Action::read, colleague));
  EXPECT_TRUE(allowed(head, auth::Action::read, colleague));
  EXPECT_FALSE(allowed(head, auth::Action::read, stranger));
  EXPECT_TRUE(allowed(sec, auth::Action::read, stranger));
}

TEST_F(PolicyTest, ConfidentialNeedsOwnerOrAccessList) {
  auth::Principal listed{7, "u7", "", 1, "", {auth::Role::sales_manager}};
  auth::Principal other{8, "u8", "", 1, "", {auth::Role::sales_manager}};
  auth::Principal admin{1, "a", "", std::nullopt, "", {auth::Role::admin}};
  auth::Subject secret{"job_description", 5, 3, 1, true};
  EXPECT_TRUE(allowed(listed, auth::Action::read, secret));
  EXPECT_FALSE(allowed(other, auth::Action::read, secret));
  EXPECT_FALSE(allowed(admin, auth::Action::read, secret));  // open only to the named list
  auth::Subject own{"job_description", 6, 1, std::nullopt, true};
  EXPECT_TRUE(allowed(admin, auth::Action::read, own));
}

TEST(Audit, DiffShowsChangedFieldsAndHidesSecrets) {
  nlohmann::json before = {{"name", "Иван"}, {"email", "a@b.ru"}, {"password", "old"}, {"gone", 1}};
  nlohmann::json after = {{"name", "Иван"}, {"email", "c@d.ru"}, {"password", "new"}, {"new", true}};
  auto d = audit::diff(before, after, {"password"});
  EXPECT_FALSE(d.contains("name"));
  EXPECT_EQ(d["email"]["from"], "a@b.ru");
  EXPECT_EQ(d["email"]["to"], "c@d.ru");
  EXPECT_EQ(d["password"], (nlohmann::json{{"changed", true}}));
  EXPECT_TRUE(d["gone"]["to"].is_null());
  EXPECT_EQ(d["new"]["to"], true);
}

TEST(I18n, KeyedErrorsArePutIntoWordsAtTheEdgeInTheCallersLanguage) {
  using core::ErrorKind;
  auto e = core::DomainError::keyed(ErrorKind::invalid, {"err.validation"}, {},
                                    {core::FieldError{"roles", "", "invalid", {"err.role.named", {{"value", "boss"}}}},
                                     core::FieldError{"login", "уже в словах", "taken"}});
  EXPECT_EQ(e.title, "");  // nothing is said until the edge
  const auto ru = i18n::worded(e, "ru"), en = i18n::worded(e, "en");
  EXPECT_EQ(ru.title, i18n::t("ru", "err.validation"));
  EXPECT_EQ(en.title, i18n::t("en", "err.validation"));
  EXPECT_NE(ru.title, en.title);
  EXPECT_EQ(ru.fields[0].message, "Неизвестная роль: boss");
  EXPECT_EQ(en.fields[0].message, "Unknown role: boss");
  EXPECT_EQ(en.fields[1].message, "уже в словах");  // a text already in words stays
  EXPECT_EQ(std::string(en.what()), en.title);
  // The policy's refusal is keyed too: the reader's language decides, not the principal's.
  auth::Principal p;
  p.lang = "ru";
  try {
    auth::require_scope(p, auth::Action::manage, "user", auth::Scope::all);
    FAIL() << "a principal without roles may not manage users";
  } catch (const core::DomainError& refused) {
    EXPECT_EQ(i18n::worded(refused, "en").title, i18n::t("en", "err.forbidden.title"));
  }
}

TEST(I18n, CataloguesHaveTheSameKeys) {
  auto missing = i18n::missing_keys();
  EXPECT_TRUE(missing.empty()) << missing.front();
  EXPECT_EQ(i18n::t("ru", "login.submit"), "Войти");
  EXPECT_EQ(i18n::t("en", "login.submit"), "Sign in");
  EXPECT_EQ(i18n::t("de", "login.submit"), "Войти");
}

TEST(Crypto, Argon2idAndTokens) {
  auth::crypto_init();
  auto h = auth::hash_password("correct horse");
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(auth::verify_password("correct horse", h));
  EXPECT_FALSE(auth::verify_password("wrong horse", h));
  auto t1 = auth::random_token(), t2 = auth::random_token();
  EXPECT_EQ(t1.size(), 43u);
  EXPECT_NE(t1, t2);
  EXPECT_EQ(auth::token_hash(t1).size(), 64u);
  EXPECT_TRUE(auth::equal_ct("abc", "abc"));
  EXPECT_FALSE(auth::equal_ct("abc", "abd"));
}

TEST(ClientsJson, ListSerialiserMatchesTheJsonTree) {
  clients::Company c;
  c.id = 42;
  c.name = "ООО «Ромашка» \"кавычки\" \\ \n\t\x01 ё";
  c.inn = "7707083893";
  c.ogrn = std::nullopt;
  c.region = "Москва";
  c.owner_id = 7;
  c.archived = true;
  c.version = 3;
  c.created_at = "2026-11-27T10:00:00.000Z";
  c.phones = {{"+79161234567", "work"}, {"+74951234567", "fax"}};
  c.emails = {{"info@example.ru", "work"}};
  std::string out;
  clients::append_json(out, c);
  EXPECT_EQ(out, clients::to_json(c).dump());
  EXPECT_EQ(nlohmann::json::parse(out), clients::to_json(c));
  clients::Company empty;
  out.clear();
  clients::append_json(out, empty);
  EXPECT_EQ(out, clients::to_json(empty).dump());
  // The audit view (no created_at, updated_at, version) is the tree without those keys.
  out.clear();
  clients::append_json(out, c, clients::JsonPart::audit);
  auto view = clients::to_json(c);
  for (const char* k : {"created_at", "updated_at", "version"}) view.erase(k);
  EXPECT_EQ(out, view.dump());
}

TEST(ClientsJson, PersonSerialiserMatchesTheJsonTree) {
  clients::Person p;
  p.id = 7;
  p.last_name = "Щукина \"Ёлка\"";
  p.first_name = "Анна";
  p.inn = "500100732259";
  p.birthday = "1985-04-12";
  p.owner_id = 3;
  p.phones = {{"+79161234567", "mobile"}};
  p.emails = {{"anna@example.ru", "work"}, {"a@example.org", "home"}};
  p.companies = {{12, "ООО «Ромашка»", "Директор", true}, {13, "АО «Лес»", "", false}};
  p.consents = {{5, "Рассылка", "2026-01-02", "web", "v1", std::nullopt}, {6, "Звонки", "2026-01-03", "phone", "v2", "2026-02-01"}};
  std::string out;
  clients::append_json(out, p);
  EXPECT_EQ(out, clients::to_json(p).dump());
  clients::Person listed;  // a list row: consents not loaded, the flag from the database
  listed.last_name = "Петров";
  listed.stored_consent_active = true;
  out.clear();
  clients::append_json(out, listed);
  EXPECT_EQ(out, clients::to_json(listed).dump());
  EXPECT_TRUE(nlohmann::json::parse(out)["consent_active"].get<bool>());
}

// A list page copies each record's stored row after its id: the item must be the record's JSON
// (all members, same values), whatever the key order.
TEST(ClientsJson, ListItemIsTheRecordsJson) {
  clients::Company c;
  c.id = 42;
  c.name = "ООО \"Ромашка\", \\ \"id\":7";
  c.inn = "7707083893";
  c.note = "строка\nвторая\t\x01";
  c.owner_id = 3;
  c.version = 5;
  c.phones = {{"+79161234567", "work"}};
  c.emails = {{"info@example.ru", "work"}, {"b@example.ru", "other"}};
  std::string row = clients::list_row(c);
  EXPECT_EQ(row.find("\"id\":42"), std::string::npos);  // the id is not stored in the row
  std::string out;
  clients::append_list_item(out, c.id, row);
  EXPECT_EQ(nlohmann::json::parse(out), clients::to_json(c));

  clients::Person p;
  p.id = 9;
  p.last_name = "Щукина";
  p.first_name = "Анна";
  p.birthday = "1985-04-12";
  p.phones = {{"+79161234567", "mobile"}};
  p.companies = {{12, "ООО «Ромашка»", "Директор", true}};  // not part of a list row
  p.consents = {{5, "Рассылка", "2026-01-02", "web", "v1", std::nullopt}};
  row = clients::list_row(p);
  for (bool active : {true, false}) {
    out.clear();
    clients::append_list_item(out, p.id, active, row);
    clients::Person listed = p;
    listed.companies.clear();
    listed.consents.clear();
    listed.stored_consent_active = active;
    EXPECT_EQ(nlohmann::json::parse(out), clients::to_json(listed)) << out;
  }
}

// Rows written before the list_json column existed (or emptied by a later migration) are built
// from the columns by the list itself until fill_list_rows writes them, and then stored the same.
TEST_F(PolicyTest, EmptyListRowsAreBuiltFromTheColumnsThenFilled) {
  std::vector<std::string> expected;
  db_->write([&](store::Tx& tx) {
    for (int i = 0; i < 5; ++i) {
      clients::Company c;
      c.name = "ООО «Строка " + std::to_string(i) + "»";
      c.region = "Тверь";
      c.created_at = c.updated_at = "2026-11-27T10:00:00.000Z";
      c.phones = {{"+7916123456" + std::to_string(i), "work"}};
      c.emails = {{"s" + std::to_string(i) + "@example.ru", "other"}};
      clients::repo::insert_company(tx, c, "строка " + std::to_string(i));
      clients::Person p;
      p.last_name = "Строкин";
      p.first_name = std::to_string(i);
      p.created_at = p.updated_at = c.created_at;
      clients::repo::insert_person(tx, p, "строкин " + std::to_string(i));
    }
    tx.exec("UPDATE companies SET list_json = ''");
    tx.exec("UPDATE persons SET list_json = ''");
  });
  auto rows = [&] {
    std::vector<std::string> out;
    db_->read([&](store::Tx& tx) {
      for (const auto& r : clients::repo::list_company_rows(tx, {})) out.push_back(r.row);
      for (const auto& r : clients::repo::list_person_rows(tx, {})) out.push_back(r.row);
    });
    return out;
  };
  db_->read([&](store::Tx& tx) {
    for (std::int64_t id = 5; id >= 1; --id) expected.push_back(clients::list_row(*clients::repo::load_company(tx, id)));
    for (std::int64_t id = 5; id >= 1; --id) expected.push_back(clients::list_row(*clients::repo::load_person(tx, id)));
  });
  EXPECT_EQ(rows(), expected);
  EXPECT_EQ(clients::repo::fill_list_rows(*db_, 2), 10);  // several batches
  EXPECT_EQ(clients::repo::fill_list_rows(*db_, 2), 0);
  std::vector<std::string> stored;
  db_->read([&](store::Tx& tx) {
    for (auto& r : tx.query("SELECT list_json FROM companies ORDER BY id DESC")) stored.push_back(r.str(0));
    for (auto& r : tx.query("SELECT list_json FROM persons ORDER BY id DESC")) stored.push_back(r.str(0));
  });
  EXPECT_EQ(stored, expected);
  EXPECT_EQ(rows(), expected);
}
