#pragma once
// Limits password guesses: per login and per address within a window, counted in the database (so
// that parallel guesses and several server processes share one count). Used wherever a password is
// checked: the login, and the current password of a password change. Thread-safe.
#include <chrono>
#include <string>

namespace sdelka::store { class Database; }

namespace sdelka::auth {

struct LimiterOptions {
  int max_per_login = 5;   // attempts within the window → 429
  int max_per_ip = 30;
  std::chrono::seconds window{15 * 60};
};

class LoginLimiter {
 public:
  LoginLimiter(store::Database& db, LimiterOptions opts) : db_(db), opts_(opts) {}

  // Counts one attempt for `login` and for `ip` before the password is hashed. Throws
  // core::DomainError rate_limited (429, Retry-After, in `lang`), counting nothing, when either is
  // over its limit. Any login makes a valid key (it is hashed).
  void reserve(const std::string& login, const std::string& ip, const std::string& lang);
  // After a correct password: the login's count ends, the address's success is not held against it.
  void release(const std::string& login, const std::string& ip);

 private:
  store::Database& db_;
  LimiterOptions opts_;
};

}  // namespace sdelka::auth
