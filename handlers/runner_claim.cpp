// POST /api/runner/claim — the highest-priority, oldest QUEUED job this runner may run, or 204.
#include "app/serve.h"
#include "runners/claim_service.h"

int main() {
  return rj::serve("runner_claim", [](rj::Request& req, rj::Context& ctx) {
    auto job = ctx.claims().claim(ctx.runner(), rj::parseClaimRequest(req.body));
    return job ? rj::json(*job) : rj::noContent();
  });
}
