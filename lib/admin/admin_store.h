#pragma once
// Administration is SQL; these are the statements rjadmin runs.
#include <optional>
#include <string>
#include <vector>

#include "auth/role.h"
#include "db/connection.h"

namespace rj {

struct IssuedSecret {
  std::string id;
  std::string token;  // shown once; only its hash is stored
};

class AdminStore {
 public:
  explicit AdminStore(Connection& connection) : connection_(connection) {}
  std::string createUser(const std::string& email, const std::string& name);
  std::string createWorkspace(const std::string& name);
  // Adds the member or changes the role of an existing one.
  void addMember(const std::string& workspaceId, const std::string& userId, Role role);
  // expiresAt: "YYYY-MM-DD HH:MM:SS" UTC, or nullopt for a token that never expires.
  IssuedSecret issueToken(const std::string& userId, const std::string& name,
                          const std::optional<std::string>& expiresAt);
  // Revokes by token id or by the token itself; false when none matched.
  bool revokeToken(const std::string& idOrToken);
  IssuedSecret createRunner(const std::string& name, const std::optional<std::string>& workspaceId,
                            const std::vector<std::string>& jobTypes);
  // The user id for an id or an e-mail address.
  std::optional<std::string> findUser(const std::string& idOrEmail);
  // A token that reads GET /api/metrics of the workspace and nothing else (auth/metrics_token.h).
  IssuedSecret issueMetricsToken(const std::string& workspaceId, const std::string& name,
                                 const std::optional<std::string>& expiresAt);
  // Revokes a metrics token by id or by the token itself; false when none matched.
  bool revokeMetricsToken(const std::string& idOrToken);

 private:
  Connection& connection_;
};

// "30d", "12h", "45m", "10s" or an ISO date/time -> "YYYY-MM-DD HH:MM:SS" UTC; nullopt when
// malformed or not after now (a token that is dead when issued is a mistake, not a request).
std::optional<std::string> parseExpiry(const std::string& text, long long nowEpochSeconds);

}  // namespace rj
