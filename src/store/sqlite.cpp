// SQLite backend: WAL, synchronous=FULL (NORMAL on request), busy_timeout, foreign keys, one connection per
// borrower from a bounded pool, prepared statements cached per connection.
#include <sqlite3.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "store/fts_ru.hpp"
#include "store/pool.hpp"
#include "store/sqlite.hpp"

namespace sdelka::store {
namespace {

[[noreturn]] void fail(sqlite3* db, int rc, std::string_view what) {
  int ext = db ? sqlite3_extended_errcode(db) : rc;
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  DbError::Kind kind = DbError::Kind::other;
  if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) kind = DbError::Kind::unique_violation;
  else if (ext == SQLITE_CONSTRAINT_FOREIGNKEY) kind = DbError::Kind::foreign_key;
  else if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) kind = DbError::Kind::busy;
  else if ((rc & 0xff) == SQLITE_CANTOPEN) kind = DbError::Kind::connection;
  throw DbError(kind, msg);
}

// Before the first connection: no memory statistics. With them (the library's default) every
// allocation and free inside SQLite takes one process-wide mutex, which the connections of
// concurrent requests then queue on. Sdelka never asks for the statistics.
void configure_library() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });  // SQLITE_MISUSE once initialised: harmless
}

class Conn {
 public:
  Conn(const std::string& path, int busy_ms, bool sync_full, SqliteHook hook) {
    configure_library();
    int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      throw DbError(DbError::Kind::connection, "cannot open SQLite database " + path + ": " + msg);
    }
    sqlite3_busy_timeout(db_, busy_ms);
    sqlite3_extended_result_codes(db_, 1);
    run("PRAGMA journal_mode=WAL");
    run(sync_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    run("PRAGMA foreign_keys=ON");
    run("PRAGMA temp_store=MEMORY");
    run("PRAGMA cache_size=-65536");
    register_fts_ru(db_);  // the Russian full-text tokenizer the migrations use
    if (hook) hook(db_);
  }
  ~Conn() {
    for (auto& [_, st] : cache_) sqlite3_finalize(st);
    sqlite3_close_v2(db_);
  }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  void run(const char* sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      fail(db_, rc, msg);
    }
  }

  // Runs a parameterless statement through the statement cache (BEGIN/COMMIT on every request
  // would otherwise be parsed again each time).
  void run_cached(std::string_view sql) {
    sqlite3_stmt* st = prepare(sql);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) fail(db_, rc, std::string(sql));
  }

  sqlite3_stmt* prepare(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &st, nullptr);
    if (rc != SQLITE_OK) fail(db_, rc, "prepare");
    if (cache_.size() >= kStatementCacheSize) {
      // Drop the statements not running now (an outer `each` may still be stepping one).
      for (auto i = cache_.begin(); i != cache_.end();) {
        if (sqlite3_stmt_busy(i->second)) {
          ++i;
        } else {
          sqlite3_finalize(i->second);
          i = cache_.erase(i);
        }
      }
    }
    cache_.emplace(std::string(sql), st);
    return st;
  }
  std::size_t cached() const { return cache_.size(); }

  void script(const std::string& sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : "";
      sqlite3_free(err);
      fail(db_, rc, "script: " + msg);
    }
  }

  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, SqlEq> cache_;
};

class SqliteTx final : public Tx {
 public:
  explicit SqliteTx(Conn& c) : c_(c) {}
  Backend backend() const override { return Backend::sqlite; }

  Rows query(std::string_view sql, const Params& params) override {
    Rows rows;
    step_all(sql, params, &rows);
    return rows;
  }
  std::int64_t exec(std::string_view sql, const Params& params) override {
    step_all(sql, params, nullptr);
    return sqlite3_changes64(c_.handle());
  }
  void script(const std::string& sql) override { c_.script(sql); }
  std::size_t cached_statements() const override { return c_.cached(); }
  void each(std::string_view sql, const Params& params, const std::function<void(const Cursor&)>& fn) override {
    sqlite3_stmt* st = c_.prepare(sql);
    Reset reset{st};
    bind(st, params);
    StmtCursor cur(st);
    for (;;) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) fail(c_.handle(), rc, std::string("statement failed: ") + std::string(sql.substr(0, 80)));
      fn(cur);
    }
  }

 private:
  struct Reset {
    sqlite3_stmt* s;
    ~Reset() { sqlite3_reset(s); sqlite3_clear_bindings(s); }
  };
  // The current row of a statement, read in place.
  class StmtCursor final : public Cursor {
   public:
    explicit StmtCursor(sqlite3_stmt* st) : st_(st) {}
    bool null(std::size_t i) const override { return sqlite3_column_type(st_, col(i)) == SQLITE_NULL; }
    std::string_view text(std::size_t i) const override {
      const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st_, col(i)));
      return t ? std::string_view(t, static_cast<std::size_t>(sqlite3_column_bytes(st_, col(i)))) : std::string_view();
    }
    std::int64_t i64(std::size_t i) const override { return sqlite3_column_int64(st_, col(i)); }

   private:
    static int col(std::size_t i) { return static_cast<int>(i); }
    sqlite3_stmt* st_;
  };

  void bind(sqlite3_stmt* st, const Params& params) {
    int n = 0;
    for (const auto& p : params) {
      ++n;
      int rc = SQLITE_OK;
      if (std::holds_alternative<std::nullptr_t>(p)) rc = sqlite3_bind_null(st, n);
      else if (auto* i = std::get_if<std::int64_t>(&p)) rc = sqlite3_bind_int64(st, n, *i);
      else {
        const auto& s = std::get<std::string>(p);
        rc = sqlite3_bind_text64(st, n, s.data(), s.size(), SQLITE_STATIC, SQLITE_UTF8);
      }
      if (rc != SQLITE_OK) fail(c_.handle(), rc, "bind");
    }
  }

  void step_all(std::string_view sql, const Params& params, Rows* rows) {
    sqlite3_stmt* st = c_.prepare(sql);
    Reset reset{st};
    bind(st, params);
    const int cols = sqlite3_column_count(st);
    for (;;) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) fail(c_.handle(), rc, std::string("statement failed: ") + std::string(sql.substr(0, 80)));
      if (!rows) continue;
      std::vector<std::optional<std::string>> v;
      v.reserve(cols);
      for (int i = 0; i < cols; ++i) {
        if (sqlite3_column_type(st, i) == SQLITE_NULL) {
          v.emplace_back(std::nullopt);
        } else {
          const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
          v.emplace_back(std::string(t, static_cast<std::size_t>(sqlite3_column_bytes(st, i))));
        }
      }
      rows->emplace_back(std::move(v));
    }
  }
  Conn& c_;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, const DbOptions& o, SqliteHook hook)
      : path_(std::move(path)),
        pool_(o.pool_size, [this, ms = o.busy_timeout_ms, full = o.sqlite_synchronous_full, hook] {
          return std::make_unique<Conn>(path_, ms, full, hook);
        }) {
    auto lease = pool_.acquire();  // fail early on an unopenable path
  }
  Backend backend() const override { return Backend::sqlite; }

  void read(const std::function<void(Tx&)>& fn) override { run(fn, "BEGIN DEFERRED"); }
  void write(const std::function<void(Tx&)>& fn) override { run(fn, "BEGIN IMMEDIATE"); }

  bool ping() noexcept override {
    try {
      bool ok = false;
      read([&](Tx& tx) { ok = tx.one("SELECT 1").has_value(); });
      return ok;
    } catch (...) {
      return false;
    }
  }
  PoolStats stats() const override { return pool_.stats(); }
  std::string describe() const override { return "sqlite:" + path_; }

 private:
  void run(const std::function<void(Tx&)>& fn, const char* begin) {
    auto lease = pool_.acquire();
    lease->run_cached(begin);
    SqliteTx tx(*lease);
    try {
      fn(tx);
      lease->run_cached("COMMIT");
    } catch (...) {
      sqlite3_exec(lease->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }
  std::string path_;
  Pool<Conn> pool_;
};

}  // namespace

static SqliteHook& global_hook() {
  static SqliteHook hook;
  return hook;
}

void set_sqlite_connection_hook(SqliteHook hook) { global_hook() = std::move(hook); }

std::unique_ptr<Database> open_sqlite(const std::string& path, const DbOptions& opts) {
  return std::make_unique<SqliteDatabase>(path, opts, global_hook());
}

std::string sqlite_backup(const std::string& from_path, const std::string& to_path) {
  sqlite3* src = nullptr;
  sqlite3* dst = nullptr;
  auto close_both = [&] { sqlite3_close(src); sqlite3_close(dst); };
  if (sqlite3_open_v2(from_path.c_str(), &src, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string m = "cannot open " + from_path + ": " + sqlite3_errmsg(src);
    close_both();
    return m;
  }
  if (sqlite3_open_v2(to_path.c_str(), &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    std::string m = "cannot create " + to_path + ": " + sqlite3_errmsg(dst);
    close_both();
    return m;
  }
  sqlite3_busy_timeout(src, 5000);
  sqlite3_busy_timeout(dst, 5000);
  sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
  if (!b) {
    std::string m = std::string("backup failed: ") + sqlite3_errmsg(dst);
    close_both();
    return m;
  }
  int rc;
  // Copy in steps so that writers to the source are not blocked for long.
  do {
    rc = sqlite3_backup_step(b, 1024);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(b);
  std::string err = rc == SQLITE_DONE ? "" : std::string("backup failed: ") + sqlite3_errstr(rc);
  if (err.empty()) {
    // The copy is a self-contained file: leave it in rollback-journal mode.
    sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
  }
  close_both();
  return err;
}

std::string sqlite_integrity_check(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string m = "cannot open " + path + ": " + sqlite3_errmsg(db);
    sqlite3_close(db);
    return m;
  }
  std::string result;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) {
      const char* t = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      if (!result.empty()) result += "; ";
      result += t ? t : "";
    }
    sqlite3_finalize(st);
  } else {
    result = sqlite3_errmsg(db);
  }
  // A file that is not a database fails to prepare ("file is not a database").
  sqlite3_stmt* st2 = nullptr;
  if (result == "ok" && sqlite3_prepare_v2(db, "SELECT count(*) FROM schema_migrations", -1, &st2, nullptr) != SQLITE_OK)
    result = std::string("not a Sdelka database: ") + sqlite3_errmsg(db);
  sqlite3_finalize(st2);
  sqlite3_close(db);
  return result == "ok" ? "" : result;
}

}  // namespace sdelka::store
