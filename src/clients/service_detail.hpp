#pragma once
// Internal to the clients service (service.cpp, merge.cpp): its errors, the policy subject of a
// record, the list visibility of a principal, the audit view of a record, the hiding of links to
// companies a reader may not see.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/model.hpp"
#include "auth/policy.hpp"
#include "auth/records.hpp"
#include "clients/repo.hpp"
#include "core/error.hpp"
#include "i18n/i18n.hpp"
#include "store/database.hpp"

namespace sdelka::clients::detail {

using auth::Action;
using auth::Principal;
using auth::Scope;
using auth::Subject;
using ApiError = core::DomainError;
using core::FieldError;
using nlohmann::json;
using store::Tx;

// The errors carry catalogue keys; the edge puts them into words in the caller's language. (The
// field checks of apply() still say their texts in the language they are given: the import writes
// them into its report.)
[[noreturn]] inline void not_found() {
  throw ApiError::keyed(core::ErrorKind::not_found, {"err.not_found"}, {"err.not_found.detail"});
}
[[noreturn]] inline void stale() {
  throw ApiError::keyed(core::ErrorKind::precondition_failed, {"err.stale"}, {"err.stale.detail"});
}
inline void finish(std::vector<FieldError>& errs) {
  if (!errs.empty()) throw ApiError::keyed(core::ErrorKind::invalid, {"err.validation"}, {}, errs);
}
using core::field_error;

inline Subject subject(const std::string& type, std::int64_t id, std::optional<std::int64_t> owner,
                std::optional<std::int64_t> dept) {
  Subject s{type == "company" ? "company" : "person"};
  s.id = id;
  s.owner_id = owner;
  s.department_id = dept;
  return s;
}

inline repo::Visibility visibility(const Principal& p, const std::string& type) {
  auto sc = auth::require_scope(p, Action::read, type, Scope::own);
  repo::Visibility v;
  v.user_id = p.user_id;
  v.department_id = p.department_id;
  v.kind = sc == Scope::all ? repo::Visibility::Kind::all
           : sc == Scope::department ? repo::Visibility::Kind::department
                                     : repo::Visibility::Kind::own;
  return v;
}

// A record's owner and department (for the policy); not found (404) when there is none.
inline Subject subject_of(Tx& tx, const std::string& type, std::int64_t id) {
  std::optional<std::int64_t> owner, dept;
  if (type == "company") {
    auto c = repo::load_company(tx, id);
    if (!c) not_found();
    owner = c->owner_id, dept = c->department_id;
  } else {
    auto c = repo::load_person(tx, id);
    if (!c) not_found();
    owner = c->owner_id, dept = c->department_id;
  }
  return subject(type, id, owner, dept);
}

inline json audit_view(const json& j) {
  json out = j;
  out.erase("version");
  out.erase("updated_at");
  out.erase("created_at");
  return out;
}

// Removes, anywhere in a JSON value (an audit entry, a stored list row), the links
// ({"company_id": …}) to companies the principal may not see.
void hide_unseen_in(auth::SeenCache& seen, json& j);

}  // namespace sdelka::clients::detail
