#include "staff/service.hpp"

#include <algorithm>
#include <regex>

#include "audit/audit.hpp"
#include "auth/crypto.hpp"
#include "auth/policy.hpp"
#include "core/error.hpp"
#include "core/ru/email.hpp"
#include "i18n/i18n.hpp"
#include "store/database.hpp"

namespace sdelka::staff {
namespace {

using auth::Action;
using auth::Principal;
using auth::Scope;
using auth::Subject;
using ApiError = core::DomainError;
using core::FieldError;
using nlohmann::json;
using store::Tx;

// The errors carry catalogue keys; the edge puts them into words in the caller's language.
[[noreturn]] void not_found() { throw ApiError::keyed(core::ErrorKind::not_found, {"err.not_found"}, {"err.not_found.detail"}); }
[[noreturn]] void stale() { throw ApiError::keyed(core::ErrorKind::precondition_failed, {"err.stale"}, {"err.stale.detail"}); }
[[noreturn]] void invalid(std::vector<FieldError> errs) {
  throw ApiError::keyed(core::ErrorKind::invalid, {"err.validation"}, {}, std::move(errs));
}
using core::field_error;

const char* kUserCols =
    "u.id, u.login, u.full_name, u.email, u.department_id, COALESCE(d.name, ''), u.disabled, u.lang, u.version, "
    "u.created_at, u.updated_at";

json user_json(Tx& tx, const store::Row& r) {
  json roles = json::array();
  for (auto& x : tx.query("SELECT role FROM user_roles WHERE user_id = ? ORDER BY role", {r.i64(0)}))
    roles.push_back(x.str(0));
  return {{"id", r.i64(0)},
          {"login", r.str(1)},
          {"full_name", r.str(2)},
          {"email", r.str(3)},
          {"department_id", r.null(4) ? json(nullptr) : json(r.i64(4))},
          {"department", r.str(5)},
          {"disabled", r.i64(6) != 0},
          {"lang", r.str(7)},
          {"version", r.i64(8)},
          {"created_at", r.str(9)},
          {"updated_at", r.str(10)},
          {"roles", roles}};
}

std::optional<json> load_user(Tx& tx, std::int64_t id) {
  auto r = tx.one(std::string("SELECT ") + kUserCols +
                      " FROM users u LEFT JOIN departments d ON d.id = u.department_id WHERE u.id = ?",
                  {id});
  if (!r) return std::nullopt;
  return user_json(tx, *r);
}

Subject user_subject(const json& u) {
  Subject s{"user"};
  s.id = u["id"].get<std::int64_t>();
  s.owner_id = s.id;
  if (!u["department_id"].is_null()) s.department_id = u["department_id"].get<std::int64_t>();
  return s;
}

std::optional<std::int64_t> department_id(Tx& tx, const std::string& name) {
  if (auto r = tx.one("SELECT id FROM departments WHERE name = ?", {name})) return r->i64(0);
  return std::nullopt;
}

void validate_roles(const std::vector<std::string>& roles, std::vector<FieldError>& errs) {
  for (const auto& r : roles)
    if (!auth::role_from_code(r)) {
      errs.push_back(field_error("roles", "err.role.named", "invalid", {{"value", r}}));
      return;
    }
}

const char* kJobCols =
    "id, title, role, body, confidential, owner_id, department_id, version, created_at, updated_at";

json job_json(const store::Row& r) {
  return {{"id", r.i64(0)},
          {"title", r.str(1)},
          {"role", r.str(2)},
          {"body", r.str(3)},
          {"confidential", r.i64(4) != 0},
          {"owner_id", r.null(5) ? json(nullptr) : json(r.i64(5))},
          {"department_id", r.null(6) ? json(nullptr) : json(r.i64(6))},
          {"version", r.i64(7)},
          {"created_at", r.str(8)},
          {"updated_at", r.str(9)}};
}

Subject job_subject(const json& j) {
  Subject s{"job_description"};
  s.id = j["id"].get<std::int64_t>();
  if (!j["owner_id"].is_null()) s.owner_id = j["owner_id"].get<std::int64_t>();
  if (!j["department_id"].is_null()) s.department_id = j["department_id"].get<std::int64_t>();
  s.confidential = j["confidential"].get<bool>();
  return s;
}

std::optional<json> load_job(Tx& tx, std::int64_t id) {
  auto r = tx.one(std::string("SELECT ") + kJobCols + " FROM job_descriptions WHERE id = ?", {id});
  if (!r) return std::nullopt;
  return job_json(*r);
}

}  // namespace

bool valid_login(const std::string& login) {
  static const std::regex re("^[a-z0-9][a-z0-9._-]{1,62}[a-z0-9]$");
  return std::regex_match(login, re);
}

// The one e-mail check (core/ru/email.hpp); a user may have none.
bool valid_email(const std::string& email) { return email.empty() || core::ru::check_email(email).ok(); }

Principal StaffService::system_principal() {
  Principal p;
  p.user_id = 0;
  p.login = "cli";
  p.roles = {auth::Role::admin};
  p.lang = "en";
  return p;
}

json StaffService::create_user(const Principal& p, const UserInput& in) {
  // Refuse early (before the costly password hash) when the role may not create users at all.
  auth::require_scope(p, Action::create, "user", Scope::own);
  std::vector<FieldError> errs;
  if (!in.login || !valid_login(*in.login)) errs.push_back(field_error("login", "err.login", "invalid"));
  if (!in.password || in.password->size() < kMinPasswordLength)
    errs.push_back(field_error("password", "err.password_short", "too_short"));
  if (in.email && !valid_email(*in.email)) errs.push_back(field_error("email", "err.email", "invalid"));
  if (in.lang && *in.lang != "ru" && *in.lang != "en") errs.push_back(field_error("lang", "err.lang", "invalid"));
  std::vector<std::string> roles = in.roles.value_or(std::vector<std::string>{});
  if (roles.empty()) errs.push_back(field_error("roles", "err.roles_empty", "required"));
  validate_roles(roles, errs);
  if (!errs.empty()) invalid(errs);
  // Hash outside the transaction: it takes tens of milliseconds.
  const std::string hash = auth::hash_password(*in.password);
  json out;
  db_.write([&](Tx& tx) {
    std::optional<std::int64_t> dept;
    if (in.department && !in.department->empty()) {
      dept = department_id(tx, *in.department);
      if (!dept) invalid({field_error("department", "err.department_unknown", "unknown")});
    }
    Subject s{"user"};
    s.department_id = dept;
    auth::require(tx, p, Action::create, s);
    if (tx.one("SELECT 1 FROM users WHERE login = ?", {*in.login}))
      throw ApiError::keyed(core::ErrorKind::conflict, {"err.conflict"}, {}, {field_error("login", "err.login_taken", "taken")});
    auto now = store::now_iso();
    auto r = tx.one(
        "INSERT INTO users (login, full_name, email, password_hash, department_id, lang, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {*in.login, in.full_name.value_or(""), in.email.value_or(""), hash, store::opt(dept), in.lang.value_or("ru"),
         now, now});
    std::int64_t id = r->i64(0);
    std::sort(roles.begin(), roles.end());
    roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
    for (auto& role : roles) tx.exec("INSERT INTO user_roles (user_id, role) VALUES (?, ?)", {id, role});
    out = *load_user(tx, id);
    audit::record(tx, &p, "create", "user", std::to_string(id), audit::diff(json::object(), out));
  });
  return out;
}

json StaffService::get_user(const Principal& p, std::int64_t id) {
  json out;
  db_.read([&](Tx& tx) {
    auto u = load_user(tx, id);
    if (!u || !auth::allowed(tx, p, Action::read, user_subject(*u))) not_found();
    out = std::move(*u);
  });
  return out;
}

json StaffService::update_user(const Principal& p, std::int64_t id, const UserInput& in,
                               std::optional<std::int64_t> if_match) {
  std::vector<FieldError> errs;
  if (in.login) errs.push_back(field_error("login", "err.readonly", "readonly"));
  if (in.password && in.password->size() < kMinPasswordLength)
    errs.push_back(field_error("password", "err.password_short", "too_short"));
  if (in.email && !valid_email(*in.email)) errs.push_back(field_error("email", "err.email", "invalid"));
  if (in.lang && *in.lang != "ru" && *in.lang != "en") errs.push_back(field_error("lang", "err.lang", "invalid"));
  if (in.roles) {
    if (in.roles->empty()) errs.push_back(field_error("roles", "err.roles_empty", "required"));
    validate_roles(*in.roles, errs);
  }
  if (!errs.empty()) invalid(errs);
  if (in.password && id == p.user_id) {
    // One's own password: the current one first (a stolen session must not lock the owner out).
    std::string current_hash;
    db_.read([&](Tx& tx) {
      if (auto r = tx.one("SELECT password_hash FROM users WHERE id = ?", {id})) current_hash = r->str(0);
    });
    if (!in.current_password || in.current_password->empty())
      invalid({field_error("current_password", "err.current_password_required", "required")});
    // A guess of the current password counts like a login attempt (a stolen session must not
    // become an unlimited password oracle).
    limiter_.reserve(p.login, p.ip, p.lang);
    if (current_hash.empty() || !auth::verify_password(*in.current_password, current_hash))
      invalid({field_error("current_password", "err.current_password_wrong", "wrong")});
    limiter_.release(p.login, p.ip);
  }
  std::optional<std::string> hash;
  if (in.password) hash = auth::hash_password(*in.password);
  json out;
  db_.write([&](Tx& tx) {
    auto before = load_user(tx, id);
    if (!before || !auth::allowed(tx, p, Action::read, user_subject(*before))) not_found();
    // Roles, department and disabling are administration; a user may edit their own profile.
    const bool admin_fields = in.roles || in.department || in.disabled;
    const bool self = id == p.user_id;
    if (admin_fields || !self) auth::require(tx, p, Action::manage, user_subject(*before));
    if (if_match && *if_match != (*before)["version"].get<std::int64_t>()) stale();
    std::optional<std::int64_t> dept;
    if (in.department && !in.department->empty()) {
      dept = department_id(tx, *in.department);
      if (!dept) invalid({field_error("department", "err.department_unknown", "unknown")});
    }
    if (in.roles && self && std::find(in.roles->begin(), in.roles->end(), "admin") == in.roles->end() &&
        p.has(auth::Role::admin))
      invalid({field_error("roles", "err.self_demote", "self_demote")});
    auto now = store::now_iso();
    auto n = tx.exec(
        "UPDATE users SET full_name = COALESCE(?, full_name), email = COALESCE(?, email), lang = COALESCE(?, lang), "
        "password_hash = COALESCE(?, password_hash), disabled = COALESCE(?, disabled), "
        "department_id = CASE WHEN ? = 1 THEN ? ELSE department_id END, version = version + 1, updated_at = ? "
        "WHERE id = ? AND version = ?",
        {store::opt(in.full_name), store::opt(in.email), store::opt(in.lang), store::opt(hash),
         in.disabled ? store::Param{std::int64_t{*in.disabled ? 1 : 0}} : store::Param{nullptr},
         std::int64_t{in.department ? 1 : 0}, store::opt(dept), now, id, (*before)["version"].get<std::int64_t>()});
    if (n != 1) stale();
    if (in.roles) {
      tx.exec("DELETE FROM user_roles WHERE user_id = ?", {id});
      auto roles = *in.roles;
      std::sort(roles.begin(), roles.end());
      roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
      for (auto& role : roles) tx.exec("INSERT INTO user_roles (user_id, role) VALUES (?, ?)", {id, role});
    }
    if (in.disabled && *in.disabled) {
      tx.exec("DELETE FROM sessions WHERE user_id = ?", {id});
      tx.exec("DELETE FROM api_tokens WHERE user_id = ?", {id});
    } else if (hash) {
      // A new password ends every other way in: sessions and API tokens, but the one in use.
      tx.exec("DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?", {id, in.keep_credential});
      tx.exec("DELETE FROM api_tokens WHERE user_id = ? AND token_hash <> ?", {id, in.keep_credential});
    }
    out = *load_user(tx, id);
    json changes = audit::diff(*before, out);
    changes.erase("version");
    changes.erase("updated_at");
    if (hash) changes["password"] = {{"changed", true}};
    audit::record(tx, &p, "update", "user", std::to_string(id), changes);
  });
  return out;
}

Page StaffService::list_users(const Principal& p, std::optional<std::int64_t> after, int limit) {
  Scope sc = auth::require_scope(p, Action::read, "user", Scope::own);
  std::string sql = std::string("SELECT ") + kUserCols +
                    " FROM users u LEFT JOIN departments d ON d.id = u.department_id WHERE u.id > ?";
  store::Params params{after.value_or(0)};
  if (sc == Scope::own) {
    sql += " AND u.id = ?";
    params.push_back(p.user_id);
  } else if (sc == Scope::department) {
    sql += " AND (u.department_id = ? OR u.id = ?)";
    params.push_back(store::opt(p.department_id));
    params.push_back(p.user_id);
  }
  sql += " ORDER BY u.id LIMIT ?";
  params.push_back(static_cast<std::int64_t>(limit + 1));
  Page page;
  db_.read([&](Tx& tx) {
    for (auto& r : tx.query(sql, params)) page.items.push_back(user_json(tx, r));
  });
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.pop_back();
    page.next = page.items.back()["id"].get<std::int64_t>();
  }
  return page;
}

std::optional<std::int64_t> StaffService::find_user_id(const std::string& login) {
  std::optional<std::int64_t> id;
  db_.read([&](Tx& tx) {
    if (auto r = tx.one("SELECT id FROM users WHERE login = ?", {login})) id = r->i64(0);
  });
  return id;
}

json StaffService::create_department(const Principal& p, const std::string& name) {
  if (name.empty() || name.size() > 200) invalid({field_error("name", "err.required", "required")});
  json out;
  db_.write([&](Tx& tx) {
    auth::require(tx, p, Action::create, Subject{"department"});
    if (tx.one("SELECT 1 FROM departments WHERE name = ?", {name}))
      throw ApiError::keyed(core::ErrorKind::conflict, {"err.conflict"}, {}, {field_error("name", "err.department_taken", "taken")});
    auto r = tx.one("INSERT INTO departments (name, created_at) VALUES (?, ?) RETURNING id, name, version, created_at",
                    {name, store::now_iso()});
    audit::record(tx, &p, "create", "department", r->str(0), {{"name", {{"from", nullptr}, {"to", name}}}});
    out = {{"id", r->i64(0)}, {"name", r->str(1)}, {"version", r->i64(2)}, {"created_at", r->str(3)}};
  });
  return out;
}

std::vector<json> StaffService::list_departments(const Principal& p) {
  auth::require_scope(p, Action::read, "department", Scope::all);
  std::vector<json> out;
  db_.read([&](Tx& tx) {
    for (auto& r : tx.query("SELECT id, name, version, created_at FROM departments ORDER BY name"))
      out.push_back({{"id", r.i64(0)}, {"name", r.str(1)}, {"version", r.i64(2)}, {"created_at", r.str(3)}});
  });
  return out;
}

json StaffService::create_job(const Principal& p, const JobInput& in) {
  std::vector<FieldError> errs;
  if (!in.title || in.title->empty()) errs.push_back(field_error("title", "err.required", "required"));
  if (in.role && !in.role->empty() && !auth::role_from_code(*in.role))
    errs.push_back(field_error("role", "err.role", "invalid"));
  if (!errs.empty()) invalid(errs);
  json out;
  db_.write([&](Tx& tx) {
    Subject s{"job_description"};
    s.owner_id = p.user_id;
    s.department_id = in.department_id ? in.department_id : p.department_id;
    s.confidential = in.confidential.value_or(false);
    auth::require(tx, p, Action::create, s);
    if (s.department_id && !tx.one("SELECT 1 FROM departments WHERE id = ?", {*s.department_id}))
      invalid({field_error("department_id", "err.department_unknown", "unknown")});
    auto now = store::now_iso();
    auto r = tx.one(
        "INSERT INTO job_descriptions (title, role, body, confidential, owner_id, department_id, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        {*in.title, in.role.value_or(""), in.body.value_or(""), std::int64_t{s.confidential ? 1 : 0},
         p.user_id == 0 ? store::Param{nullptr} : store::Param{p.user_id}, store::opt(s.department_id), now, now});
    out = *load_job(tx, r->i64(0));
    json logged = out;
    if (s.confidential) logged.erase("body");
    audit::record(tx, &p, "create", "job_description", r->str(0), audit::diff(json::object(), logged));
  });
  return out;
}

json StaffService::get_job(const Principal& p, std::int64_t id) {
  json out;
  bool confidential = false;
  db_.read([&](Tx& tx) {
    auto j = load_job(tx, id);
    if (!j || !auth::allowed(tx, p, Action::read, job_subject(*j))) not_found();
    out = std::move(*j);
    confidential = out["confidential"].get<bool>();
  });
  if (confidential) {
    db_.write([&](Tx& tx) {
      audit::record(tx, &p, "read_confidential", "job_description", std::to_string(id),
                    {{"version", out["version"]}});
    });
  }
  return out;
}

json StaffService::update_job(const Principal& p, std::int64_t id, const JobInput& in,
                              std::optional<std::int64_t> if_match) {
  if (in.title && in.title->empty()) invalid({field_error("title", "err.required", "required")});
  if (in.role && !in.role->empty() && !auth::role_from_code(*in.role))
    invalid({field_error("role", "err.role", "invalid")});
  json out;
  db_.write([&](Tx& tx) {
    auto before = load_job(tx, id);
    if (!before || !auth::allowed(tx, p, Action::read, job_subject(*before))) not_found();
    auth::require(tx, p, Action::update, job_subject(*before));
    const auto version = (*before)["version"].get<std::int64_t>();
    if (if_match && *if_match != version) stale();
    auto n = tx.exec(
        "UPDATE job_descriptions SET title = COALESCE(?, title), role = COALESCE(?, role), body = COALESCE(?, body), "
        "confidential = COALESCE(?, confidential), version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
        {store::opt(in.title), store::opt(in.role), store::opt(in.body),
         in.confidential ? store::Param{std::int64_t{*in.confidential ? 1 : 0}} : store::Param{nullptr},
         store::now_iso(), id, version});
    if (n != 1) stale();
    out = *load_job(tx, id);
    json b = *before, a = out;
    if (b["confidential"].get<bool>() || a["confidential"].get<bool>()) {
      b.erase("body");
      a.erase("body");
    }
    json changes = audit::diff(b, a);
    changes.erase("updated_at");
    audit::record(tx, &p, "update", "job_description", std::to_string(id), changes);
  });
  return out;
}

Page StaffService::list_jobs(const Principal& p, std::optional<std::int64_t> after, int limit) {
  auth::require_scope(p, Action::read, "job_description", Scope::own);
  Page page;
  db_.read([&](Tx& tx) {
    // Confidential rows are filtered by the central policy row by row; scan in chunks until
    // the page is full so that hidden rows never shorten or reveal anything.
    std::int64_t cursor = after.value_or(0);
    for (;;) {
      auto rows = tx.query(std::string("SELECT ") + kJobCols + " FROM job_descriptions WHERE id > ? ORDER BY id LIMIT ?",
                           {cursor, std::int64_t{200}});
      for (auto& r : rows) {
        cursor = r.i64(0);
        json j = job_json(r);
        if (!auth::allowed(tx, p, Action::read, job_subject(j))) continue;
        j.erase("body");
        page.items.push_back(std::move(j));
        if (static_cast<int>(page.items.size()) > limit) break;
      }
      if (static_cast<int>(page.items.size()) > limit || rows.size() < 200) break;
    }
  });
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.pop_back();
    page.next = page.items.back()["id"].get<std::int64_t>();
  }
  return page;
}

json StaffService::acknowledge_job(const Principal& p, std::int64_t id) {
  json out;
  db_.write([&](Tx& tx) {
    auto j = load_job(tx, id);
    if (!j || !auth::allowed(tx, p, Action::read, job_subject(*j))) not_found();
    const auto version = (*j)["version"].get<std::int64_t>();
    auto existing = tx.one("SELECT at FROM job_acknowledgements WHERE job_description_id = ? AND version = ? AND user_id = ?",
                           {id, version, p.user_id});
    std::string at = existing ? existing->str(0) : store::now_iso();
    if (!existing) {
      tx.exec("INSERT INTO job_acknowledgements (job_description_id, version, user_id, at) VALUES (?, ?, ?, ?)",
              {id, version, p.user_id, at});
      audit::record(tx, &p, "acknowledge", "job_description", std::to_string(id), {{"version", version}});
    }
    out = {{"job_description_id", id}, {"version", version}, {"user_id", p.user_id}, {"login", p.login}, {"at", at}};
  });
  return out;
}

std::vector<json> StaffService::job_acknowledgements(const Principal& p, std::int64_t id) {
  std::vector<json> out;
  db_.read([&](Tx& tx) {
    auto j = load_job(tx, id);
    if (!j || !auth::allowed(tx, p, Action::read, job_subject(*j))) not_found();
    // Who signed what is the owner's and the heads' business; everyone else sees their own.
    const bool all = auth::allowed(tx, p, Action::update, job_subject(*j));
    auto rows = tx.query(
        "SELECT a.version, a.user_id, u.login, u.full_name, a.at FROM job_acknowledgements a JOIN users u ON u.id = "
        "a.user_id WHERE a.job_description_id = ? AND (? = 1 OR a.user_id = ?) ORDER BY a.at, a.user_id",
        {id, std::int64_t{all ? 1 : 0}, p.user_id});
    for (auto& r : rows)
      out.push_back({{"version", r.i64(0)}, {"user_id", r.i64(1)}, {"login", r.str(2)}, {"full_name", r.str(3)}, {"at", r.str(4)}});
  });
  return out;
}

json StaffService::set_job_acl(const Principal& p, std::int64_t id, const std::vector<std::string>& logins) {
  json out;
  db_.write([&](Tx& tx) {
    auto j = load_job(tx, id);
    if (!j || !auth::allowed(tx, p, Action::read, job_subject(*j))) not_found();
    auth::require(tx, p, Action::update, job_subject(*j));
    std::vector<std::int64_t> ids;
    std::vector<FieldError> errs;
    for (const auto& l : logins) {
      auto r = tx.one("SELECT id FROM users WHERE login = ?", {l});
      if (!r) errs.push_back(field_error("logins", "err.user_unknown.named", "unknown", {{"value", l}}));
      else ids.push_back(r->i64(0));
    }
    if (!errs.empty()) invalid(errs);
    json before = json::array();
    for (auto& r : tx.query("SELECT u.login FROM record_acl a JOIN users u ON u.id = a.user_id WHERE a.object_type = "
                            "'job_description' AND a.object_id = ? ORDER BY u.login",
                            {id}))
      before.push_back(r.str(0));
    tx.exec("DELETE FROM record_acl WHERE object_type = 'job_description' AND object_id = ?", {id});
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (auto uid : ids)
      tx.exec("INSERT INTO record_acl (object_type, object_id, user_id) VALUES ('job_description', ?, ?)", {id, uid});
    json after = logins;
    std::sort(after.begin(), after.end());
    audit::record(tx, &p, "acl", "job_description", std::to_string(id), {{"access_list", {{"from", before}, {"to", after}}}});
    out = {{"id", id}, {"access_list", after}};
  });
  return out;
}

}  // namespace sdelka::staff
