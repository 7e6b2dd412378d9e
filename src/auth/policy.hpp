#pragma once
// The one central permission check. Every service asks it before reading or writing; handlers
// never decide access themselves. Permission = action × object type × scope (own / department /
// all), granted per role by the table in policy.cpp; confidential records are further limited
// to their owner and the people on their access list (record_acl).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/model.hpp"

namespace sdelka::store { class Tx; }

namespace sdelka::auth {

enum class Action { read, create, update, archive, manage };
enum class Scope { none = 0, own = 1, department = 2, all = 3 };

// What is being accessed. For `create`, the owner/department are those of the new record.
struct Subject {
  std::string_view type;  // "user", "department", "audit", "job_description", …
  std::optional<std::int64_t> id;
  std::optional<std::int64_t> owner_id;
  std::optional<std::int64_t> department_id;
  bool confidential = false;
};

// One row of the policy table: the role may do `action` on records of `type` ("*" = every type)
// within `scope`. The platform's rows (users, departments, job descriptions, audit) are built in;
// each business context adds its own once at start (its registration function; a command-line
// composition root that acts for a user adds them too). Adding a row twice changes nothing.
struct Rule {
  Role role;
  std::string type;
  Action action;
  Scope scope;
  bool operator==(const Rule&) const = default;
};
// Not thread-safe against concurrent checks: call before serving.
void add_rules(const std::vector<Rule>& rows);

// The widest scope any of the principal's roles grants for (action, type); Scope::none if none.
Scope scope_for(const Principal& p, Action a, std::string_view type);

// True when the principal may perform `a` on `s`. For confidential subjects the principal must
// also be the owner or on the record's access list (looked up in `tx` when needed).
bool allowed(store::Tx& tx, const Principal& p, Action a, const Subject& s);

// As allowed(), but throws core::DomainError 403 (keyed: put into words at the edge).
void require(store::Tx& tx, const Principal& p, Action a, const Subject& s);

// Throws 403 unless scope_for(p, a, type) is at least `min`. Returns the scope.
Scope require_scope(const Principal& p, Action a, std::string_view type, Scope min = Scope::own);

// True when user_id is on the access list of (type, id).
bool on_access_list(store::Tx& tx, std::string_view type, std::int64_t id, std::int64_t user_id);

}  // namespace sdelka::auth
