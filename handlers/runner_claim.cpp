// POST /api/runner/claim — the highest-priority, oldest QUEUED job this runner may run, or 204.
#include "app/serve.h"
#include "runners/claim_service.h"

int main() {
  // A long-poll claim holds its thread for up to waitSeconds: give the endpoint more of them.
  return rj::serve({.method = "POST",
                    .pattern = "/api/runner/claim",
                    .permission = rj::Permission::Runner,
                    .threads = 8},
                   [](rj::Request& req, rj::Context& ctx) {
                     auto job = ctx.claims().claim(ctx.runner(), rj::parseClaimRequest(req.body));
                     return job ? rj::json(*job) : rj::noContent();
                   });
}
