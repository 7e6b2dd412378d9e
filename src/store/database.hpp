#pragma once
// The one storage interface of Sdelka. Two backends implement it: SQLite (embedded default) and
// PostgreSQL. SQL is written once with `?` parameter markers; the PostgreSQL backend numbers them.
// Portable SQL only: INTEGER/BIGINT, TEXT, `RETURNING`, `ON CONFLICT`, no backend-only functions
// unless the caller branches on backend().
//
// Thread safety: a Database is shared by all threads; each read()/write() call borrows one
// connection from the pool for its duration. A Tx must not leave the callback that received it.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sdelka::store {

enum class Backend { sqlite, postgres };

// A bound parameter: NULL, integer or text.
using Param = std::variant<std::nullptr_t, std::int64_t, std::string>;
using Params = std::vector<Param>;

// Optional text/integer helpers for building Params.
inline Param opt(const std::optional<std::string>& s) { return s ? Param{*s} : Param{nullptr}; }
inline Param opt(const std::optional<std::int64_t>& v) { return v ? Param{*v} : Param{nullptr}; }

// One result row. Values arrive as text (or NULL); typed getters convert.
class Row {
 public:
  explicit Row(std::vector<std::optional<std::string>> v) : v_(std::move(v)) {}
  std::size_t size() const { return v_.size(); }
  bool null(std::size_t i) const { return !v_.at(i).has_value(); }
  // Text of column i; "" for NULL.
  const std::string& str(std::size_t i) const;
  // Integer of column i; 0 for NULL. Throws DbError when the text is not an integer.
  std::int64_t i64(std::size_t i) const;
  std::optional<std::int64_t> opt_i64(std::size_t i) const;
  std::optional<std::string> opt_str(std::size_t i) const { return v_.at(i); }

 private:
  std::vector<std::optional<std::string>> v_;
};

using Rows = std::vector<Row>;

// Storage errors. `kind` lets services turn constraint violations into 409s.
class DbError : public std::runtime_error {
 public:
  enum class Kind { unique_violation, foreign_key, busy, connection, other };
  DbError(Kind k, const std::string& what) : std::runtime_error(what), kind(k) {}
  Kind kind;
};

// The current row of Tx::each(): values read in place, valid only during the callback.
class Cursor {
 public:
  virtual ~Cursor() = default;
  virtual bool null(std::size_t i) const = 0;
  // Text of column i; "" for NULL.
  virtual std::string_view text(std::size_t i) const = 0;
  // Integer of column i; 0 for NULL.
  virtual std::int64_t i64(std::size_t i) const = 0;
  // The same accessors as Row, so that one row mapper serves both.
  std::string str(std::size_t i) const { return std::string(text(i)); }
  std::optional<std::string> opt_str(std::size_t i) const {
    return null(i) ? std::nullopt : std::optional<std::string>(text(i));
  }
  std::optional<std::int64_t> opt_i64(std::size_t i) const {
    return null(i) ? std::nullopt : std::optional<std::int64_t>(i64(i));
  }
};

// A transaction on one connection. Every statement is prepared once per connection and cached.
class Tx {
 public:
  virtual ~Tx() = default;
  // Runs a statement and returns all its rows (empty for non-queries). Throws DbError.
  virtual Rows query(std::string_view sql, const Params& params = {}) = 0;
  // Runs a query and calls fn for each row as it is read, without copying the row first (hot
  // list paths). Throws DbError; an exception from fn stops the query and propagates.
  virtual void each(std::string_view sql, const Params& params, const std::function<void(const Cursor&)>& fn);
  // Runs a statement and returns the number of rows it changed. Throws DbError.
  virtual std::int64_t exec(std::string_view sql, const Params& params = {}) = 0;
  // The first row, or nullopt.
  std::optional<Row> one(std::string_view sql, const Params& params = {});
  // Runs a script of several statements without parameters, as the database's own parser splits
  // it (so that trigger and function bodies with ';' inside stay whole): migrations. Throws DbError.
  virtual void script(const std::string& sql) = 0;
  // How many prepared statements this connection keeps (at most kStatementCacheSize + 1).
  virtual std::size_t cached_statements() const = 0;
  virtual Backend backend() const = 0;
};

// Prepared statements kept per connection at the most; past it the idle ones are dropped (SQL
// built with a varying number of terms would otherwise grow the cache without bound).
inline constexpr std::size_t kStatementCacheSize = 256;

struct PoolStats {
  int size = 0;    // connections open
  int in_use = 0;  // borrowed right now
  int max = 0;     // upper bound
  std::uint64_t waits = 0;  // times a caller waited for a free connection
};

class Database {
 public:
  virtual ~Database() = default;
  Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  virtual Backend backend() const = 0;
  // Runs fn in a read transaction (a consistent snapshot). Exceptions roll back and propagate.
  virtual void read(const std::function<void(Tx&)>& fn) = 0;
  // Runs fn in a write transaction and commits it when fn returns; exceptions roll back and
  // propagate. On SQLite the write lock is taken at the start (BEGIN IMMEDIATE).
  virtual void write(const std::function<void(Tx&)>& fn) = 0;
  // True when the database answers a trivial query.
  virtual bool ping() noexcept = 0;
  virtual PoolStats stats() const = 0;
  // Human-readable target without secrets (for logs).
  virtual std::string describe() const = 0;

  // Convenience: read() returning a value.
  template <class F>
  auto read_value(F&& f) {
    decltype(f(std::declval<Tx&>())) out{};
    read([&](Tx& tx) { out = f(tx); });
    return out;
  }
};

struct DbOptions {
  int pool_size = 8;               // max connections
  int busy_timeout_ms = 5000;      // SQLite
  // SQLite's PRAGMA synchronous: FULL (the default) syncs the WAL at every commit, so that an
  // acknowledged transaction survives a power loss; NORMAL syncs only at checkpoints (a process
  // crash loses nothing, a power loss may lose the last commits). Ignored by PostgreSQL.
  bool sqlite_synchronous_full = true;
};

// Opens "sqlite:PATH" or "postgresql://…" / "postgres://…". Throws DbError with a clear message.
std::unique_ptr<Database> open_database(const std::string& url, const DbOptions& opts = {});

// Applies the embedded migrations of the backend that are not yet recorded in
// schema_migrations, each in its own transaction. Returns the names applied now.
std::vector<std::string> migrate(Database& db);

// Current UTC time as stored in the database: "YYYY-MM-DDTHH:MM:SS.mmmZ" (sorts as text).
std::string now_iso();
// now_iso() shifted by `seconds`.
std::string iso_after(std::int64_t seconds);

}  // namespace sdelka::store
