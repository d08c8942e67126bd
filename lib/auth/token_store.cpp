#include "auth/token_store.h"

#include "db/retry.h"
#include "util/crypto.h"

namespace rj {

std::optional<LiveToken> TokenStore::findLive(const std::string& token) const {
  std::string hash = sha256Hex(token);
  return withRetry([&](Connection& connection) -> std::optional<LiveToken> {
    // The lookup is by the hash's unique index.
    auto rows = Query(connection,
                      "SELECT user_id, TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(3), expires_at)"
                      " AS seconds_left FROM api_tokens WHERE token_hash = ?"
                      " AND revoked_at IS NULL"
                      " AND (expires_at IS NULL OR expires_at > UTC_TIMESTAMP(3))")
                    .bind(hash)
                    .rows();
    if (!rows->next()) return std::nullopt;
    LiveToken found{std::string(rows->getString("user_id")), std::nullopt};
    if (!rows->isNull("seconds_left")) found.secondsLeft = rows->getInt64("seconds_left");
    return found;
  });
}

}  // namespace rj
