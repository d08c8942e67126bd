#pragma once
// The browser session: the rj_session cookie carries a user's API token, HttpOnly so page scripts
// cannot read it, SameSite=Strict so other sites' requests do not carry it.
#include <cstdint>
#include <optional>
#include <string>

namespace rj {

// The longest a session cookie lives; a token that expires sooner cuts it short.
constexpr int64_t kSessionMaxAgeSeconds = 7 * 24 * 60 * 60;

// Max-Age from the token's remaining lifetime (nullopt: it never expires), never below zero.
int64_t boundedSessionMaxAge(std::optional<int64_t> tokenSecondsLeft);
// The Set-Cookie value that starts a session.
std::string sessionCookie(const std::string& token, int64_t maxAgeSeconds, bool secure);
// The Set-Cookie value that makes the browser forget the session.
std::string clearedSessionCookie(bool secure);

}  // namespace rj
