#include "store/database.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <ctime>
#include <cstdio>

#include "core/embedded.hpp"

namespace sdelka {
const std::vector<core::EmbeddedFile>& migration_files();
}

namespace sdelka::store {

std::unique_ptr<Database> open_sqlite(const std::string& path, const DbOptions& opts);
std::unique_ptr<Database> open_postgres(const std::string& url, const DbOptions& opts);

const std::string& Row::str(std::size_t i) const {
  static const std::string empty;
  const auto& v = v_.at(i);
  return v ? *v : empty;
}

std::int64_t Row::i64(std::size_t i) const {
  const auto& v = v_.at(i);
  if (!v) return 0;
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || p != v->data() + v->size())
    throw DbError(DbError::Kind::other, "column " + std::to_string(i) + " is not an integer: " + *v);
  return out;
}

namespace {
// A Row seen as a Cursor: the generic each() of backends that read whole results anyway.
class RowCursor final : public Cursor {
 public:
  explicit RowCursor(const Row& r) : r_(r) {}
  bool null(std::size_t i) const override { return r_.null(i); }
  std::string_view text(std::size_t i) const override { return r_.str(i); }
  std::int64_t i64(std::size_t i) const override { return r_.i64(i); }

 private:
  const Row& r_;
};
}  // namespace

void Tx::each(std::string_view sql, const Params& params, const std::function<void(const Cursor&)>& fn) {
  for (const auto& r : query(sql, params)) fn(RowCursor(r));
}

std::optional<std::int64_t> Row::opt_i64(std::size_t i) const {
  if (null(i)) return std::nullopt;
  return i64(i);
}

std::optional<Row> Tx::one(std::string_view sql, const Params& params) {
  auto rows = query(sql, params);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::unique_ptr<Database> open_database(const std::string& url, const DbOptions& opts) {
  if (url.rfind("sqlite:", 0) == 0) {
    auto path = url.substr(7);
    if (path.empty()) throw DbError(DbError::Kind::connection, "--db sqlite:PATH needs a path");
    return open_sqlite(path, opts);
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) return open_postgres(url, opts);
  throw DbError(DbError::Kind::connection,
                "unknown database URL '" + url + "': use sqlite:PATH or postgresql://…");
}

std::vector<std::string> migrate(Database& db) {
  const std::string prefix = db.backend() == Backend::sqlite ? "sqlite/" : "postgres/";
  // Serialises concurrent migrators (several instances starting at once). SQLite's BEGIN
  // IMMEDIATE already does; on PostgreSQL CREATE TABLE IF NOT EXISTS and the version check race.
  auto serialise = [&db](Tx& tx) {
    if (db.backend() == Backend::postgres) tx.one("SELECT pg_advisory_xact_lock(5362413919384541184)");
  };
  db.write([&](Tx& tx) {
    serialise(tx);
    tx.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)");
  });
  std::vector<std::string> applied;
  std::vector<const core::EmbeddedFile*> files;
  for (const auto& f : migration_files())
    if (f.path.substr(0, prefix.size()) == prefix) files.push_back(&f);
  std::sort(files.begin(), files.end(), [](auto* a, auto* b) { return a->path < b->path; });
  // A database a newer sdelka has migrated is refused: this binary would write rows without
  // what the newer schema keeps with them (e.g. the clients' stored list rows).
  db.read([&](Tx& tx) {
    for (auto& r : tx.query("SELECT version FROM schema_migrations ORDER BY version")) {
      const std::string v = r.str(0);
      if (std::none_of(files.begin(), files.end(), [&](auto* f) { return f->path.substr(prefix.size()) == v; }))
        throw DbError(DbError::Kind::other, "the database was migrated by a newer sdelka (migration " + v +
                                                " is unknown here); run that version or a newer one");
    }
  });
  for (const auto* f : files) {
    std::string version(f->path.substr(prefix.size()));
    db.write([&](Tx& tx) {
      serialise(tx);
      if (tx.one("SELECT 1 FROM schema_migrations WHERE version = ?", {version})) return;
      // The file runs as one script: the database splits it (trigger bodies stay whole).
      tx.script(std::string(f->data));
      tx.exec("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", {version, now_iso()});
      applied.push_back(version);
    });
  }
  return applied;
}

static std::string format_iso(std::chrono::system_clock::time_point tp) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(tp.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  // "YYYY-MM-DDTHH:MM:SS.mmmZ", written digit by digit (this runs for every write of a bulk import).
  std::string out = "0000-00-00T00:00:00.000Z";
  auto put = [&out](std::size_t end, int value, int width) {
    for (int i = 0; i < width; ++i, value /= 10) out[end - static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
  };
  put(3, tm.tm_year + 1900, 4);
  put(6, tm.tm_mon + 1, 2);
  put(9, tm.tm_mday, 2);
  put(12, tm.tm_hour, 2);
  put(15, tm.tm_min, 2);
  put(18, tm.tm_sec, 2);
  put(22, static_cast<int>(ms % 1000), 3);
  return out;
}

std::string now_iso() { return format_iso(std::chrono::system_clock::now()); }

std::string iso_after(std::int64_t seconds) {
  return format_iso(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
}

}  // namespace sdelka::store
