// GET /api/auth/session — who is signed in and their workspaces (the page's workspace picker).
#include "app/serve.h"
#include "users/user_store.h"

int main() {
  return rj::serve("auth_session_get", [](rj::Request&, rj::Context& ctx) {
    auto response = rj::json(rj::UserStore().profile(ctx.userId()));
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
  });
}
