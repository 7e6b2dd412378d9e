#include "audit/audit.hpp"

#include "auth/policy.hpp"
#include "core/error.hpp"
#include "i18n/i18n.hpp"
#include "store/database.hpp"

namespace sdelka::audit {

nlohmann::json diff(const nlohmann::json& before, const nlohmann::json& after, const std::vector<std::string>& secret) {
  nlohmann::json out = nlohmann::json::object();
  auto is_secret = [&](const std::string& k) { return std::find(secret.begin(), secret.end(), k) != secret.end(); };
  auto put = [&](const std::string& k, const nlohmann::json& from, const nlohmann::json& to) {
    if (is_secret(k)) out[k] = {{"changed", true}};
    else out[k] = {{"from", from}, {"to", to}};
  };
  if (before.is_object())
    for (auto& [k, v] : before.items()) {
      auto it = after.is_object() ? after.find(k) : after.end();
      if (!after.is_object() || it == after.end()) put(k, v, nullptr);
      else if (*it != v) put(k, v, *it);
    }
  if (after.is_object())
    for (auto& [k, v] : after.items())
      if (!before.is_object() || !before.contains(k)) put(k, nullptr, v);
  return out;
}

void record(store::Tx& tx, const auth::Principal* actor, std::string_view action, std::string_view object_type,
            std::string_view object_id, const nlohmann::json& changes) {
  record_serialised(tx, actor, action, object_type, object_id, changes.dump());
}

void record_serialised(store::Tx& tx, const auth::Principal* actor, std::string_view action,
                       std::string_view object_type, std::string_view object_id, std::string changes_json) {
  tx.exec(
      "INSERT INTO audit_log (at, user_id, login, action, object_type, object_id, changes, ip) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {store::now_iso(), actor ? store::Param{actor->user_id} : store::Param{nullptr},
       actor ? actor->login : std::string("system"), std::string(action), std::string(object_type),
       std::string(object_id), std::move(changes_json), actor ? actor->ip : std::string()});
}

nlohmann::json Entry::to_json() const {
  return {{"id", id},          {"at", at},           {"user_id", user_id ? nlohmann::json(*user_id) : nullptr},
          {"login", login},    {"action", action},   {"object_type", object_type},
          {"object_id", object_id}, {"changes", changes}, {"ip", ip}};
}

static bool iso_date_like(const std::string& s) {
  if (s.size() < 10) return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return s[4] == '-' && s[7] == '-';
}

Page list(store::Database& db, const auth::Principal& p, const Filter& f) {
  auth::require_scope(p, auth::Action::read, "audit", auth::Scope::all);
  std::vector<core::FieldError> errs;
  if (!f.from.empty() && !iso_date_like(f.from))
    errs.push_back({"from", i18n::t(p.lang, "err.date"), "format"});
  if (!f.to.empty() && !iso_date_like(f.to)) errs.push_back({"to", i18n::t(p.lang, "err.date"), "format"});
  if (f.limit < 1 || f.limit > 500) errs.push_back({"limit", i18n::t(p.lang, "err.limit"), "range"});
  if (!errs.empty()) throw core::DomainError{core::ErrorKind::invalid, i18n::t(p.lang, "err.validation"), "", errs};

  std::string sql = "SELECT id, at, user_id, login, action, object_type, object_id, changes, ip FROM audit_log WHERE 1=1";
  store::Params params;
  if (f.user_id) { sql += " AND user_id = ?"; params.push_back(*f.user_id); }
  if (!f.login.empty()) { sql += " AND login = ?"; params.push_back(f.login); }
  if (!f.object_type.empty()) { sql += " AND object_type = ?"; params.push_back(f.object_type); }
  if (!f.object_id.empty()) { sql += " AND object_id = ?"; params.push_back(f.object_id); }
  if (!f.from.empty()) { sql += " AND at >= ?"; params.push_back(f.from); }
  if (!f.to.empty()) {
    sql += " AND at <= ?";
    params.push_back(f.to.size() == 10 ? f.to + "T23:59:59.999Z" : f.to);
  }
  if (f.after) { sql += " AND id < ?"; params.push_back(*f.after); }
  sql += " ORDER BY id DESC LIMIT ?";
  params.push_back(static_cast<std::int64_t>(f.limit + 1));

  Page page;
  db.read([&](store::Tx& tx) {
    for (auto& r : tx.query(sql, params)) {
      Entry e{r.i64(0), r.str(1), r.opt_i64(2), r.str(3), r.str(4), r.str(5), r.str(6), r.str(8),
              nlohmann::json::parse(r.str(7), nullptr, false)};
      page.items.push_back(std::move(e));
    }
  });
  if (static_cast<int>(page.items.size()) > f.limit) {
    page.items.pop_back();
    page.next = page.items.back().id;
  }
  return page;
}

}  // namespace sdelka::audit
