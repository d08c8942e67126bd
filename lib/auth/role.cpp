#include "auth/role.h"

namespace rj {

std::optional<Role> parseRole(const std::string& name) {
  if (name == "OWNER") return Role::Owner;
  if (name == "ADMIN") return Role::Admin;
  if (name == "MEMBER") return Role::Member;
  if (name == "GUEST") return Role::Guest;
  return std::nullopt;
}

const char* roleName(Role role) {
  switch (role) {
    case Role::Owner:
      return "OWNER";
    case Role::Admin:
      return "ADMIN";
    case Role::Member:
      return "MEMBER";
    case Role::Guest:
      return "GUEST";
  }
  return "GUEST";
}

bool permits(Role role, Permission permission) {
  switch (permission) {
    case Permission::WorkspaceAny:
      return role >= Role::Guest;
    case Permission::WorkspaceMember:
      return role >= Role::Member;
    case Permission::WorkspaceAdmin:
      return role >= Role::Admin;
    default:
      return false;
  }
}

}  // namespace rj
