#include "users/user_store.h"

#include "db/retry.h"
#include "errors/errors.h"
#include "json/json.h"

namespace rj {

UserProfile UserStore::profile(const std::string& userId) {
  auto profile = withRetry([&](Connection& connection) -> std::optional<UserProfile> {
    auto users =
        Query(connection, "SELECT id, email, name FROM users WHERE id = ?").bind(userId).rows();
    if (!users->next()) return std::nullopt;
    UserProfile found;
    found.id = users->getString("id");
    found.email = users->getString("email");
    found.name = users->getString("name");
    auto memberships = Query(connection,
                             "SELECT w.id, w.name, m.role FROM workspace_members m"
                             " JOIN workspaces w ON w.id = m.workspace_id"
                             " WHERE m.user_id = ? ORDER BY w.name, w.id")
                           .bind(userId)
                           .rows();
    while (memberships->next()) {
      found.workspaces.push_back({memberships->getString("id"), memberships->getString("name"),
                                  parseRole(memberships->getString("role")).value_or(Role::Guest)});
    }
    return found;
  });
  // The token outlived its user only between the guard and this query.
  if (!profile) throw Unauthorized("Invalid, expired or revoked token");
  return *profile;
}

std::string toJson(const UserProfile& profile) {
  JsonWriter out;
  out.startObject();
  out.key("user").startObject();
  out.key("id").string(profile.id);
  out.key("email").string(profile.email);
  out.key("name").string(profile.name);
  out.endObject();
  out.key("workspaces").startArray();
  for (const auto& membership : profile.workspaces) {
    out.startObject();
    out.key("id").string(membership.workspaceId);
    out.key("name").string(membership.workspaceName);
    out.key("role").string(roleName(membership.role));
    out.endObject();
  }
  out.endArray();
  out.endObject();
  return out.take();
}

}  // namespace rj
