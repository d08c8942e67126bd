#pragma once
#include <optional>
#include <string>

namespace rj {

// Ordered: a higher role has every right of a lower one.
enum class Role { Guest = 1, Member = 2, Admin = 3, Owner = 4 };

enum class Permission {
  Public,           // no authentication (health)
  Authenticated,    // a valid user token, no workspace (session cookie)
  WorkspaceAny,     // any member of the workspace
  WorkspaceMember,  // MEMBER and above
  Runner,           // a runner token
  WorkspaceAdmin,   // ADMIN and OWNER
};

std::optional<Role> parseRole(const std::string& name);
const char* roleName(Role role);
// True when `role` satisfies a workspace permission.
bool permits(Role role, Permission permission);

}  // namespace rj
