// POST /api/runner/claim — the highest-priority, oldest QUEUED job this runner may run (or up to
// `max` of them, as a list), or 204.
#include "app/serve.h"
#include "runners/claim_service.h"

int main() {
  return rj::serve("runner_claim", [](rj::Request& req, rj::Context& ctx) {
    auto claimed = ctx.claims().claimJobs(ctx.runner(), rj::parseClaimRequest(req.body));
    return claimed.jobs.empty() ? rj::noContent() : rj::json(claimed);
  });
}
