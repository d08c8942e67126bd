#include "auth/token_store.h"

#include <algorithm>
#include <stdexcept>

#include "db/padded_list.h"
#include "db/retry.h"
#include "util/crypto.h"

namespace rj {

const char* const kLiveTokenColumns =
    "TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(3), t.expires_at), t.user_id, m.role";
// The lookup is by the hash's unique index; the membership by the members' primary key. A NULL
// workspace id joins nothing, so one statement serves both kinds of lookup.
const char* const kLiveTokenSource =
    "FROM api_tokens t LEFT JOIN workspace_members m"
    " ON m.workspace_id = ? AND m.user_id = t.user_id WHERE t.token_hash = ?"
    " AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > UTC_TIMESTAMP(3))";

LiveToken readLiveToken(sql::ResultSet& row, uint32_t firstColumn, const std::string& tokenHash,
                        const std::optional<std::string>& workspaceId) {
  const uint32_t secondsLeft = firstColumn, userId = firstColumn + 1, role = firstColumn + 2;
  LiveToken found{std::string(row.getString(userId)), tokenHash, std::nullopt, std::nullopt};
  if (!row.isNull(secondsLeft)) found.secondsLeft = row.getInt64(secondsLeft);
  if (workspaceId) {
    auto roleName = optionalString(row, role);
    found.membership =
        WorkspaceMembership{*workspaceId, roleName ? parseRole(*roleName) : std::nullopt};
  }
  return found;
}

std::optional<LiveToken> TokenStore::findLive(const std::string& token,
                                              const std::optional<std::string>& workspaceId) const {
  return findLiveByHash(sha256Hex(token), workspaceId);
}

std::optional<LiveToken> TokenStore::findLiveByHash(
    const std::string& hash, const std::optional<std::string>& workspaceId) const {
  auto lookup = [&](Connection& connection, Freshness freshness) -> std::optional<LiveToken> {
    std::string text = std::string("SELECT ") + kLiveTokenColumns + " " + kLiveTokenSource;
    if (freshness == Freshness::Causal) text = causalRead(connection, text);
    auto rows = Query(connection, text).bind(workspaceId).bind(hash).rows();
    if (!rows->next()) return std::nullopt;
    return readLiveToken(*rows, 1, hash, workspaceId);
  };
  return withRetry([&](Connection& connection) -> std::optional<LiveToken> {
    auto found = lookup(connection, Freshness::Local);
    // A session signed in, or a member added, through another front end may not have reached
    // this cluster node yet: a refusal is read again causally first. Acceptance never waits.
    bool refused = !found || (found->membership && !found->membership->role);
    if (refused && connection.clusterNode()) found = lookup(connection, Freshness::Causal);
    return found;
  });
}

std::set<std::pair<std::string, std::string>> findLiveMemberships(
    Connection& connection, const std::vector<std::string>& tokenHashes) {
  std::set<std::pair<std::string, std::string>> live;
  if (tokenHashes.empty()) return live;
  if (tokenHashes.size() > kMaxCheckedTokens) {
    throw std::invalid_argument("findLiveMemberships: too many tokens");
  }
  const size_t slots = paddedSlots(tokenHashes.size(), 8);
  Query query(
      connection,
      "SELECT t.token_hash, m.workspace_id FROM api_tokens t JOIN workspace_members m"
      " ON m.user_id = t.user_id WHERE t.revoked_at IS NULL"
      " AND (t.expires_at IS NULL OR t.expires_at > UTC_TIMESTAMP(3)) AND t.token_hash IN (" +
          placeholderList(slots) + ")");
  for (size_t i = 0; i < slots; ++i) query.bind(paddedValue(tokenHashes, i));
  auto rows = query.rows();
  while (rows->next()) live.emplace(rows->getString("token_hash"), rows->getString("workspace_id"));
  return live;
}

}  // namespace rj
