// GET /api/runner-jobs — the workspace's jobs, newest first, filtered and paginated.
#include "app/guarded_reads.h"
#include "app/serve.h"
#include "jobs/job_store.h"

int main() {
  auto list = [](rj::Request& req, rj::Context& ctx) {
    return rj::jsonText(ctx.jobs().listJson(ctx.workspaceId(), rj::parseJobListQuery(req.query)));
  };
  // Guard and page in one statement; a refusal takes the ordinary path, `list` behind guard().
  return rj::serve("jobs_list", list, rj::jobPageWithCaller());
}
