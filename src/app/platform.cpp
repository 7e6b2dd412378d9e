// The platform commands. No CLI11 here: main.cpp parses, these functions do the work.
#include "app/platform.hpp"

#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "app/demo.hpp"
#include "clients/demo.hpp"
#include "clients/repo.hpp"
#include "auth/crypto.hpp"
#include "http/server.hpp"
#include "staff/service.hpp"
#include "i18n/i18n.hpp"
#include "store/database.hpp"
#include "store/sqlite.hpp"
#include "app/web_app.hpp"

namespace sdelka::app {
namespace {

namespace fs = std::filesystem;

int usage_error(const std::string& msg) {
  std::cerr << "sdelka: " << msg << '\n';
  return 2;
}

void setup_logging(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("sdelka");
  // Every line is one JSON object: {"ts":…,"level":…, then the event's own fields}.
  logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":%v})", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

}  // namespace

void upgrade(store::Database& db, bool log) {
  for (const auto& m : store::migrate(db))
    if (log) spdlog::info(nlohmann::json{{"event", "migration_applied"}, {"version", m}}.dump());
  const auto t0 = std::chrono::steady_clock::now();
  if (auto n = clients::repo::fill_list_rows(db); n && log)
    spdlog::info(nlohmann::json{{"event", "list_rows_written"},
                                {"records", n},
                                {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()}}
                     .dump());
}

namespace {

// Opens the database (creating the SQLite folder), applies migrations. Throws on failure.
std::unique_ptr<store::Database> open_db(const Config& c, int pool) {
  if (c.db.rfind("sqlite:", 0) == 0) {
    fs::path p(c.db.substr(7));
    if (p.has_parent_path()) fs::create_directories(p.parent_path());
  }
  store::DbOptions o;
  o.pool_size = pool;
  o.sqlite_synchronous_full = c.sqlite_synchronous != "normal";
  auto db = store::open_database(c.db, o);
  upgrade(*db);
  return db;
}

std::string read_password(const char* prompt) {
  if (const char* env = std::getenv("SDELKA_PASSWORD"); env && *env) return env;
  if (!isatty(STDIN_FILENO)) return "";
  std::cerr << prompt << std::flush;
  termios old{};
  tcgetattr(STDIN_FILENO, &old);
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::string pw;
  std::getline(std::cin, pw);
  tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::cerr << '\n';
  return pw;
}

bool parse_listen(const std::string& listen, std::string& host, std::uint16_t& port) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  try {
    std::size_t used = 0;
    int p = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1 || p < 1 || p > 65535) return false;
    port = static_cast<std::uint16_t>(p);
  } catch (...) {
    return false;
  }
  return !host.empty();
}

// Runs fn with the config finished and the database open; maps errors to exit codes.
template <class F>
int with_db(Config& c, int pool, F&& fn) {
  if (auto err = finish_config(c); !err.empty()) return usage_error(err);
  setup_logging(c.log_level);
  try {
    auth::crypto_init();
    auto db = open_db(c, pool);
    return fn(*db);
  } catch (const store::DbError& e) {
    std::cerr << "sdelka: database: " << e.what() << '\n';
    return 1;
  } catch (const http::ApiError& raw) {
    const auto e = i18n::worded(raw, "en");  // the command line speaks English
    std::cerr << "sdelka: " << e.title;
    for (const auto& f : e.fields) std::cerr << "; " << f.field << ": " << f.message;
    std::cerr << '\n';
    return 2;
  }
}

// First start of a new database: an administrator, and demo data unless switched off.
void first_start(store::Database& db, const Config& c) {
  staff::StaffService staff(db);
  bool has_users = db.read_value([](store::Tx& tx) { return tx.one("SELECT 1 FROM users LIMIT 1").has_value(); });
  if (has_users) return;
  std::string pw;
  bool generated = false;
  if (const char* env = std::getenv("SDELKA_ADMIN_PASSWORD"); env && *env) {
    pw = env;
  } else {
    pw = auth::random_token().substr(0, 16);
    generated = true;
  }
  auto sys = staff::StaffService::system_principal();
  staff::UserInput in;
  in.login = "admin";
  in.full_name = "Администратор";
  in.password = pw;
  in.roles = std::vector<std::string>{"admin"};
  staff.create_user(sys, in);
  std::cout << "Administrator created: login admin, password "
            << (generated ? pw + "  (generated; shown only now — change it after signing in)" : "from SDELKA_ADMIN_PASSWORD")
            << std::endl;
  if (c.demo) {
    load_platform_demo(staff, pw);
    if (c.demo_clients > 0) {
      auto counts = clients::load_demo(db, sys, c.demo_clients, c.demo_clients * 5 / 3, 1);
      std::cout << "Demo clients: " << counts.companies << " companies, " << counts.persons << " persons\n";
    }
  }
}

}  // namespace

int cmd_serve(Config c) {
  return with_db(c, 0, [&](store::Database&) { return 0; }) != 0 ? 1 : [&] {
    http::ServerOptions so;
    if (!parse_listen(c.listen, so.host, so.port)) return usage_error("--listen must be HOST:PORT, got '" + c.listen + "'");
    so.workers = c.workers;
    so.io_threads = c.io_threads;
    so.read_timeout = std::chrono::seconds(c.read_timeout);
    // The parser's hard cap; each route has its own limit (1 MiB by default → 413), the import
    // upload 256 MiB.
    // The parser's cap is the body limit itself (1 MiB by default), applied while the body is read:
    // nothing larger is ever held in memory. Larger files arrive in chunks (imports).
    so.max_body = static_cast<std::size_t>(c.body_limit);
    so.max_queue = static_cast<std::size_t>(c.max_queue);
    std::unique_ptr<store::Database> db;
    try {
      db = open_db(c, c.workers + 2);
      first_start(*db, c);
    } catch (const std::exception& e) {
      std::cerr << "sdelka: " << e.what() << '\n';
      return 1;
    }
    web::WebOptions wo;
    wo.behind_https = c.behind_https;
    wo.access_log = !c.no_access_log;
    wo.body_limit = static_cast<std::size_t>(c.body_limit);
    wo.files_dir = c.files_dir;
    wo.trusted_proxies = c.trusted_proxies;
    wo.metrics_token = c.metrics_token;
    web::App app(*db, wo);
    app.start_workers();
    int rc = http::run_server(
        so, [&app](http::Request& r) { return app.handle(r); },
        [&](std::uint16_t port) {
          spdlog::info(nlohmann::json{{"event", "listening"}, {"url", "http://" + so.host + ":" + std::to_string(port)},
                                      {"db", db->describe()}, {"workers", so.workers}}
                           .dump());
          std::cout << "Sdelka is serving http://" << so.host << ":" << port << "/" << std::endl;
        });
    app.stop_workers();
    spdlog::info(nlohmann::json{{"event", "stopped"}}.dump());
    return rc;
  }();
}

int cmd_migrate(Config c) {
  return with_db(c, 2, [](store::Database& db) {
    std::cout << "migrations up to date on " << db.describe() << '\n';
    return 0;
  });
}

int cmd_user_add(Config c, const UserArgs& a) {
  return with_db(c, 2, [&](store::Database& db) {
    staff::StaffService staff(db);
    auto sys = staff::StaffService::system_principal();
    std::string pw = read_password("Password: ");
    if (pw.empty()) return usage_error("no password: set SDELKA_PASSWORD or run on a terminal");
    staff::UserInput in;
    in.login = a.login;
    in.full_name = a.name;
    in.email = a.email;
    in.password = pw;
    std::vector<std::string> roles;
    std::string r = a.role;
    for (std::size_t s = 0; s <= r.size();) {
      auto e = r.find(',', s);
      if (e == std::string::npos) e = r.size();
      if (e > s) roles.push_back(r.substr(s, e - s));
      s = e + 1;
    }
    in.roles = roles;
    if (!a.department.empty()) {
      bool exists = false;
      for (auto& d : staff.list_departments(sys)) exists = exists || d["name"] == a.department;
      if (!exists) staff.create_department(sys, a.department);
      in.department = a.department;
    }
    auto u = staff.create_user(sys, in);
    std::cout << "user " << u["login"].get<std::string>() << " created (id " << u["id"] << ")\n";
    return 0;
  });
}

int cmd_user_passwd(Config c, const std::string& login) {
  return with_db(c, 2, [&](store::Database& db) {
    staff::StaffService staff(db);
    auto id = staff.find_user_id(login);
    if (!id) return usage_error("no user '" + login + "'");
    std::string pw = read_password("New password: ");
    if (pw.empty()) return usage_error("no password: set SDELKA_PASSWORD or run on a terminal");
    staff::UserInput in;
    in.password = pw;
    staff.update_user(staff::StaffService::system_principal(), *id, in, std::nullopt);
    std::cout << "password of " << login << " changed\n";
    return 0;
  });
}

int cmd_user_disable(Config c, const std::string& login) {
  return with_db(c, 2, [&](store::Database& db) {
    staff::StaffService staff(db);
    auto id = staff.find_user_id(login);
    if (!id) return usage_error("no user '" + login + "'");
    staff::UserInput in;
    in.disabled = true;
    staff.update_user(staff::StaffService::system_principal(), *id, in, std::nullopt);
    std::cout << "user " << login << " disabled\n";
    return 0;
  });
}

int cmd_user_list(Config c) {
  return with_db(c, 2, [&](store::Database& db) {
    staff::StaffService staff(db);
    auto sys = staff::StaffService::system_principal();
    std::optional<std::int64_t> after;
    std::printf("%-20s %-30s %-24s %-8s %s\n", "LOGIN", "NAME", "DEPARTMENT", "STATUS", "ROLES");
    do {
      auto page = staff.list_users(sys, after, 500);
      for (auto& u : page.items) {
        std::string roles;
        for (auto& r : u["roles"]) roles += (roles.empty() ? "" : ",") + r.get<std::string>();
        std::printf("%-20s %-30s %-24s %-8s %s\n", u["login"].get<std::string>().c_str(),
                    u["full_name"].get<std::string>().c_str(), u["department"].get<std::string>().c_str(),
                    u["disabled"].get<bool>() ? "disabled" : "active", roles.c_str());
      }
      after = page.next;
    } while (after);
    return 0;
  });
}

int cmd_backup(Config c, const std::string& file) {
  if (auto err = finish_config(c); !err.empty()) return usage_error(err);
  if (c.db.rfind("sqlite:", 0) != 0)
    return usage_error("backup works on SQLite; for PostgreSQL use pg_dump -Fc (see README, Backup)");
  const std::string path = c.db.substr(7);
  if (!fs::exists(path)) return usage_error("no database at " + path);
  if (auto err = store::sqlite_backup(path, file); !err.empty()) {
    std::cerr << "sdelka: " << err << '\n';
    return 1;
  }
  if (auto err = store::sqlite_integrity_check(file); !err.empty()) {
    std::cerr << "sdelka: the backup failed its integrity check: " << err << '\n';
    return 1;
  }
  std::cout << "backup written to " << file << " (" << fs::file_size(file) << " bytes, integrity ok)\n";
  return 0;
}

int cmd_restore(Config c, const std::string& file, bool force) {
  if (auto err = finish_config(c); !err.empty()) return usage_error(err);
  if (c.db.rfind("sqlite:", 0) != 0)
    return usage_error("restore works on SQLite; for PostgreSQL use pg_restore (see README, Backup)");
  if (!fs::exists(file)) return usage_error("no backup file " + file);
  if (auto err = store::sqlite_integrity_check(file); !err.empty())
    return usage_error("refusing to restore " + file + ": " + err);
  const std::string path = c.db.substr(7);
  if (fs::exists(path) && !force) return usage_error(path + " exists; stop the server and pass --force to replace it");
  fs::path p(path);
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
  // Copy into a temporary file beside the target, check it, then rename over the target.
  const std::string tmp = path + ".restore-tmp";
  fs::remove(tmp);
  if (auto err = store::sqlite_backup(file, tmp); !err.empty()) {
    std::cerr << "sdelka: " << err << '\n';
    return 1;
  }
  if (auto err = store::sqlite_integrity_check(tmp); !err.empty()) {
    fs::remove(tmp);
    std::cerr << "sdelka: restored copy failed its check: " << err << '\n';
    return 1;
  }
  fs::remove(path + "-wal");
  fs::remove(path + "-shm");
  fs::rename(tmp, path);
  std::cout << "restored " << path << " from " << file << " (integrity ok)\n";
  return 0;
}

}  // namespace sdelka::app
