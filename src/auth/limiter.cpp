#include "auth/limiter.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <utility>

#include "auth/crypto.hpp"
#include "core/error.hpp"
#include "i18n/i18n.hpp"
#include "store/database.hpp"

namespace sdelka::auth {

namespace {
// Keyed by a hash: a login of any length or bytes makes a valid key (text on PostgreSQL).
std::string key_of_login(const std::string& login) { return "login:" + token_hash(login); }

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
}  // namespace

void LoginLimiter::reserve(const std::string& login, const std::string& ip, const std::string& lang) {
  const std::string login_key = key_of_login(login), ip_key = "ip:" + ip;
  const std::int64_t now = unix_now(), window = opts_.window.count(), cutoff = now - window;
  std::int64_t retry = 0;
  try {
    db_.write([&](store::Tx& tx) {
      tx.exec("DELETE FROM login_attempts WHERE window_start < ?", {cutoff});
      for (const auto& [key, max] : {std::pair{login_key, opts_.max_per_login},
                                     std::pair{ip_key, opts_.max_per_ip}}) {
        auto r = tx.one(
            "INSERT INTO login_attempts (key, window_start, attempts) VALUES (?, ?, 1) ON CONFLICT (key) DO UPDATE SET "
            "attempts = CASE WHEN login_attempts.window_start < ? THEN 1 ELSE login_attempts.attempts + 1 END, "
            "window_start = CASE WHEN login_attempts.window_start < ? THEN excluded.window_start "
            "ELSE login_attempts.window_start END RETURNING attempts, window_start",
            {key, now, cutoff, cutoff});
        if (r->i64(0) > max) {
          retry = std::max<std::int64_t>(1, r->i64(1) + window - now + 1);
          throw std::range_error("limited");  // rolls the counts back
        }
      }
    });
  } catch (const std::range_error&) {
    core::DomainError e{core::ErrorKind::rate_limited, i18n::t(lang, "err.rate_limited"), i18n::t(lang, "err.rate_limited.detail")};
    e.headers.emplace_back("Retry-After", std::to_string(retry));
    throw e;
  }
}

void LoginLimiter::release(const std::string& login, const std::string& ip) {
  db_.write([&](store::Tx& tx) {
    tx.exec("DELETE FROM login_attempts WHERE key = ?", {key_of_login(login)});
    tx.exec("UPDATE login_attempts SET attempts = attempts - 1 WHERE key = ? AND attempts > 0", {"ip:" + ip});
  });
}

}  // namespace sdelka::auth
