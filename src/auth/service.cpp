#include "auth/service.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <utility>

#include "audit/audit.hpp"
#include "auth/crypto.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "i18n/i18n.hpp"
#include "store/database.hpp"

namespace sdelka::auth {

AuthService::AuthService(store::Database& db, AuthOptions opts)
    : db_(db), opts_(opts), limiter_(db, limiter_options(opts)) {}

std::optional<Principal> AuthService::load_principal(store::Tx& tx, std::int64_t user_id) {
  auto row = tx.one(
      "SELECT u.id, u.login, u.full_name, u.department_id, COALESCE(d.name, ''), u.lang, u.disabled "
      "FROM users u LEFT JOIN departments d ON d.id = u.department_id WHERE u.id = ?",
      {user_id});
  if (!row || row->i64(6) != 0) return std::nullopt;
  Principal p;
  p.user_id = row->i64(0);
  p.login = row->str(1);
  p.full_name = row->str(2);
  p.department_id = row->opt_i64(3);
  p.department_name = row->str(4);
  p.lang = row->str(5);
  for (auto& r : tx.query("SELECT role FROM user_roles WHERE user_id = ? ORDER BY role", {user_id}))
    if (auto role = role_from_code(r.str(0))) p.roles.push_back(*role);
  return p;
}

std::optional<Principal> AuthService::authenticate(const std::string& login, const std::string& password,
                                                   const std::string& ip, const std::string& lang) {
  limiter_.reserve(login, ip, lang);
  std::optional<std::int64_t> user_id;
  std::string hash;
  bool disabled = false;
  db_.read([&](store::Tx& tx) {
    if (auto r = tx.one("SELECT id, password_hash, disabled FROM users WHERE login = ?", {login})) {
      user_id = r->i64(0);
      hash = r->str(1);
      disabled = r->i64(2) != 0;
    }
  });
  bool ok = false;
  if (user_id) ok = verify_password(password, hash) && !disabled;
  else verify_dummy(password);

  std::optional<Principal> p;
  db_.write([&](store::Tx& tx) {
    if (ok) p = load_principal(tx, *user_id);
    if (p) {
      p->ip = ip;
      audit::record(tx, &*p, "login", "user", std::to_string(p->user_id), nlohmann::json::object());
    } else {
      Principal anon;
      anon.login = std::string(core::utf8_prefix(login, 64));
      anon.ip = ip;
      audit::record(tx, nullptr, "login_failed", "user", user_id ? std::to_string(*user_id) : "",
                    {{"login", anon.login}, {"ip", ip}});
    }
  });
  if (!p) return std::nullopt;  // the attempt stays counted
  limiter_.release(login, ip);
  return p;
}

Session AuthService::start_session(const Principal& p) {
  Session s{random_token(), random_token()};
  db_.write([&](store::Tx& tx) {
    tx.exec("INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at, ip) VALUES (?, ?, ?, ?, ?, ?)",
            {token_hash(s.token), p.user_id, s.csrf, store::now_iso(), store::iso_after(opts_.session_ttl_seconds), p.ip});
  });
  return s;
}

std::optional<std::pair<Principal, std::string>> AuthService::resolve_session(const std::string& token,
                                                                              const std::string& ip) {
  const auto h = token_hash(token);
  const auto now = store::now_iso();
  std::optional<std::pair<Principal, std::string>> out;
  bool extend = false;
  db_.read([&](store::Tx& tx) {
    auto r = tx.one("SELECT user_id, csrf, expires_at FROM sessions WHERE id_hash = ?", {h});
    if (!r || r->str(2) <= now) return;
    auto p = load_principal(tx, r->i64(0));
    if (!p) return;
    p->ip = ip;
    out.emplace(std::move(*p), r->str(1));
    extend = r->str(2) < store::iso_after(opts_.session_ttl_seconds / 2);
  });
  if (out && extend) {
    db_.write([&](store::Tx& tx) {
      tx.exec("UPDATE sessions SET expires_at = ? WHERE id_hash = ?", {store::iso_after(opts_.session_ttl_seconds), h});
    });
  }
  return out;
}

void AuthService::end_session(const std::string& token, const Principal& p) {
  db_.write([&](store::Tx& tx) {
    tx.exec("DELETE FROM sessions WHERE id_hash = ?", {token_hash(token)});
    audit::record(tx, &p, "logout", "user", std::to_string(p.user_id), nlohmann::json::object());
  });
}

std::string AuthService::issue_token(const Principal& p, const std::string& name) {
  std::string token = random_token();
  db_.write([&](store::Tx& tx) {
    auto r = tx.one("INSERT INTO api_tokens (user_id, token_hash, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?) "
                    "RETURNING id",
                    {p.user_id, token_hash(token), name, store::now_iso(), store::iso_after(opts_.token_ttl_seconds)});
    audit::record(tx, &p, "create", "api_token", r ? r->str(0) : "", {{"name", {{"from", nullptr}, {"to", name}}}});
  });
  return token;
}

std::optional<Principal> AuthService::resolve_token(const std::string& token, const std::string& ip) {
  // One query on the hot path of every API call: token, user, department and roles (one row
  // per role, at least one row when the user has none).
  std::optional<Principal> out;
  const auto now = store::now_iso();
  db_.read([&](store::Tx& tx) {
    auto rows = tx.query(
        "SELECT u.id, u.login, u.full_name, u.department_id, COALESCE(d.name, ''), u.lang, r.role "
        "FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN departments d ON d.id = u.department_id "
        "LEFT JOIN user_roles r ON r.user_id = u.id "
        "WHERE t.token_hash = ? AND t.expires_at > ? AND u.disabled = 0",
        {token_hash(token), now});
    if (rows.empty()) return;
    Principal p;
    p.user_id = rows[0].i64(0);
    p.login = rows[0].str(1);
    p.full_name = rows[0].str(2);
    p.department_id = rows[0].opt_i64(3);
    p.department_name = rows[0].str(4);
    p.lang = rows[0].str(5);
    p.ip = ip;
    for (auto& r : rows)
      if (auto role = role_from_code(r.str(6))) p.roles.push_back(*role);
    std::sort(p.roles.begin(), p.roles.end());
    out = std::move(p);
  });
  return out;
}

void AuthService::revoke_token(const std::string& token, const Principal& p) {
  db_.write([&](store::Tx& tx) {
    auto n = tx.exec("DELETE FROM api_tokens WHERE token_hash = ? AND user_id = ?", {token_hash(token), p.user_id});
    if (n > 0) audit::record(tx, &p, "revoke", "api_token", "", nlohmann::json::object());
  });
}

}  // namespace sdelka::auth
