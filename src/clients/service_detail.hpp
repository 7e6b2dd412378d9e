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

[[noreturn]] inline void not_found(const Principal& p) {
  throw ApiError{core::ErrorKind::not_found, i18n::t(p.lang, "err.not_found"), i18n::t(p.lang, "err.not_found.detail")};
}
[[noreturn]] inline void stale(const Principal& p) {
  throw ApiError{core::ErrorKind::precondition_failed, i18n::t(p.lang, "err.stale"), i18n::t(p.lang, "err.stale.detail")};
}
inline void finish(const Principal& p, std::vector<FieldError>& errs) {
  if (!errs.empty()) throw ApiError{core::ErrorKind::invalid, i18n::t(p.lang, "err.validation"), "", errs};
}

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
inline Subject subject_of(Tx& tx, const Principal& p, const std::string& type, std::int64_t id) {
  std::optional<std::int64_t> owner, dept;
  if (type == "company") {
    auto c = repo::load_company(tx, id);
    if (!c) not_found(p);
    owner = c->owner_id, dept = c->department_id;
  } else {
    auto c = repo::load_person(tx, id);
    if (!c) not_found(p);
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
