#pragma once
// Administration is SQL; these are the statements rjadmin runs.
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "auth/role.h"
#include "db/connection.h"

namespace rj {

struct IssuedSecret {
  std::string id;
  std::string token;  // shown once; only its hash is stored
};

// A user or metrics token as `rjadmin list-tokens` shows it: never the token nor its hash.
struct ListedToken {
  std::string id;
  std::string kind;   // "user" or "metrics"
  std::string owner;  // the user's e-mail address, or the metrics token's workspace id
  std::string name;   // may be empty
  std::string createdAt;
  std::optional<std::string> expiresAt;  // nullopt: never
  std::optional<std::string> revokedAt;
};

// A runner row as `rjadmin list-runners` shows it (timestamps ISO).
struct RegisteredRunner {
  std::string id;
  std::string name;
  std::optional<std::string> jobTypes;     // "a,b"; nullopt: any type
  std::optional<std::string> workspaceId;  // nullopt: any workspace
  std::string createdAt;
  std::optional<std::string> lastSeenAt;
  std::optional<std::string> revokedAt;
};

// A live (not revoked) runner already has the name create-runner was given.
class DuplicateRunnerName : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
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
  // Throws DuplicateRunnerName when a live runner has the name: revoking and rotating go by name,
  // so two live runners of one name could not be told apart.
  IssuedSecret createRunner(const std::string& name, const std::optional<std::string>& workspaceId,
                            const std::vector<std::string>& jobTypes);
  // The user id for an id or an e-mail address.
  std::optional<std::string> findUser(const std::string& idOrEmail);
  // A token that reads GET /api/metrics of the workspace and nothing else (auth/metrics_token.h).
  IssuedSecret issueMetricsToken(const std::string& workspaceId, const std::string& name,
                                 const std::optional<std::string>& expiresAt);
  // Revokes a metrics token by id or by the token itself; false when none matched.
  bool revokeMetricsToken(const std::string& idOrToken);
  // User tokens (of the workspace's members, with a workspace) and metrics tokens (of the
  // workspace), oldest first.
  std::vector<ListedToken> listTokens(const std::optional<std::string>& workspaceId);
  // Runners (bound to the workspace or to none, with a workspace), by name.
  std::vector<RegisteredRunner> listRunners(const std::optional<std::string>& workspaceId);
  // Revokes the live runner with this id, or the one live runner of this name; its id, or nullopt
  // when none matched. Several live runners of the name (made before names had to differ): throws
  // std::runtime_error naming them, so that one is revoked by id.
  std::optional<std::string> revokeRunner(const std::string& idOrName);

 private:
  Connection& connection_;
};

// "30d", "12h", "45m", "10s" or an ISO date/time -> "YYYY-MM-DD HH:MM:SS" UTC; nullopt when
// malformed or not after now (a token that is dead when issued is a mistake, not a request).
std::optional<std::string> parseExpiry(const std::string& text, long long nowEpochSeconds);

}  // namespace rj
