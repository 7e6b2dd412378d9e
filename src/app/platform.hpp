#pragma once
// The platform commands: serve, migrate, user, backup, restore. Plain functions called by the
// CLI wiring in cli_platform.inc; each returns the process exit status (2 for bad arguments).
#include <string>
#include <vector>

namespace sdelka::store { class Database; }

namespace sdelka::app {

// Settings from flags, environment (SDELKA_*) and a TOML file, in that order of precedence.
struct Config {
  std::string config_file;  // --config / SDELKA_CONFIG
  std::string db;           // --db / SDELKA_DB / [database] url; default sqlite:data/sdelka.db
  std::string listen;       // --listen / SDELKA_LISTEN / [server] listen; default 127.0.0.1:8080
  int workers = 0;          // --workers / SDELKA_WORKERS / [server] workers; default 2 × cores
  int io_threads = 0;       // [server] io_threads; default cores (at most 8)
  long long body_limit = 0; // [server] body_limit; default 1 MiB (the largest body read, uploads come in chunks)
  long long max_queue = 0;  // --max-queue / [server] max_queue; default 1024: requests waiting past it get 503
  // [server] read_timeout_seconds, default 20: how long a connection may take to send its next
  // request, headers and body, counted from the end of the previous one. RESTinio has one timer
  // for this, so it is both the idle keep-alive timeout and the slow-header (slowloris) limit.
  int read_timeout = 0;
  bool behind_https = false;  // --behind-https / SDELKA_BEHIND_HTTPS / [server] behind_https
  bool no_access_log = false; // --no-access-log / [log] access_log = false
  std::string log_level;    // --log-level / SDELKA_LOG_LEVEL / [log] level; default info
  bool demo = true;         // load demo data into a new database (--no-demo)
  long long demo_clients = 300;
  // [database] sqlite_synchronous / SDELKA_SQLITE_SYNCHRONOUS: "full" (default: durable against
  // power loss) or "normal" (faster commits; a power loss may lose the last ones).
  std::string sqlite_synchronous;
  // --trusted-proxy (repeatable) / SDELKA_TRUSTED_PROXIES (comma-separated) / [server] trusted_proxies:
  // addresses of the reverse proxies whose X-Forwarded-For names the client.
  std::vector<std::string> trusted_proxies;
  std::string metrics_token;  // SDELKA_METRICS_TOKEN / [server] metrics_token: the scraper's Bearer token for /metrics
  std::string files_dir;    // --files / SDELKA_FILES / [server] files; default data/files  // demo companies (and 5/3 as many persons) with the demo data
};

// Fills unset fields from the TOML file (when given) and defaults. Returns "" or an error.
std::string finish_config(Config& c);

// Applies pending migrations, then the data steps that follow them (the list rows of clients
// still to write, clients::repo::fill_list_rows); log = false keeps quiet (the clients commands,
// whose output is their summary line). Throws on failure.
void upgrade(store::Database& db, bool log = true);

int cmd_serve(Config c);
int cmd_migrate(Config c);

struct UserArgs {
  std::string login, role, department, name, email;
};
int cmd_user_add(Config c, const UserArgs& a);
int cmd_user_passwd(Config c, const std::string& login);
int cmd_user_disable(Config c, const std::string& login);
int cmd_user_list(Config c);
int cmd_backup(Config c, const std::string& file);
int cmd_restore(Config c, const std::string& file, bool force);

}  // namespace sdelka::app
