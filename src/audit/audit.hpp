#pragma once
// The audit log: who did what to which object, with the before/after of changed fields.
// Every service writes its audit record with record() inside the same transaction as the change.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/page.hpp"
#include "auth/model.hpp"

namespace sdelka::store { class Tx; class Database; }

namespace sdelka::audit {

// The changed fields between two JSON objects: {"field": {"from": old, "to": new}, …}.
// Fields listed in `secret` are recorded as changed without their values.
nlohmann::json diff(const nlohmann::json& before, const nlohmann::json& after,
                    const std::vector<std::string>& secret = {});

// Appends one record in the caller's transaction. `actor` may be null for system actions.
// action: "create", "update", "archive", "login", "read_confidential", …
void record(store::Tx& tx, const auth::Principal* actor, std::string_view action, std::string_view object_type,
            std::string_view object_id, const nlohmann::json& changes);
// The same with the changes already serialised as a JSON object (bulk paths that write JSON
// without building a tree).
void record_serialised(store::Tx& tx, const auth::Principal* actor, std::string_view action,
                       std::string_view object_type, std::string_view object_id, std::string changes_json);

struct Entry {
  std::int64_t id;
  std::string at;
  std::optional<std::int64_t> user_id;
  std::string login, action, object_type, object_id, ip;
  nlohmann::json changes;
  nlohmann::json to_json() const;
};

struct Filter {
  std::optional<std::int64_t> user_id;
  std::string login;        // exact login, alternative to user_id
  std::string object_type;
  std::string object_id;
  std::string from;         // ISO date or date-time, inclusive
  std::string to;           // ISO date or date-time, inclusive (a bare date means the whole day)
  std::optional<std::int64_t> after;  // keyset: entries with id < after
  int limit = 50;
};

using Page = core::Page<Entry>;

// The entries matching the filter, newest first. Throws core::DomainError 403 unless the principal
// may read the audit log (security officer, admin), 422 for a malformed filter.
Page list(store::Database& db, const auth::Principal& p, const Filter& f);

}  // namespace sdelka::audit
