// POST /api/runner-jobs — create a QUEUED job; Idempotency-Key makes repeats return the first.
#include "app/serve.h"
#include "jobs/job_store.h"

int main() {
  return rj::serve("jobs_create", [](rj::Request& req, rj::Context& ctx) {
    auto key = req.header("Idempotency-Key");
    if (key) rj::validateIdempotencyKey(*key);
    auto outcome = ctx.jobs().create(ctx.workspaceId(), rj::parseNewJob(req.body), key);
    return rj::json(outcome.job, outcome.created ? 201 : 200);
  });
}
