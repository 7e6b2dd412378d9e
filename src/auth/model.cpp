#include "auth/model.hpp"

#include <algorithm>

namespace sdelka::auth {

std::string_view role_code(Role r) {
  switch (r) {
    case Role::operator_: return "operator";
    case Role::sales_manager: return "sales_manager";
    case Role::client_manager: return "client_manager";
    case Role::credit_manager: return "credit_manager";
    case Role::risk_officer: return "risk_officer";
    case Role::security_officer: return "security_officer";
    case Role::head: return "head";
    case Role::admin: return "admin";
  }
  return "";
}

std::optional<Role> role_from_code(std::string_view code) {
  for (Role r : kAllRoles)
    if (role_code(r) == code) return r;
  return std::nullopt;
}

bool Principal::has(Role r) const { return std::find(roles.begin(), roles.end(), r) != roles.end(); }

}  // namespace sdelka::auth
