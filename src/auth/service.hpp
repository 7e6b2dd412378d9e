#pragma once
// Logging in and out: password checks with a rate limit, server-side sessions (cookie token +
// CSRF token), and hashed API tokens for `Authorization: Bearer`. Thread-safe.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "auth/limiter.hpp"
#include "auth/model.hpp"

namespace sdelka::store { class Database; class Tx; }

namespace sdelka::auth {

struct AuthOptions {
  std::int64_t session_ttl_seconds = 12 * 3600;      // idle lifetime, extended while used
  std::int64_t token_ttl_seconds = 90 * 24 * 3600;   // API token lifetime
  int max_failures_per_login = 5;                    // within the window → 429
  int max_failures_per_ip = 30;
  std::chrono::seconds failure_window{15 * 60};
};

inline LimiterOptions limiter_options(const AuthOptions& o) {
  return {o.max_failures_per_login, o.max_failures_per_ip, o.failure_window};
}

struct Session {
  std::string token;  // goes into the cookie; only its hash is stored
  std::string csrf;   // goes into forms and the X-CSRF-Token header
};

class AuthService {
 public:
  AuthService(store::Database& db, AuthOptions opts = {});

  // Checks login and password. Returns the principal, or nullopt for a wrong login/password or
  // a disabled user (the same answer, same effort). Throws core::DomainError 429 with Retry-After
  // when the login or the address has failed too often recently. Audits failures and successes.
  std::optional<Principal> authenticate(const std::string& login, const std::string& password, const std::string& ip,
                                        const std::string& lang);

  // Starts a server-side session for p.
  Session start_session(const Principal& p);
  // The principal and CSRF token of a live session cookie, or nullopt (unknown, expired, or the
  // user was disabled). Extends the session when it is past half its life.
  std::optional<std::pair<Principal, std::string>> resolve_session(const std::string& token, const std::string& ip);
  // Ends the session (logout). Audited.
  void end_session(const std::string& token, const Principal& p);

  // Issues an API token for p; only its hash is stored. Audited.
  std::string issue_token(const Principal& p, const std::string& name);
  // The principal of a live Bearer token, or nullopt.
  std::optional<Principal> resolve_token(const std::string& token, const std::string& ip);
  // Revokes the token (no-op when unknown). Audited.
  void revoke_token(const std::string& token, const Principal& p);

  // Loads a user's principal (roles, department) in a transaction; nullopt when missing/disabled.
  static std::optional<Principal> load_principal(store::Tx& tx, std::int64_t user_id);

 private:
  store::Database& db_;
  AuthOptions opts_;
  LoginLimiter limiter_;

};

}  // namespace sdelka::auth
