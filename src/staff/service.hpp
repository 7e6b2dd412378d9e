#pragma once
// Staff: users, departments, role assignment, and job descriptions with their acknowledgement
// log (журнал ознакомления). Every write checks the central policy, runs in one transaction and
// is audited in it. Errors come back as core::DomainError (403, 404, 409, 412, 422).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/page.hpp"
#include "auth/limiter.hpp"
#include "auth/model.hpp"

namespace sdelka::store { class Database; }

namespace sdelka::staff {

struct UserInput {
  std::optional<std::string> login, full_name, email, password, department, lang;
  std::optional<std::vector<std::string>> roles;
  std::optional<bool> disabled;
  // A user changing their own password must give the current one. A password change ends every
  // other session and API token of the user; `keep_credential` (auth::token_hash of the session
  // cookie or Bearer token that made the change) is the one that stays.
  std::optional<std::string> current_password;
  std::string keep_credential;
};

struct JobInput {
  std::optional<std::string> title, role, body;
  std::optional<bool> confidential;
  std::optional<std::int64_t> department_id;
};

using Page = core::Page<nlohmann::json>;

class StaffService {
 public:
  // `limits`: how guesses of the current password in a password change are limited (as logins).
  explicit StaffService(store::Database& db, auth::LimiterOptions limits = {}) : db_(db), limiter_(db, limits) {}

  // Users. JSON shape: {id, login, full_name, email, department, department_id, roles, disabled,
  // lang, version, created_at, updated_at}. Passwords never leave the service.
  nlohmann::json create_user(const auth::Principal& p, const UserInput& in);
  nlohmann::json get_user(const auth::Principal& p, std::int64_t id);
  // if_match: the version the caller saw (412 when stale); nullopt skips the check.
  nlohmann::json update_user(const auth::Principal& p, std::int64_t id, const UserInput& in,
                             std::optional<std::int64_t> if_match);
  Page list_users(const auth::Principal& p, std::optional<std::int64_t> after, int limit);
  std::optional<std::int64_t> find_user_id(const std::string& login);

  // Departments: {id, name, version, created_at}. A name that exists already → 409 naming `name`.
  nlohmann::json create_department(const auth::Principal& p, const std::string& name);
  std::vector<nlohmann::json> list_departments(const auth::Principal& p);

  // Job descriptions: {id, title, role, body, confidential, owner_id, department_id, version, …}.
  nlohmann::json create_job(const auth::Principal& p, const JobInput& in);
  // Reading a confidential description is audited ("read_confidential").
  nlohmann::json get_job(const auth::Principal& p, std::int64_t id);
  // A changed body or title makes a new version; earlier acknowledgements stay for their version.
  nlohmann::json update_job(const auth::Principal& p, std::int64_t id, const JobInput& in,
                            std::optional<std::int64_t> if_match);
  Page list_jobs(const auth::Principal& p, std::optional<std::int64_t> after, int limit);
  // The principal signs the current version (idempotent).
  nlohmann::json acknowledge_job(const auth::Principal& p, std::int64_t id);
  std::vector<nlohmann::json> job_acknowledgements(const auth::Principal& p, std::int64_t id);
  // Replaces the access list of a confidential description (owner or admin).
  nlohmann::json set_job_acl(const auth::Principal& p, std::int64_t id, const std::vector<std::string>& logins);

  // The principal used by CLI commands (acts as an administrator, audited as "cli").
  static auth::Principal system_principal();

 private:
  store::Database& db_;
  auth::LoginLimiter limiter_;
};

// The validation rules shared by the API, the pages and the CLI.
bool valid_login(const std::string& login);
bool valid_email(const std::string& email);
constexpr std::size_t kMinPasswordLength = 8;

}  // namespace sdelka::staff
