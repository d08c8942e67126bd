#include "auth/session.h"

#include <algorithm>

#include "auth/guards.h"
#include "db/retry.h"
#include "http/errors.h"
#include "util/crypto.h"

namespace rj {

namespace {
std::string cookieWith(const std::string& value, int64_t maxAgeSeconds, bool secure) {
  // Path=/api: the pages never need it, only the API does.
  return std::string(kSessionCookie) + "=" + value +
         "; Path=/api; Max-Age=" + std::to_string(maxAgeSeconds) + "; HttpOnly; SameSite=Strict" +
         (secure ? "; Secure" : "");
}
}  // namespace

int64_t sessionMaxAge(const std::string& token) {
  struct Lifetime {
    bool live = false;
    std::optional<int64_t> secondsLeft;
  };
  auto lifetime = withRetry([&](Connection& connection) {
    auto rows = Query(connection,
                      "SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(3), expires_at) AS seconds_left"
                      " FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL"
                      " AND (expires_at IS NULL OR expires_at > UTC_TIMESTAMP(3))")
                    .bind(sha256Hex(token))
                    .rows();
    Lifetime found;
    if (!rows->next()) return found;
    found.live = true;
    if (!rows->isNull("seconds_left")) found.secondsLeft = rows->getInt64("seconds_left");
    return found;
  });
  if (!lifetime.live) throw Unauthorized("Invalid, expired or revoked token");
  return boundedSessionMaxAge(lifetime.secondsLeft);
}

int64_t boundedSessionMaxAge(std::optional<int64_t> tokenSecondsLeft) {
  if (!tokenSecondsLeft) return kSessionMaxAgeSeconds;
  return std::clamp<int64_t>(*tokenSecondsLeft, 0, kSessionMaxAgeSeconds);
}

std::string sessionCookie(const std::string& token, int64_t maxAgeSeconds, bool secure) {
  return cookieWith(token, maxAgeSeconds, secure);
}

std::string clearedSessionCookie(bool secure) {
  return cookieWith("", 0, secure);
}

}  // namespace rj
