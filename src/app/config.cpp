// Configuration: flags and environment are parsed by CLI11 in main.cpp; this fills what they
// left unset from the TOML file and then from defaults.
#include <toml++/toml.h>

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string_view>
#include <thread>

#include "app/platform.hpp"

namespace sdelka::app {

std::string finish_config(Config& c) {
  // Environment before the TOML file (flags, parsed by CLI11, come first of all).
  if (c.sqlite_synchronous.empty())
    if (const char* env = std::getenv("SDELKA_SQLITE_SYNCHRONOUS")) c.sqlite_synchronous = env;
  if (c.metrics_token.empty())
    if (const char* env = std::getenv("SDELKA_METRICS_TOKEN")) c.metrics_token = env;
  if (c.trusted_proxies.empty())
    if (const char* env = std::getenv("SDELKA_TRUSTED_PROXIES")) {
      std::string_view rest = env;
      while (!rest.empty()) {
        auto comma = rest.find(',');
        std::string part(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        part.erase(0, part.find_first_not_of(' '));
        part.erase(part.find_last_not_of(' ') + 1);
        if (!part.empty()) c.trusted_proxies.push_back(part);
      }
    }
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
    if (c.max_queue == 0) c.max_queue = t["server"]["max_queue"].value_or(0LL);
    if (c.read_timeout == 0) c.read_timeout = t["server"]["read_timeout_seconds"].value_or(0);
    if (!c.behind_https) c.behind_https = t["server"]["behind_https"].value_or(false);
    if (!c.no_access_log) c.no_access_log = !t["log"]["access_log"].value_or(true);
    if (c.log_level.empty()) c.log_level = t["log"]["level"].value_or(std::string());
    if (c.files_dir.empty()) c.files_dir = t["server"]["files"].value_or(std::string());
    if (c.metrics_token.empty()) c.metrics_token = t["server"]["metrics_token"].value_or(std::string());
    if (c.trusted_proxies.empty())
      if (auto* arr = t["server"]["trusted_proxies"].as_array())
        for (auto& v : *arr)
          if (auto str = v.value<std::string>()) c.trusted_proxies.push_back(*str);
    if (c.sqlite_synchronous.empty()) c.sqlite_synchronous = t["database"]["sqlite_synchronous"].value_or(std::string());
  }
  if (!c.metrics_token.empty() && c.metrics_token.size() < 16) return "metrics_token must be at least 16 characters";
  for (const auto& ip : c.trusted_proxies) {
    unsigned char buf[16];
    if (inet_pton(AF_INET, ip.c_str(), buf) != 1 && inet_pton(AF_INET6, ip.c_str(), buf) != 1)
      return "trusted_proxies: " + ip + " is not an IP address (give each proxy's address; ranges are not supported)";
  }
  for (auto& ch : c.sqlite_synchronous) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (c.sqlite_synchronous.empty()) c.sqlite_synchronous = "full";
  if (c.sqlite_synchronous != "full" && c.sqlite_synchronous != "normal")
    return "sqlite_synchronous must be full or normal, not " + c.sqlite_synchronous;
  if (c.db.empty()) c.db = "sqlite:data/sdelka.db";
  if (c.listen.empty()) c.listen = "127.0.0.1:8080";
  if (c.workers <= 0) c.workers = static_cast<int>(std::max(2u, std::thread::hardware_concurrency() * 2));
  // One thread per core parses requests and writes answers (at most 8): with one, it was the
  // bottleneck of fast reads on two cores (word search 5,500 → 7,100 req/s with two).
  if (c.io_threads <= 0) c.io_threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
  if (c.body_limit <= 0) c.body_limit = 1 << 20;
  if (c.body_limit < 64 * 1024 || c.body_limit > (64 << 20)) return "body_limit must be from 65536 to 67108864 bytes";
  if (c.max_queue <= 0) c.max_queue = 1024;
  if (c.read_timeout <= 0) c.read_timeout = 20;
  if (c.log_level.empty()) c.log_level = "info";
  if (c.files_dir.empty()) c.files_dir = "data/files";
  if (c.workers > 256) return "workers must be at most 256";
  if (c.io_threads > 64) return "io_threads must be at most 64";
  return "";
}

}  // namespace sdelka::app
