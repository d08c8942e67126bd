// GET /api/runner-jobs/:id — one job with its steps and events.
#include "app/serve.h"
#include "jobs/job_store.h"

int main() {
  return rj::serve("jobs_get", [](rj::Request& req, rj::Context& ctx) {
    return rj::json(ctx.jobs().get(ctx.workspaceId(), req.uuidParam("id")));
  });
}
