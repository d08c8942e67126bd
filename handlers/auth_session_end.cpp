// DELETE /api/auth/session — the browser forgets its session cookie (the token stays valid).
#include "app/serve.h"
#include "auth/guards.h"
#include "auth/session.h"
#include "auth/site_origin.h"

int main() {
  return rj::serve("auth_session_end", [](rj::Request& req, rj::Context&) {
    rj::requireSameOriginForCookie(req);
    auto response = rj::noContent();
    response.headers.emplace_back("Set-Cookie", rj::clearedSessionCookie(rj::isHttpsSite(req)));
    return response;
  });
}
