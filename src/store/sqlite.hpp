#pragma once
// SQLite-specific operations that have no PostgreSQL twin (PostgreSQL uses pg_dump / PITR).
#include <functional>
#include <string>

struct sqlite3;

namespace sdelka::store {

// Called on every new SQLite connection (e.g. to register the FTS5 Russian tokenizer).
using SqliteHook = std::function<void(sqlite3*)>;
// Sets the hook for connections opened after the call. Not thread-safe: call at start-up.
void set_sqlite_connection_hook(SqliteHook hook);

// Online backup of the database at from_path into to_path (created or overwritten) with the
// SQLite backup API; safe while a server writes. Returns "" on success, else the reason.
std::string sqlite_backup(const std::string& from_path, const std::string& to_path);

// PRAGMA integrity_check of the file plus a check that it holds Sdelka's schema.
// Returns "" when the file is sound, else what is wrong.
std::string sqlite_integrity_check(const std::string& path);

}  // namespace sdelka::store
