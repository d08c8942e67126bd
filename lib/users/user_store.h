#pragma once
// Who a user is and where they belong: what a signed-in page needs to offer a workspace picker.
#include <string>
#include <vector>

#include "auth/role.h"

namespace rj {

struct Membership {
  std::string workspaceId;
  std::string workspaceName;
  Role role = Role::Guest;
};

struct UserProfile {
  std::string id;
  std::string email;
  std::string name;
  std::vector<Membership> workspaces;  // by workspace name
};

class UserStore {
 public:
  // The user and every workspace they are a member of; 401 when the user no longer exists.
  UserProfile profile(const std::string& userId);
};

// {"user": {"id", "email", "name"}, "workspaces": [{"id", "name", "role"}]}
std::string toJson(const UserProfile& profile);

}  // namespace rj
