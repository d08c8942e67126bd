// GET /api/runner-jobs — the workspace's jobs, newest first, filtered and paginated.
#include "app/serve.h"
#include "jobs/job_store.h"

int main() {
  return rj::serve("jobs_list", [](rj::Request& req, rj::Context& ctx) {
    return rj::json(ctx.jobs().list(ctx.workspaceId(), rj::parseJobListQuery(req.query)));
  });
}
