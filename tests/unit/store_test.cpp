// The storage contract (store/database.hpp), run unchanged against both backends:
// SQLite on a temporary file, and PostgreSQL when SDELKA_TEST_PG_URL names a server
// (tests/unit/with-pg.sh starts a throwaway one). Each PostgreSQL test works in its own schema,
// so the tests may run in parallel against one database.
#include <gtest/gtest.h>

#include <algorithm>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <regex>
#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/database.hpp"

namespace sdelka::store {
// Test names read "… # GetParam() = PostgreSQL" in ctest.
void PrintTo(Backend b, std::ostream* os) { *os << (b == Backend::sqlite ? "SQLite" : "PostgreSQL"); }
}  // namespace sdelka::store

namespace fs = std::filesystem;
using namespace sdelka::store;

namespace {

const char* pg_url() {
  const char* u = std::getenv("SDELKA_TEST_PG_URL");
  return u && *u ? u : nullptr;
}

std::string with_query(const std::string& url, const std::string& kv) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + kv;
}

// Runs fn and returns the kind of the DbError it throws; fails the test when it throws nothing.
template <class F>
std::optional<DbError::Kind> error_kind(F&& fn) {
  try {
    fn();
  } catch (const DbError& e) {
    return e.kind;
  }
  ADD_FAILURE() << "expected a DbError";
  return std::nullopt;
}

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    static std::atomic<int> seq{0};
    const std::string tag = std::to_string(::getpid()) + "_" + std::to_string(seq++);
    if (GetParam() == Backend::sqlite) {
      dir_ = fs::temp_directory_path() / ("sdelka_store_test_" + tag);
      fs::remove_all(dir_);
      fs::create_directories(dir_);
      url_ = "sqlite:" + (dir_ / "test.db").string();
    } else {
      const char* base = pg_url();
      if (!base) GTEST_SKIP() << "SDELKA_TEST_PG_URL is not set; PostgreSQL tests skipped "
                                 "(ctest -R unit_store_pg runs them on a throwaway server)";
      base_url_ = base;
      schema_ = "sdelka_test_" + tag;
      admin_ = open_database(base_url_, DbOptions{.pool_size = 1});
      admin_->write([&](Tx& tx) {
        tx.exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
        tx.exec("CREATE SCHEMA " + schema_);
      });
      url_ = with_query(base_url_, "options=-csearch_path%3D" + schema_);
    }
    db_ = open(DbOptions{});
  }

  void TearDown() override {
    db_.reset();
    if (admin_) admin_->write([&](Tx& tx) { tx.exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE"); });
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  std::unique_ptr<Database> open(const DbOptions& o) { return open_database(url_, o); }

  std::int64_t count(Database& db, const std::string& table) {
    return db.read_value([&](Tx& tx) { return tx.one("SELECT COUNT(*) FROM " + table)->i64(0); });
  }

  std::int64_t add_department(Tx& tx, const std::string& name) {
    return tx.one("INSERT INTO departments (name, created_at) VALUES (?, ?) RETURNING id", {name, now_iso()})->i64(0);
  }

  fs::path dir_;
  std::string url_, base_url_, schema_;
  std::unique_ptr<Database> admin_;  // PostgreSQL: creates and drops the test's schema
  std::unique_ptr<Database> db_;
};

TEST_P(StoreTest, BackendAndDescribe) {
  EXPECT_EQ(db_->backend(), GetParam());
  EXPECT_TRUE(db_->ping());
  db_->read([&](Tx& tx) { EXPECT_EQ(tx.backend(), GetParam()); });
  if (GetParam() == Backend::sqlite) EXPECT_EQ(db_->describe(), url_);
  else EXPECT_EQ(db_->describe().rfind("postgres", 0), 0u) << db_->describe();
}

// A database migrated by a newer sdelka (a migration this binary does not know) is refused, and
// nothing is applied to it.
// Issue 11: a script runs as the database splits it, so a trigger body with ";\n" inside stays whole.
TEST_P(StoreTest, ScriptKeepsTriggerBodiesWhole) {
  const std::string sqlite_script =
      "CREATE TABLE t_script (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);\n"
      "CREATE TABLE t_script_log (n INTEGER NOT NULL);\n"
      "CREATE TRIGGER t_script_ai AFTER INSERT ON t_script BEGIN\n"
      "  INSERT INTO t_script_log (n) VALUES (NEW.n);\n"
      "  INSERT INTO t_script_log (n) VALUES (NEW.n * 10);\n"
      "END;\n";
  const std::string pg_script =
      "CREATE TABLE t_script (id BIGSERIAL PRIMARY KEY, n BIGINT NOT NULL);\n"
      "CREATE TABLE t_script_log (n BIGINT NOT NULL);\n"
      "CREATE FUNCTION t_script_f() RETURNS trigger AS $$ BEGIN\n"
      "  INSERT INTO t_script_log (n) VALUES (NEW.n);\n"
      "  INSERT INTO t_script_log (n) VALUES (NEW.n * 10);\n"
      "  RETURN NEW;\n"
      "END; $$ LANGUAGE plpgsql;\n"
      "CREATE TRIGGER t_script_ai AFTER INSERT ON t_script FOR EACH ROW EXECUTE FUNCTION t_script_f();\n";
  db_->write([&](Tx& tx) { tx.script(GetParam() == Backend::sqlite ? sqlite_script : pg_script); });
  db_->write([&](Tx& tx) { tx.exec("INSERT INTO t_script (n) VALUES (?)", {std::int64_t{7}}); });
  EXPECT_EQ(count(*db_, "t_script_log"), 2);
  // A broken script fails and leaves nothing of itself behind.
  EXPECT_THROW(db_->write([&](Tx& tx) { tx.script("CREATE TABLE t_half (x INTEGER);\nTHIS IS NOT SQL;\n"); }), DbError);
  EXPECT_THROW(count(*db_, "t_half"), DbError);
}

// Issue 11: the per-connection statement cache stays bounded however many distinct texts run.
TEST_P(StoreTest, StatementCacheIsBounded) {
  db_ = open(DbOptions{.pool_size = 1});
  std::size_t most = 0;
  for (int i = 0; i < 3 * static_cast<int>(kStatementCacheSize); ++i)
    db_->read([&](Tx& tx) {
      EXPECT_EQ(tx.one("SELECT " + std::to_string(i) + " + ?", {std::int64_t{1}})->i64(0), i + 1);
      most = std::max(most, tx.cached_statements());
    });
  EXPECT_LE(most, kStatementCacheSize + 1);
  EXPECT_GT(most, 0u);
}

TEST_P(StoreTest, MigrateRefusesADatabaseFromANewerVersion) {
  migrate(*db_);
  db_->write([](Tx& tx) {
    tx.exec("INSERT INTO schema_migrations (version, applied_at) VALUES ('9999_from_the_future.sql', '')");
  });
  try {
    migrate(*db_);
    FAIL() << "migrate accepted an unknown migration";
  } catch (const DbError& e) {
    EXPECT_NE(std::string(e.what()).find("9999_from_the_future.sql"), std::string::npos) << e.what();
  }
}

TEST_P(StoreTest, MigrateAppliesOnceAndIsIdempotent) {
  auto first = migrate(*db_);
  ASSERT_GE(first.size(), 1u);
  EXPECT_EQ(first.front(), "0001_platform.sql");
  EXPECT_TRUE(std::is_sorted(first.begin(), first.end()));
  EXPECT_TRUE(migrate(*db_).empty());
  // A second Database on the same storage sees the recorded version too.
  auto again = open(DbOptions{});
  EXPECT_TRUE(migrate(*again).empty());
  db_->read([&](Tx& tx) {
    auto rows = tx.query("SELECT version, applied_at FROM schema_migrations ORDER BY version");
    ASSERT_EQ(rows.size(), first.size());
    EXPECT_EQ(rows[0].str(0), "0001_platform.sql");
    EXPECT_EQ(rows[0].str(1).size(), 24u) << rows[0].str(1);  // YYYY-MM-DDTHH:MM:SS.mmmZ
  });
  // The schema is usable: every table of 0001 answers.
  for (const char* t : {"departments", "users", "user_roles", "sessions", "api_tokens", "audit_log", "record_acl",
                        "idempotency_keys", "job_descriptions", "job_acknowledgements"})
    EXPECT_EQ(count(*db_, t), 0) << t;
}

TEST_P(StoreTest, ConcurrentMigrateAppliesOnce) {
  // Several processes starting at once on one database: each migration is applied exactly once.
  constexpr int kRunners = 4;
  std::vector<std::unique_ptr<Database>> dbs;
  for (int i = 0; i < kRunners; ++i) dbs.push_back(open(DbOptions{.pool_size = 1}));
  std::vector<std::vector<std::string>> applied(kRunners);
  std::vector<std::string> errors(kRunners);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRunners; ++i)
    threads.emplace_back([&, i] {
      try {
        applied[i] = migrate(*dbs[i]);
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  for (auto& t : threads) t.join();
  std::size_t total = 0;
  for (int i = 0; i < kRunners; ++i) {
    EXPECT_EQ(errors[i], "") << "runner " << i;
    total += applied[i].size();
  }
  // Every migration was applied by exactly one runner.
  EXPECT_GE(total, 1u);
  EXPECT_EQ(count(*db_, "schema_migrations"), static_cast<std::int64_t>(total));
}

TEST_P(StoreTest, InsertReturningId) {
  migrate(*db_);
  std::int64_t a = 0, b = 0;
  db_->write([&](Tx& tx) {
    a = add_department(tx, "Sales");
    b = add_department(tx, "Credit");
  });
  EXPECT_GT(a, 0);
  EXPECT_GT(b, a);
  auto name = db_->read_value([&](Tx& tx) { return tx.one("SELECT name FROM departments WHERE id = ?", {b})->str(0); });
  EXPECT_EQ(name, "Credit");
}

TEST_P(StoreTest, QueryWithNullIntAndTextParams) {
  migrate(*db_);
  const std::string now = now_iso();
  std::int64_t dep = 0;
  db_->write([&](Tx& tx) {
    dep = add_department(tx, "Риски");  // UTF-8 round trip
    const std::string sql =
        "INSERT INTO users (login, full_name, password_hash, department_id, disabled, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)";
    EXPECT_EQ(tx.exec(sql, {std::string("ivanov"), std::string("Иван Иванов"), std::string("h"), dep,
                            std::int64_t{0}, now, now}),
              1);
    EXPECT_EQ(tx.exec(sql, {std::string("nobody"), std::string(""), std::string("h"),
                            opt(std::optional<std::int64_t>{}), std::int64_t{1}, now, now}),
              1);
  });
  db_->read([&](Tx& tx) {
    auto r = tx.one("SELECT login, department_id, disabled, full_name FROM users WHERE department_id IS NULL");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->str(0), "nobody");
    EXPECT_TRUE(r->null(1));
    EXPECT_EQ(r->opt_i64(1), std::nullopt);
    EXPECT_EQ(r->i64(1), 0);
    EXPECT_EQ(r->i64(2), 1);
    EXPECT_FALSE(r->null(3));
    EXPECT_EQ(r->opt_str(3), std::optional<std::string>(""));

    auto rows = tx.query("SELECT u.full_name, d.name FROM users u JOIN departments d ON d.id = u.department_id "
                         "WHERE u.disabled = ? AND u.login = ? AND u.department_id = ?",
                         {std::int64_t{0}, std::string("ivanov"), dep});
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].str(0), "Иван Иванов");
    EXPECT_EQ(rows[0].str(1), "Риски");

    // A NULL parameter matches nothing with '=' and everything with IS NULL semantics via COALESCE.
    EXPECT_TRUE(tx.query("SELECT id FROM users WHERE department_id = ?", {nullptr}).empty());
    EXPECT_EQ(tx.query("SELECT id FROM users WHERE COALESCE(department_id, -1) = COALESCE(?, -1)", {nullptr}).size(),
              1u);
    EXPECT_EQ(tx.query("SELECT id FROM users WHERE login = ?", {std::string("nobody' OR '1'='1")}).size(), 0u);
    EXPECT_THROW(Row({std::string("x")}).i64(0), DbError);
  });
}

TEST_P(StoreTest, ExecReturnsChangedRows) {
  migrate(*db_);
  db_->write([&](Tx& tx) {
    for (const char* n : {"a", "b", "c"}) add_department(tx, n);
    EXPECT_EQ(tx.exec("UPDATE departments SET version = version + 1 WHERE name <> ?", {std::string("b")}), 2);
    EXPECT_EQ(tx.exec("DELETE FROM departments WHERE name = ?", {std::string("zzz")}), 0);
  });
  EXPECT_EQ(db_->read_value([](Tx& tx) { return tx.one("SELECT SUM(version) FROM departments")->i64(0); }), 5);
}

TEST_P(StoreTest, ComparisonsReadAsIntegers) {
  // PostgreSQL booleans arrive as "1"/"0", like SQLite's.
  db_->read([](Tx& tx) {
    auto r = tx.one("SELECT 1 = 1, 1 = 2, ? = ?", {std::int64_t{4}, std::int64_t{4}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->i64(0), 1);
    EXPECT_EQ(r->i64(1), 0);
    EXPECT_EQ(r->i64(2), 1);
  });
}

TEST_P(StoreTest, UniqueViolationKind) {
  migrate(*db_);
  db_->write([&](Tx& tx) { add_department(tx, "Dup"); });
  auto kind = error_kind([&] { db_->write([&](Tx& tx) { add_department(tx, "Dup"); }); });
  EXPECT_EQ(kind, DbError::Kind::unique_violation);
  // A duplicate primary key is the same kind.
  db_->write([&](Tx& tx) { tx.exec("INSERT INTO user_roles (user_id, role) SELECT 0, 'x' WHERE 1 = 0"); });
  EXPECT_EQ(count(*db_, "departments"), 1);
}

TEST_P(StoreTest, ForeignKeyViolationKind) {
  migrate(*db_);
  auto kind = error_kind([&] {
    db_->write([&](Tx& tx) {
      tx.exec("INSERT INTO users (login, password_hash, department_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
              {std::string("ghost"), std::string("h"), std::int64_t{987654}, now_iso(), now_iso()});
    });
  });
  EXPECT_EQ(kind, DbError::Kind::foreign_key);
  EXPECT_EQ(count(*db_, "users"), 0);
}

TEST_P(StoreTest, OtherErrorsAreKindOther) {
  EXPECT_EQ(error_kind([&] { db_->read([](Tx& tx) { tx.query("SELECT * FROM no_such_table"); }); }),
            DbError::Kind::other);
  EXPECT_EQ(error_kind([&] { db_->write([](Tx& tx) { tx.exec("THIS IS NOT SQL"); }); }), DbError::Kind::other);
  // The connections stay usable.
  EXPECT_TRUE(db_->ping());
}

TEST_P(StoreTest, WriteRollsBackOnException) {
  migrate(*db_);
  EXPECT_THROW(db_->write([&](Tx& tx) {
    add_department(tx, "one");
    add_department(tx, "two");
    throw std::runtime_error("callback failed");
  }),
               std::runtime_error);
  EXPECT_EQ(count(*db_, "departments"), 0);

  // A DbError part-way also undoes the statements before it.
  EXPECT_THROW(db_->write([&](Tx& tx) {
    add_department(tx, "three");
    add_department(tx, "three");
  }),
               DbError);
  EXPECT_EQ(count(*db_, "departments"), 0);

  // The connection is clean for the next transaction.
  db_->write([&](Tx& tx) { add_department(tx, "four"); });
  EXPECT_EQ(count(*db_, "departments"), 1);
}

TEST_P(StoreTest, SwallowedFailureInsideWrite) {
  migrate(*db_);
  db_->write([&](Tx& tx) { add_department(tx, "taken"); });
  auto swallow = [&] {
    db_->write([&](Tx& tx) {
      add_department(tx, "kept?");
      try {
        add_department(tx, "taken");
      } catch (const DbError&) {
      }
    });
  };
  if (GetParam() == Backend::sqlite) {
    // SQLite undoes only the failed statement.
    swallow();
    EXPECT_EQ(count(*db_, "departments"), 2);
  } else {
    // PostgreSQL aborts the whole transaction; write() says so instead of pretending to commit.
    EXPECT_EQ(error_kind(swallow), DbError::Kind::unique_violation);
    EXPECT_EQ(count(*db_, "departments"), 1);
  }
}

TEST_P(StoreTest, ReadSeesCommittedDataAndKeepsItsSnapshot) {
  migrate(*db_);
  db_->write([&](Tx& tx) { add_department(tx, "committed"); });
  EXPECT_EQ(count(*db_, "departments"), 1);
  db_->read([&](Tx& tx) {
    EXPECT_EQ(tx.one("SELECT COUNT(*) FROM departments")->i64(0), 1);
    // Another connection commits while this read is open: the read keeps its snapshot.
    std::thread([&] { db_->write([&](Tx& w) { add_department(w, "later"); }); }).join();
    EXPECT_EQ(tx.one("SELECT COUNT(*) FROM departments")->i64(0), 1);
  });
  EXPECT_EQ(count(*db_, "departments"), 2);
  auto names = db_->read_value([](Tx& tx) {
    std::vector<std::string> out;
    for (const auto& r : tx.query("SELECT name FROM departments ORDER BY id")) out.push_back(r.str(0));
    return out;
  });
  EXPECT_EQ(names, (std::vector<std::string>{"committed", "later"}));
}

TEST_P(StoreTest, ConcurrentWritersAllLand) {
  migrate(*db_);
  constexpr int kThreads = 4, kEach = 200;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        try {
          db_->write([&](Tx& tx) {
            tx.exec("INSERT INTO audit_log (at, action, object_type, object_id) VALUES (?, ?, ?, ?)",
                    {now_iso(), std::string("create"), std::string("t") + std::to_string(t), std::int64_t{i}});
          });
        } catch (const std::exception& e) {
          if (failures++ == 0) ADD_FAILURE() << e.what();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(count(*db_, "audit_log"), kThreads * kEach);
  db_->read([&](Tx& tx) {
    auto rows = tx.query("SELECT object_type, COUNT(DISTINCT object_id) FROM audit_log GROUP BY object_type");
    ASSERT_EQ(rows.size(), static_cast<std::size_t>(kThreads));
    for (const auto& r : rows) EXPECT_EQ(r.i64(1), kEach) << r.str(0);
    EXPECT_EQ(tx.one("SELECT COUNT(DISTINCT id) FROM audit_log")->i64(0), kThreads * kEach);
  });
  auto s = db_->stats();
  EXPECT_LE(s.size, s.max);
  EXPECT_EQ(s.in_use, 0);
}

TEST_P(StoreTest, PoolStats) {
  auto db = open(DbOptions{.pool_size = 2});
  auto s = db->stats();
  EXPECT_EQ(s.max, 2);
  EXPECT_EQ(s.size, 1);  // the constructor opened one connection to fail early
  EXPECT_EQ(s.in_use, 0);
  EXPECT_EQ(s.waits, 0u);
  db->read([&](Tx&) {
    EXPECT_EQ(db->stats().in_use, 1);
    db->read([&](Tx&) {
      auto inner = db->stats();
      EXPECT_EQ(inner.in_use, 2);
      EXPECT_EQ(inner.size, 2);
    });
  });
  EXPECT_EQ(db->stats().in_use, 0);
  EXPECT_EQ(db->stats().size, 2);

  // With both connections busy, a third borrower waits and is counted.
  std::atomic<bool> release{false};
  std::thread holder([&] {
    db->read([&](Tx&) {
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
  });
  std::thread waiter;
  db->read([&](Tx&) {
    while (db->stats().in_use < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    waiter = std::thread([&] { db->read([](Tx& tx) { tx.one("SELECT 1"); }); });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (db->stats().waits == 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    EXPECT_EQ(db->stats().waits, 1u);
    release = true;
  });
  holder.join();
  waiter.join();
  s = db->stats();
  EXPECT_EQ(s.in_use, 0);
  EXPECT_EQ(s.size, 2);
  EXPECT_EQ(s.waits, 1u);
}

TEST_P(StoreTest, MarkerInsideLiteralsIdentifiersAndComments) {
  migrate(*db_);
  db_->read([](Tx& tx) {
    auto r = tx.one("SELECT 'a?b', ?, 'it''s ?', ? AS \"q?\" -- why?\n", {std::string("x"), std::string("y")});
    ASSERT_TRUE(r);
    ASSERT_EQ(r->size(), 4u);
    EXPECT_EQ(r->str(0), "a?b");
    EXPECT_EQ(r->str(1), "x");
    EXPECT_EQ(r->str(2), "it's ?");
    EXPECT_EQ(r->str(3), "y");
    auto c = tx.one("SELECT /* ? */ ? || '?'", {std::string("z")});
    ASSERT_TRUE(c);
    EXPECT_EQ(c->str(0), "z?");
  });
  db_->write([](Tx& tx) {
    tx.exec("INSERT INTO departments (name, created_at) VALUES ('what?', ?)", {now_iso()});
    EXPECT_EQ(tx.one("SELECT COUNT(*) FROM departments WHERE name = 'what?' AND version = ?", {std::int64_t{1}})->i64(0),
              1);
  });
}

// PostgreSQL only: its own quoting forms hide `?` too.
TEST_P(StoreTest, MarkerInsidePostgresQuoting) {
  if (GetParam() != Backend::postgres) GTEST_SKIP() << "PostgreSQL syntax";
  db_->read([](Tx& tx) {
    auto r = tx.one("SELECT E'a\\'?', $$b?$$, $t$c?$t$, ? /* x /* nested? */ ? */", {std::string("d")});
    ASSERT_TRUE(r);
    ASSERT_EQ(r->size(), 4u);
    EXPECT_EQ(r->str(0), "a'?");
    EXPECT_EQ(r->str(1), "b?");
    EXPECT_EQ(r->str(2), "c?");
    EXPECT_EQ(r->str(3), "d");
  });
}

TEST_P(StoreTest, ParameterCountMismatchIsAnError) {
  EXPECT_THROW(db_->read([](Tx& tx) { tx.query("SELECT ?, ?", {std::int64_t{1}, std::int64_t{2}, std::int64_t{3}}); }),
               DbError);
  EXPECT_TRUE(db_->ping());
}

// PostgreSQL only: a connection killed by the server is dropped from the pool and replaced.
TEST_P(StoreTest, LostConnectionIsDiscarded) {
  if (GetParam() != Backend::postgres) GTEST_SKIP() << "PostgreSQL connection handling";
  auto db = open(DbOptions{.pool_size = 2});
  auto pid_of = [](Tx& tx) { return tx.one("SELECT pg_backend_pid()")->i64(0); };
  auto kill = [&](std::int64_t pid) {
    admin_->write([&](Tx& tx) { tx.one("SELECT pg_terminate_backend(CAST(? AS INTEGER), 5000)", {pid}); });
  };

  // Killed while idle in the pool: the next transaction gets a fresh connection transparently.
  const std::int64_t idle_pid = db->read_value(pid_of);
  kill(idle_pid);
  std::int64_t next_pid = db->read_value(pid_of);
  EXPECT_NE(next_pid, idle_pid);
  EXPECT_EQ(db->stats().size, 1);

  // Killed in the middle of a transaction: Kind::connection, and the connection is dropped.
  auto kind = error_kind([&] {
    db->write([&](Tx& tx) {
      kill(pid_of(tx));
      tx.one("SELECT 1");
    });
  });
  EXPECT_EQ(kind, DbError::Kind::connection);
  auto s = db->stats();
  EXPECT_EQ(s.size, 0);
  EXPECT_EQ(s.in_use, 0);
  EXPECT_TRUE(db->ping());
  EXPECT_EQ(db->stats().size, 1);
}

// PostgreSQL only: errors and descriptions never show the password.
TEST_P(StoreTest, PasswordNeverShown) {
  if (GetParam() != Backend::postgres) GTEST_SKIP() << "PostgreSQL URLs";
  // The test server trusts socket connections, so a password in the URL is simply not needed.
  auto db = open_database(with_query(url_, "password=Sekr3tPass"));
  EXPECT_TRUE(db->ping());
  EXPECT_EQ(db->describe().find("Sekr3tPass"), std::string::npos) << db->describe();
  EXPECT_NE(db->describe().find("password=***"), std::string::npos) << db->describe();

  for (const std::string bad : {"postgresql://admin:Sekr3tPass@/sdelka?host=/nonexistent-sdelka-dir&connect_timeout=2",
                                "postgresql://admin:Sekr3tPass@[::1/sdelka", "postgres://admin:Sekr3tPass@h/%zz",
                                "postgresql://admin:Sekr3tPass@/x?sslpassword=Sekr3tPass&bogus=1"}) {
    try {
      open_database(bad);
      ADD_FAILURE() << "opened " << bad;
    } catch (const DbError& e) {
      EXPECT_EQ(e.kind, DbError::Kind::connection) << e.what();
      EXPECT_EQ(std::string(e.what()).find("Sekr3tPass"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("admin:***@"), std::string::npos) << e.what();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values(Backend::sqlite, Backend::postgres),
                         [](const ::testing::TestParamInfo<Backend>& i) {
                           return i.param == Backend::sqlite ? std::string("SQLite") : std::string("PostgreSQL");
                         });

}  // namespace

TEST(StoreTime, NowIsoIsUtcToTheMillisecond) {
  const std::time_t before = std::time(nullptr);
  const std::string s = now_iso();
  const std::time_t after = std::time(nullptr);
  ASSERT_TRUE(std::regex_match(s, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)"))) << s;
  // The seconds part is one of the wall-clock seconds around the call, in UTC.
  bool matched = false;
  for (std::time_t t = before; t <= after; ++t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    matched = matched || s.compare(0, 19, buf) == 0;
  }
  EXPECT_TRUE(matched) << s;
  EXPECT_GT(iso_after(86400), s);
}

// Issue 11, defect 6: SQLite commits are durable against power loss by default (synchronous=FULL);
// NORMAL only when asked for.
TEST(StoreSqlite, SynchronousIsFullByDefaultAndNormalOnRequest) {
  const auto dir = fs::temp_directory_path() / ("sdelka-sync-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto mode = [&](const DbOptions& o, const std::string& name) {
    auto db = open_database("sqlite:" + (dir / name).string(), o);
    std::int64_t v = -1;
    db->read([&](Tx& tx) { v = tx.one("PRAGMA synchronous")->i64(0); });
    return v;
  };
  EXPECT_EQ(mode(DbOptions{}, "a.db"), 2);  // FULL
  DbOptions normal;
  normal.sqlite_synchronous_full = false;
  EXPECT_EQ(mode(normal, "b.db"), 1);  // NORMAL
  fs::remove_all(dir);
}
