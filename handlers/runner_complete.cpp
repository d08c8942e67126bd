// POST /api/runner/jobs/:id/complete — RUNNING -> COMPLETED with the runner's result.
#include "app/serve.h"
#include "runners/lease_store.h"

int main() {
  return rj::serve("runner_complete", [](rj::Request& req, rj::Context& ctx) {
    auto result = rj::parseCompletion(req.body);
    return rj::json(ctx.leases().complete(ctx.runner(), req.uuidParam("id"), result));
  });
}
