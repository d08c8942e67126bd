// POST /api/auth/session — a browser session (the rj_session cookie) from a bearer token.
#include "app/serve.h"
#include "auth/guards.h"
#include "auth/session.h"
#include "auth/site_origin.h"
#include "json/validation.h"
#include "users/user_store.h"

int main() {
  return rj::serve("auth_session", [](rj::Request& req, rj::Context& ctx) {
    rj::requireNoFields(req.body);
    // The guard authenticated this same token and knows how long it lives.
    std::string token = rj::requireBearerToken(req);
    auto maxAge = rj::boundedSessionMaxAge(ctx.tokenSecondsLeft());
    auto cookie = rj::sessionCookie(token, maxAge, rj::isHttpsSite(req));
    auto response = rj::json(rj::UserStore().profile(ctx.userId()));
    response.headers.emplace_back("Set-Cookie", cookie);
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
  });
}
