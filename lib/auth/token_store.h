#pragma once
// API tokens as the guards see them: only live ones (unexpired, unrevoked) count, found by hash.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "auth/role.h"
#include "db/connection.h"

namespace rj {

// A user's place in one workspace.
struct WorkspaceMembership {
  std::string workspaceId;
  std::optional<Role> role;  // nullopt: the user is not a member
};

struct LiveToken {
  std::string userId;
  std::string tokenHash;  // SHA-256 hex: what a long stream re-checks the token by
  // Seconds until the token expires; nullopt when it never does.
  std::optional<int64_t> secondsLeft;
  // The user's membership of the workspace findLive was asked about, read with the token.
  std::optional<WorkspaceMembership> membership;
};

// The live-token lookup findLive runs, for a statement that reads something else with it (serve's
// guarded reads): select kLiveTokenColumns (the seconds left, t.user_id, m.role) from
// kLiveTokenSource, whose two parameters are the workspace id (NULL: no role), then the hash.
extern const char* const kLiveTokenColumns;
extern const char* const kLiveTokenSource;
// The token of a row that holds kLiveTokenColumns from `firstColumn` (1-based) on: the hash it was
// found by and, with a workspace id, the role read there.
LiveToken readLiveToken(sql::ResultSet& row, uint32_t firstColumn, const std::string& tokenHash,
                        const std::optional<std::string>& workspaceId);

class TokenStore {
 public:
  // The live token with this value, looked up by its SHA-256 hash (tokens themselves are never
  // stored or compared); nullopt when there is none. With a workspace id, the same statement
  // also reads the token's user's role in that workspace (LiveToken::membership).
  std::optional<LiveToken> findLive(
      const std::string& token, const std::optional<std::string>& workspaceId = std::nullopt) const;
  // The same, given the token's SHA-256 hex.
  std::optional<LiveToken> findLiveByHash(const std::string& tokenHash,
                                          const std::optional<std::string>& workspaceId) const;
};

// Of these token hashes, the (hash, workspace id) pairs of live tokens whose user is a member of
// the workspace: one query for up to kMaxCheckedTokens hashes.
constexpr size_t kMaxCheckedTokens = 256;
std::set<std::pair<std::string, std::string>> findLiveMemberships(
    Connection& connection, const std::vector<std::string>& tokenHashes);

}  // namespace rj
