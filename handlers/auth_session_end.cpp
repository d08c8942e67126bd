// DELETE /api/auth/session — the browser forgets its session cookie (the token stays valid).
#include "app/serve.h"
#include "auth/guards.h"
#include "auth/session.h"

int main() {
  // Public: a stale or revoked cookie must still be clearable.
  return rj::serve(
      {.method = "DELETE", .pattern = "/api/auth/session", .permission = rj::Permission::Public},
      [](rj::Request& req, rj::Context&) {
        rj::requireSameOriginForCookie(req);
        auto response = rj::noContent();
        response.headers.emplace_back("Set-Cookie", rj::clearedSessionCookie(req.https));
        return response;
      });
}
