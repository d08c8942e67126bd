// POST /api/runner/jobs/:id/release — the runner gives an unfinished job back: QUEUED at once.
#include "app/serve.h"
#include "runners/lease_store.h"

int main() {
  return rj::serve("runner_release", [](rj::Request& req, rj::Context& ctx) {
    auto reason = rj::parseRelease(req.body);
    return rj::json(ctx.leases().release(ctx.runner(), req.uuidParam("id"), reason));
  });
}
