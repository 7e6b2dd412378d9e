#include "app/clients_cmd.hpp"
#include "app/platform.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>

#include "auth/crypto.hpp"
#include "auth/service.hpp"
#include "clients/module.hpp"
#include "clients/demo.hpp"
#include "clients/service.hpp"
#include "clients/transfer.hpp"
#include "http/http.hpp"
#include "staff/service.hpp"
#include "i18n/i18n.hpp"
#include "store/database.hpp"

namespace sdelka::app {
namespace {

int fail(const std::string& msg, int code) {
  std::cerr << "sdelka: " << msg << '\n';
  return code;
}

template <class F>
int with_db(Config& c, F&& fn) {
  if (auto err = finish_config(c); !err.empty()) return fail(err, 2);
  try {
    auth::crypto_init();
    if (c.db.rfind("sqlite:", 0) == 0) {
      std::filesystem::path p(c.db.substr(7));
      if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
    }
    auto db = store::open_database(c.db, store::DbOptions{.pool_size = 2, .sqlite_synchronous_full = c.sqlite_synchronous != "normal"});
    upgrade(*db, /*log=*/false);
    return fn(*db);
  } catch (const store::DbError& e) {
    return fail(std::string("database: ") + e.what(), 1);
  } catch (const http::ApiError& raw) {
    const auto e = i18n::worded(raw, "en");  // the command line speaks English
    std::string msg = e.title;
    for (const auto& f : e.fields) msg += "; " + f.field + ": " + f.message;
    return fail(msg, 2);
  } catch (const std::runtime_error& e) {
    return fail(e.what(), 1);
  }
}

// The CLI acts as an administrator, or as the named owner when one is given.
std::optional<auth::Principal> acting(store::Database& db, const std::string& owner_login) {
  auto p = staff::StaffService::system_principal();
  if (owner_login.empty()) return p;
  auth::add_rules(clients::policy_rows());  // the owner acts within the clients context's policy
  std::optional<auth::Principal> out;
  db.read([&](store::Tx& tx) {
    if (auto r = tx.one("SELECT id FROM users WHERE login = ?", {owner_login})) out = auth::AuthService::load_principal(tx, r->i64(0));
  });
  if (out) out->lang = "en";
  return out;
}

}  // namespace

int cmd_import(Config c, const TransferArgs& a, clients::ClientType type) {
  if (a.on_duplicate != "skip" && a.on_duplicate != "update" && a.on_duplicate != "create")
    return fail("--on-duplicate must be skip, update or create", 2);
  if (!std::filesystem::exists(a.file)) return fail("no file " + a.file, 2);
  return with_db(c, [&](store::Database& db) {
    auto p = acting(db, a.owner);
    if (!p) return fail("no user '" + a.owner + "'", 2);
    clients::ClientsService svc(db);
    clients::ImportOptions o;
    o.on_duplicate = a.on_duplicate;
    o.report_path = a.report;
    const auto t0 = std::chrono::steady_clock::now();
    auto res = clients::import_clients(type, svc, db, *p, a.file, o);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!res.error.empty() && res.counts.rows == 0) return fail(res.error, 2);
    std::cout << res.counts.summary() << '\n';
    std::cerr << "sdelka: " << res.counts.rows << " rows in " << secs << " s";
    if (!a.report.empty() && res.counts.rejected) std::cerr << "; rejected rows with reasons in " << a.report;
    std::cerr << '\n';
    if (!res.error.empty()) return fail("stopped at an unreadable part of the file: " + res.error, 1);
    return 0;
  });
}

int cmd_export(Config c, const TransferArgs& a, clients::ClientType type) {
  return with_db(c, [&](store::Database& db) {
    auto p = staff::StaffService::system_principal();
    clients::ClientsService svc(db);
    clients::repo::ListQuery q;
    q.q = a.q;
    q.segment = a.segment;
    q.region = a.region;
    auto n = clients::export_clients(type, svc, p, q, a.file);
    std::cout << "exported " << n << (type == clients::ClientType::person ? " persons" : " companies") << " to " << a.file
              << '\n';
    return 0;
  });
}

int cmd_demo(Config c, const TransferArgs& a) {
  return with_db(c, [&](store::Database& db) {
    auto p = staff::StaffService::system_principal();
    const auto t0 = std::chrono::steady_clock::now();
    auto done = clients::load_demo(db, p, a.companies, a.persons, a.seed);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "demo: " << done.companies << " companies, " << done.persons << " persons (seed " << a.seed << ") in "
              << secs << " s\n";
    return 0;
  });
}

}  // namespace sdelka::app
