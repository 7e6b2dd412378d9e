// Configuration: flags and environment are parsed by CLI11 in main.cpp; this fills what they
// left unset from the TOML file and then from defaults.
#include <toml++/toml.h>

#include <algorithm>
#include <thread>

#include "app/platform.hpp"

namespace sdelka::app {

std::string finish_config(Config& c) {
  if (!c.config_file.empty()) {
    toml::table t;
    try {
      t = toml::parse_file(c.config_file);
    } catch (const toml::parse_error& e) {
      return "cannot read config " + c.config_file + ": " + std::string(e.description());
    }
    if (c.db.empty()) c.db = t["database"]["url"].value_or(std::string());
    if (c.listen.empty()) c.listen = t["server"]["listen"].value_or(std::string());
    if (c.workers == 0) c.workers = t["server"]["workers"].value_or(0);
    if (c.io_threads == 0) c.io_threads = t["server"]["io_threads"].value_or(0);
    if (c.body_limit == 0) c.body_limit = t["server"]["body_limit"].value_or(0LL);
    if (c.read_timeout == 0) c.read_timeout = t["server"]["read_timeout_seconds"].value_or(0);
    if (!c.behind_https) c.behind_https = t["server"]["behind_https"].value_or(false);
    if (!c.no_access_log) c.no_access_log = !t["log"]["access_log"].value_or(true);
    if (c.log_level.empty()) c.log_level = t["log"]["level"].value_or(std::string());
    if (c.files_dir.empty()) c.files_dir = t["server"]["files"].value_or(std::string());
  }
  if (c.db.empty()) c.db = "sqlite:data/sdelka.db";
  if (c.listen.empty()) c.listen = "127.0.0.1:8080";
  if (c.workers <= 0) c.workers = static_cast<int>(std::max(2u, std::thread::hardware_concurrency() * 2));
  // One thread per core parses requests and writes answers (at most 8): with one, it was the
  // bottleneck of fast reads on two cores (word search 5,500 → 7,100 req/s with two).
  if (c.io_threads <= 0) c.io_threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
  if (c.body_limit <= 0) c.body_limit = 1 << 20;
  if (c.read_timeout <= 0) c.read_timeout = 20;
  if (c.log_level.empty()) c.log_level = "info";
  if (c.files_dir.empty()) c.files_dir = "data/files";
  if (c.workers > 256) return "workers must be at most 256";
  if (c.io_threads > 64) return "io_threads must be at most 64";
  return "";
}

}  // namespace sdelka::app
