// POST /api/runner/jobs/:id/events — a step.* or job.progress event from the job's runner.
#include "app/serve.h"
#include "runners/lease_store.h"

int main() {
  return rj::serve("runner_events", [](rj::Request& req, rj::Context& ctx) {
    auto event = rj::parseRunnerEvent(req.body);
    return rj::json(ctx.leases().recordEvent(ctx.runner(), req.uuidParam("id"), event), 201);
  });
}
