// POST /api/runner-jobs/:id/cancel
#include "app/serve.h"
#include "jobs/job_store.h"
#include "json/validation.h"

int main() {
  return rj::serve("jobs_cancel", [](rj::Request& req, rj::Context& ctx) {
    rj::requireNoFields(req.body);
    return rj::json(ctx.jobs().cancel(ctx.workspaceId(), req.uuidParam("id")));
  });
}
