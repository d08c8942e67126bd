#include "auth/session.h"

#include <algorithm>

#include "auth/guards.h"

namespace rj {

namespace {
std::string cookieWith(const std::string& value, int64_t maxAgeSeconds, bool secure) {
  // Path=/api: the pages never need it, only the API does.
  return std::string(kSessionCookie) + "=" + value +
         "; Path=/api; Max-Age=" + std::to_string(maxAgeSeconds) + "; HttpOnly; SameSite=Strict" +
         (secure ? "; Secure" : "");
}
}  // namespace

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
