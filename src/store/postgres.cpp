// PostgreSQL backend (libpq), implementing the contract of database.hpp.
//
// - Connections come from a bounded Pool<Conn>, opened lazily with PQconnectdb(url); the
//   constructor opens the first one so that a wrong URL or a server that is down fails at start.
//   When the URL sets no connect_timeout (and PGCONNECT_TIMEOUT is unset), 10 s is added.
// - `?` parameter markers become $1..$n (not inside '…', E'…', "…", $tag$…$tag$ or comments). The
//   `?` jsonb operators therefore cannot be written; use the jsonb_exists* functions.
// - Every statement is prepared once per connection (PQprepare, named per connection, cached by
//   its SQL text) and run with PQexecPrepared. Parameters are sent as text with no declared type,
//   so the server infers each one from its context; where it cannot (`SELECT ? IS NULL`), write
//   CAST(? AS BIGINT) / CAST(? AS TEXT), which SQLite accepts as well.
// - Values come back as text; booleans are turned into "1"/"0" like SQLite's comparisons.
// - read() runs in BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY (one snapshot, and a write in a
//   read transaction is an error instead of a surprise); write() runs in BEGIN (READ COMMITTED).
// - After a failed statement PostgreSQL aborts the whole transaction (SQLite only undoes the
//   statement). A callback that catches such a DbError and returns normally therefore does not
//   commit: write()/read() roll back and throw a DbError of the first failure's kind.
// - Connection-level failures (connection gone, SQLSTATE class 08, server shutdown 57P0x) give
//   DbError::Kind::connection and the connection is dropped from the pool. A pooled connection
//   found dead at BEGIN is replaced transparently, since nothing of the caller ran on it yet.
// - DbOptions::busy_timeout_ms is SQLite's; on PostgreSQL set lock_timeout in the URL
//   (options=-c%20lock_timeout%3D5s) to bound lock waits; a timed-out wait is Kind::busy.
#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/pool.hpp"

namespace sdelka::store {
namespace {

constexpr Oid kBoolOid = 16;  // pg_type.oid of boolean

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

// libpq's message on one line: "ERROR:  …\nDETAIL:  …\n" becomes "ERROR:  … DETAIL:  …".
std::string one_line(std::string_view m) {
  std::string out;
  out.reserve(m.size());
  bool space = false;
  for (char ch : m) {
    if (ch == '\n' || ch == '\r' || ch == '\t') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += ch;
  }
  return out;
}

// --- URL handling -------------------------------------------------------------------------------

// The URL with the password of the user-info part and of the password=… / sslpassword=… query
// parameters replaced by "***"; `secrets` receives the raw passwords. Textual, so that it also
// works for a URL that libpq refuses to parse.
std::string redact_url(const std::string& url, std::vector<std::string>* secrets = nullptr) {
  std::string out = url;
  auto scheme = out.find("://");
  const std::size_t auth_begin = scheme == std::string::npos ? 0 : scheme + 3;
  std::size_t slash = out.find('/', auth_begin);
  if (slash == std::string::npos) slash = out.size();
  // The last '@' before the path ends the user info (a password may hold '@' or '?').
  auto at = slash > auth_begin ? out.rfind('@', slash - 1) : std::string::npos;
  if (at != std::string::npos && at >= auth_begin) {
    auto colon = out.find(':', auth_begin);
    if (colon != std::string::npos && colon < at) {
      if (secrets && at > colon + 1) secrets->push_back(out.substr(colon + 1, at - colon - 1));
      out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // Password-like query parameters anywhere after the scheme (a userinfo password holding '?'
  // is already "***" here).
  auto q = out.find('?', auth_begin);
  while (q != std::string::npos) {
    const std::size_t key = q + 1;
    std::size_t end = out.find('&', key);
    if (end == std::string::npos) end = out.size();
    const std::size_t eq = out.find('=', key);
    // password=…, sslpassword=…
    if (eq != std::string::npos && eq < end && eq >= key + 8 && out.compare(eq - 8, 8, "password") == 0) {
      if (secrets && end > eq + 1) secrets->push_back(out.substr(eq + 1, end - eq - 1));
      out.replace(eq + 1, end - eq - 1, "***");
      end = eq + 4;
    }
    q = end < out.size() ? end : std::string::npos;
  }
  return out;
}

// Validates the URL with libpq and adds connect_timeout=10 when none is configured.
std::string checked_url(const std::string& url) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(url.c_str(), &err);
  if (!opts) {
    std::string msg = err ? one_line(err) : "out of memory";
    PQfreemem(err);
    // libpq quotes the URL or a part of it in some messages: never let the password through.
    std::vector<std::string> secrets;
    const std::string red = redact_url(url, &secrets);
    for (auto p = msg.find(url); p != std::string::npos; p = msg.find(url, p + red.size()))
      msg.replace(p, url.size(), red);
    for (const auto& sec : secrets)
      for (auto p = msg.find(sec); p != std::string::npos; p = msg.find(sec, p + 3)) msg.replace(p, sec.size(), "***");
    throw DbError(DbError::Kind::connection, "invalid PostgreSQL URL " + red + ": " + msg);
  }
  bool has_timeout = false;
  for (auto* o = opts; o->keyword; ++o)
    if (std::string_view(o->keyword) == "connect_timeout" && o->val && *o->val) has_timeout = true;
  PQconninfoFree(opts);
  if (has_timeout || std::getenv("PGCONNECT_TIMEOUT")) return url;
  char sep = url.find('?') == std::string::npos ? '?' : '&';
  if (!url.empty() && (url.back() == '?' || url.back() == '&')) return url + "connect_timeout=10";
  return url + sep + "connect_timeout=10";
}

// --- parameter markers -------------------------------------------------------------------------------

bool ident_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' || u == '$' ||
         u >= 0x80;
}

// Index one past a quoted section starting at `i` (sql[i] is the quote); a doubled quote is an
// escaped quote, and with `backslash` a backslash escapes the next character.
std::size_t skip_quoted(std::string_view sql, std::size_t i, char quote, bool backslash) {
  std::size_t j = i + 1;
  while (j < sql.size()) {
    if (backslash && sql[j] == '\\') {
      j += 2;
      continue;
    }
    if (sql[j] == quote) {
      if (j + 1 < sql.size() && sql[j + 1] == quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    ++j;
  }
  return sql.size();
}

// Rewrites `?` parameter markers as $1..$n; returns the SQL and sets `count`.
std::string number_markers(std::string_view sql, int& count) {
  std::string out;
  out.reserve(sql.size() + 16);
  count = 0;
  const std::size_t n = sql.size();
  std::size_t i = 0;
  while (i < n) {
    const char c = sql[i];
    const char next = i + 1 < n ? sql[i + 1] : '\0';
    std::size_t end = i + 1;
    if (c == '\'') {
      // E'…' strings take backslash escapes; the E must not end a longer identifier.
      bool esc = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !ident_char(sql[i - 2]));
      end = skip_quoted(sql, i, '\'', esc);
    } else if (c == '"') {
      end = skip_quoted(sql, i, '"', false);
    } else if (c == '-' && next == '-') {
      end = sql.find('\n', i);
      end = end == std::string_view::npos ? n : end + 1;
    } else if (c == '/' && next == '*') {
      int depth = 1;  // PostgreSQL block comments nest
      end = i + 2;
      while (end < n && depth > 0) {
        if (sql[end] == '/' && end + 1 < n && sql[end + 1] == '*') {
          ++depth;
          end += 2;
        } else if (sql[end] == '*' && end + 1 < n && sql[end + 1] == '/') {
          --depth;
          end += 2;
        } else {
          ++end;
        }
      }
    } else if (c == '$' && (i == 0 || !ident_char(sql[i - 1]))) {
      // $tag$ … $tag$ (tag empty or an identifier not starting with a digit); $1 stays as is.
      std::size_t t = i + 1;
      if (t < n && !(sql[t] >= '0' && sql[t] <= '9')) {
        while (t < n && ident_char(sql[t]) && sql[t] != '$') ++t;
        if (t < n && sql[t] == '$') {
          std::string_view tag = sql.substr(i, t - i + 1);
          auto close = sql.find(tag, t + 1);
          end = close == std::string_view::npos ? n : close + tag.size();
        }
      }
    } else if (c == '?') {
      ++count;
      out += '$';
      out += std::to_string(count);
      ++i;
      continue;
    }
    out.append(sql.substr(i, end - i));
    i = end;
  }
  return out;
}

// --- errors -------------------------------------------------------------------------------------

bool connection_state(std::string_view state) {
  return state.substr(0, 2) == "08" || state == "57P01" || state == "57P02" || state == "57P03";
}

DbError::Kind kind_of(PGconn* c, std::string_view state) {
  if (PQstatus(c) != CONNECTION_OK || connection_state(state)) return DbError::Kind::connection;
  if (state == "23505") return DbError::Kind::unique_violation;
  if (state == "23503") return DbError::Kind::foreign_key;
  if (state == "40001" || state == "40P01" || state == "55P03") return DbError::Kind::busy;
  return DbError::Kind::other;
}

[[noreturn]] void fail(PGconn* c, const PGresult* r, std::string_view what) {
  const char* st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string state = st ? st : "";
  std::string msg = r ? PQresultErrorMessage(r) : "";
  if (msg.empty()) msg = PQerrorMessage(c);
  msg = one_line(msg);
  if (msg.empty()) msg = "no result from server";
  throw DbError(kind_of(c, state), std::string(what) + ": " + msg + (state.empty() ? "" : " [" + state + "]"));
}

std::string sql_head(std::string_view sql) {
  std::size_t cut = std::min<std::size_t>(sql.size(), 80);
  while (cut < sql.size() && cut > 0 && (static_cast<unsigned char>(sql[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  std::string s(sql.substr(0, cut));
  for (auto& ch : s)
    if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
  return cut < sql.size() ? s + "…" : s;
}

// --- connection ---------------------------------------------------------------------------------

struct Prepared {
  std::string name;
  int params = 0;
};

class Conn {
 public:
  Conn(const std::string& url, const std::string& desc) : pg_(PQconnectdb(url.c_str())) {
    if (!pg_) throw DbError(DbError::Kind::connection, "cannot connect to PostgreSQL " + desc + ": out of memory");
    if (PQstatus(pg_) != CONNECTION_OK) {
      std::string msg = one_line(PQerrorMessage(pg_));
      PQfinish(pg_);
      throw DbError(DbError::Kind::connection, "cannot connect to PostgreSQL " + desc + ": " + msg);
    }
    // Notices (e.g. "relation … already exists, skipping") would otherwise go to stderr.
    PQsetNoticeProcessor(pg_, [](void*, const char*) {}, nullptr);
    if (PQsetClientEncoding(pg_, "UTF8") != 0) {
      std::string msg = one_line(PQerrorMessage(pg_));
      PQfinish(pg_);
      throw DbError(DbError::Kind::connection, "cannot set client_encoding UTF8 on " + desc + ": " + msg);
    }
  }
  ~Conn() { PQfinish(pg_); }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  PGconn* handle() { return pg_; }
  bool alive() const { return PQstatus(pg_) == CONNECTION_OK; }
  PGTransactionStatusType tx_status() const { return PQtransactionStatus(pg_); }

  // A parameterless transaction-control command (BEGIN, COMMIT, ROLLBACK). Throws DbError.
  Result command(const char* sql) {
    Result r(PQexec(pg_, sql), &PQclear);
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) fail(pg_, r.get(), sql);
    return r;
  }

  const Prepared& prepare(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second;
    if (cache_.size() >= kStatementCacheSize) {
      // All of them go, in one round trip; nothing runs between calls (PQexecPrepared waits).
      // In a failed transaction the server refuses: keep them, this statement fails anyway.
      Result d(PQexec(pg_, "DEALLOCATE ALL"), &PQclear);
      if (d && PQresultStatus(d.get()) == PGRES_COMMAND_OK) cache_.clear();
    }
    Prepared p;
    const std::string text = number_markers(sql, p.params);
    p.name = "sdelka_" + std::to_string(++counter_);
    Result r(PQprepare(pg_, p.name.c_str(), text.c_str(), 0, nullptr), &PQclear);
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) fail(pg_, r.get(), "prepare failed: " + sql_head(sql));
    return cache_.emplace(std::string(sql), std::move(p)).first->second;
  }

  std::size_t cached() const { return cache_.size(); }

  // A parameterless multi-statement script (the simple query protocol). Throws DbError.
  void script(const std::string& sql) {
    Result r(PQexec(pg_, sql.c_str()), &PQclear);
    if (!r || (PQresultStatus(r.get()) != PGRES_COMMAND_OK && PQresultStatus(r.get()) != PGRES_TUPLES_OK))
      fail(pg_, r.get(), "script failed: " + sql_head(sql));
  }

 private:
  PGconn* pg_;
  std::unordered_map<std::string, Prepared, SqlHash, SqlEq> cache_;
  std::uint64_t counter_ = 0;
};

// --- transaction --------------------------------------------------------------------------------

class PgTx final : public Tx {
 public:
  explicit PgTx(Conn& c) : c_(c) {}
  Backend backend() const override { return Backend::postgres; }
  std::size_t cached_statements() const override { return c_.cached(); }
  void script(const std::string& sql) override {
    try {
      c_.script(sql);
    } catch (const DbError& e) {
      if (!first_error_) first_error_ = e;
      throw;
    }
  }

  Rows query(std::string_view sql, const Params& params) override {
    Result r = run(sql, params);
    const int n = PQntuples(r.get());
    const int cols = PQnfields(r.get());
    std::vector<bool> boolean(static_cast<std::size_t>(cols));
    for (int j = 0; j < cols; ++j) boolean[static_cast<std::size_t>(j)] = PQftype(r.get(), j) == kBoolOid;
    Rows rows;
    rows.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      std::vector<std::optional<std::string>> v;
      v.reserve(static_cast<std::size_t>(cols));
      for (int j = 0; j < cols; ++j) {
        if (PQgetisnull(r.get(), i, j)) {
          v.emplace_back(std::nullopt);
        } else if (boolean[static_cast<std::size_t>(j)]) {
          v.emplace_back(PQgetvalue(r.get(), i, j)[0] == 't' ? "1" : "0");
        } else {
          v.emplace_back(std::string(PQgetvalue(r.get(), i, j), static_cast<std::size_t>(PQgetlength(r.get(), i, j))));
        }
      }
      rows.emplace_back(std::move(v));
    }
    return rows;
  }

  std::int64_t exec(std::string_view sql, const Params& params) override {
    Result r = run(sql, params);
    std::string_view t = PQcmdTuples(r.get());
    std::int64_t n = 0;
    if (!t.empty()) std::from_chars(t.data(), t.data() + t.size(), n);
    return n;
  }

  // The first failure inside this transaction, if any.
  const std::optional<DbError>& first_error() const { return first_error_; }

 private:
  Result run(std::string_view sql, const Params& params) {
    if (c_.tx_status() == PQTRANS_INERROR && first_error_)
      throw DbError(first_error_->kind,
                    std::string("transaction is aborted by an earlier failure, statement not run: ") +
                        first_error_->what());
    try {
      const Prepared& p = c_.prepare(sql);
      if (static_cast<std::size_t>(p.params) != params.size())
        throw DbError(DbError::Kind::other, "statement has " + std::to_string(p.params) + " parameter markers but " +
                                                std::to_string(params.size()) + " parameters were given: " +
                                                sql_head(sql));
      std::vector<std::string> ints;  // keeps the decimal text of integers alive
      ints.reserve(params.size());
      std::vector<const char*> values;
      values.reserve(params.size());
      for (const auto& prm : params) {
        if (std::holds_alternative<std::nullptr_t>(prm)) {
          values.push_back(nullptr);
        } else if (const auto* i = std::get_if<std::int64_t>(&prm)) {
          ints.push_back(std::to_string(*i));
          values.push_back(ints.back().c_str());
        } else {
          values.push_back(std::get<std::string>(prm).c_str());
        }
      }
      Result r(PQexecPrepared(c_.handle(), p.name.c_str(), static_cast<int>(values.size()), values.data(), nullptr,
                              nullptr, 0),
               &PQclear);
      const auto st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
      if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) fail(c_.handle(), r.get(), "statement failed: " + sql_head(sql));
      return r;
    } catch (const DbError& e) {
      if (!first_error_) first_error_ = e;
      throw;
    }
  }

  Conn& c_;
  std::optional<DbError> first_error_;
};

// --- database -----------------------------------------------------------------------------------

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(const std::string& url, const DbOptions& o)
      : url_(checked_url(url)),
        desc_(redact_url(url)),
        pool_(o.pool_size, [this] { return std::make_unique<Conn>(url_, desc_); }) {
    auto lease = pool_.acquire();  // fail early when the server cannot be reached
  }
  Backend backend() const override { return Backend::postgres; }

  void read(const std::function<void(Tx&)>& fn) override {
    run(fn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  }
  void write(const std::function<void(Tx&)>& fn) override { run(fn, "BEGIN"); }

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
  std::string describe() const override { return desc_; }

 private:
  using Lease = Pool<Conn>::Lease;

  // Leaves the connection idle for the next borrower, or drops it. Never throws.
  static void abandon(Lease& lease) noexcept {
    if (lease->alive()) {
      PGresult* r = PQexec(lease->handle(), "ROLLBACK");
      PQclear(r);
    }
    if (!lease->alive() || lease->tx_status() != PQTRANS_IDLE) lease.discard();
  }

  void run(const std::function<void(Tx&)>& fn, const char* begin) {
    // A pooled connection may have died while idle (server restart, idle timeout): replace it.
    // Fresh connections that fail throw from acquire() and end the loop.
    const int attempts = pool_.stats().max + 1;
    for (int attempt = 1;; ++attempt) {
      Lease lease = pool_.acquire();
      try {
        lease->command(begin);
      } catch (const DbError& e) {
        if (e.kind != DbError::Kind::connection) {
          abandon(lease);
          throw;
        }
        lease.discard();
        if (attempt < attempts) continue;
        throw;
      }
      PgTx tx(*lease);
      try {
        fn(tx);
      } catch (...) {
        abandon(lease);
        throw;
      }
      if (lease->tx_status() == PQTRANS_INERROR) {
        // The callback swallowed a failure; PostgreSQL would answer COMMIT with a rollback.
        abandon(lease);
        const auto& first = tx.first_error();
        throw DbError(first ? first->kind : DbError::Kind::other,
                      std::string("transaction rolled back: a statement in it failed: ") +
                          (first ? first->what() : "unknown error"));
      }
      std::string tag;
      try {
        Result r = lease->command("COMMIT");
        tag = PQcmdStatus(r.get());
      } catch (const DbError& e) {
        if (e.kind == DbError::Kind::connection) {
          lease.discard();
          throw DbError(e.kind, std::string("connection lost at COMMIT, the transaction may or may not be committed: ") +
                                    e.what());
        }
        abandon(lease);
        throw;
      }
      if (tag != "COMMIT") {
        abandon(lease);
        throw DbError(DbError::Kind::other, "COMMIT answered " + tag + ": the transaction was not committed");
      }
      if (lease->tx_status() != PQTRANS_IDLE) lease.discard();
      return;
    }
  }

  std::string url_;
  std::string desc_;
  Pool<Conn> pool_;
};

}  // namespace

std::unique_ptr<Database> open_postgres(const std::string& url, const DbOptions& opts) {
  return std::make_unique<PostgresDatabase>(url, opts);
}

}  // namespace sdelka::store
