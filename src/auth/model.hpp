#pragma once
// Who is acting: users, roles (the eight of DOMAIN.md with stable codes) and the principal.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sdelka::auth {

enum class Role { operator_, sales_manager, client_manager, credit_manager, risk_officer, security_officer, head, admin };

inline constexpr std::array<Role, 8> kAllRoles = {Role::operator_,       Role::sales_manager, Role::client_manager,
                                                  Role::credit_manager,  Role::risk_officer,  Role::security_officer,
                                                  Role::head,            Role::admin};

// Stable code used in the database, the API and the CLI ("sales_manager").
std::string_view role_code(Role r);
// The role for a code, or nullopt.
std::optional<Role> role_from_code(std::string_view code);

// The authenticated user of a request or command.
struct Principal {
  std::int64_t user_id = 0;
  std::string login;
  std::string full_name;
  std::optional<std::int64_t> department_id;
  std::string department_name;
  std::vector<Role> roles;
  std::string lang = "ru";
  std::string ip;
  bool has(Role r) const;
};

}  // namespace sdelka::auth
