// POST /api/runner-jobs/:id/retry — a new QUEUED job from a FAILED or CANCELLED one.
#include "app/serve.h"
#include "jobs/job_store.h"
#include "json/validation.h"

int main() {
  return rj::serve("jobs_retry", [](rj::Request& req, rj::Context& ctx) {
    rj::requireNoFields(req.body);
    return rj::json(ctx.jobs().retry(ctx.workspaceId(), req.uuidParam("id")), 201);
  });
}
