#include "auth/policy.hpp"

#include <algorithm>
#include <vector>

#include "core/error.hpp"
#include "store/database.hpp"

namespace sdelka::auth {
namespace {

// The platform's rows, from the job descriptions of DOMAIN.md; contexts add theirs (add_rules).
std::vector<Rule>& rules() {
  using R = Role;
  using A = Action;
  using S = Scope;
  static std::vector<Rule> table = [] {
    std::vector<Rule> t;
    // Administrator: everything (confidential records still need the access list).
    for (A a : {A::read, A::create, A::update, A::archive, A::manage}) t.push_back({R::admin, "*", a, S::all});
    // Everybody sees their own user record and the non-confidential job descriptions.
    for (R r : kAllRoles) {
      t.push_back({r, "user", A::read, S::own});
      t.push_back({r, "job_description", A::read, S::all});
      t.push_back({r, "department", A::read, S::all});
    }
    // Heads see their department's people and keep its job descriptions.
    t.push_back({R::head, "user", A::read, S::department});
    t.push_back({R::head, "job_description", A::create, S::department});
    t.push_back({R::head, "job_description", A::update, S::department});
    // The security service reads the audit log and everybody's user record.
    t.push_back({R::security_officer, "audit", A::read, S::all});
    t.push_back({R::security_officer, "user", A::read, S::all});
    return t;
  }();
  return table;
}

bool type_matches(std::string_view rule, std::string_view type) { return rule == "*" || rule == type; }

}  // namespace

void add_rules(const std::vector<Rule>& rows) {
  auto& t = rules();
  for (const auto& r : rows)
    if (std::find(t.begin(), t.end(), r) == t.end()) t.push_back(r);
}

Scope scope_for(const Principal& p, Action a, std::string_view type) {
  Scope best = Scope::none;
  for (const auto& r : rules())
    if (r.action == a && type_matches(r.type, type) && p.has(r.role) && r.scope > best) best = r.scope;
  return best;
}

bool on_access_list(store::Tx& tx, std::string_view type, std::int64_t id, std::int64_t user_id) {
  return tx.one("SELECT 1 FROM record_acl WHERE object_type = ? AND object_id = ? AND user_id = ?",
                {std::string(type), id, user_id})
      .has_value();
}

bool allowed(store::Tx& tx, const Principal& p, Action a, const Subject& s) {
  Scope sc = scope_for(p, a, s.type);
  bool in_scope = false;
  switch (sc) {
    case Scope::none: in_scope = false; break;
    case Scope::all: in_scope = true; break;
    case Scope::department:
      in_scope = (p.department_id && s.department_id && *p.department_id == *s.department_id) ||
                 (s.owner_id && *s.owner_id == p.user_id);
      break;
    case Scope::own: in_scope = s.owner_id && *s.owner_id == p.user_id; break;
  }
  if (!in_scope) return false;
  if (s.confidential && a != Action::create) {
    if (s.owner_id && *s.owner_id == p.user_id) return true;
    if (!s.id) return false;
    return on_access_list(tx, s.type, *s.id, p.user_id);
  }
  return true;
}

void require(store::Tx& tx, const Principal& p, Action a, const Subject& s) {
  if (!allowed(tx, p, a, s))
    throw core::DomainError::keyed(core::ErrorKind::forbidden, {"err.forbidden.title"}, {"err.forbidden.detail"});
}

Scope require_scope(const Principal& p, Action a, std::string_view type, Scope min) {
  Scope sc = scope_for(p, a, type);
  if (sc < min)
    throw core::DomainError::keyed(core::ErrorKind::forbidden, {"err.forbidden.title"}, {"err.forbidden.detail"});
  return sc;
}

}  // namespace sdelka::auth
