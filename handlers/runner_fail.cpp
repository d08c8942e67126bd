// POST /api/runner/jobs/:id/fail — RUNNING -> FAILED with the runner's error message, or back to
// the queue after a backoff when the failure is retryable and attempts are left.
#include "app/serve.h"
#include "runners/lease_store.h"

int main() {
  return rj::serve("runner_fail", [](rj::Request& req, rj::Context& ctx) {
    auto failure = rj::parseFailure(req.body);
    return rj::json(ctx.leases().fail(ctx.runner(), req.uuidParam("id"), failure));
  });
}
