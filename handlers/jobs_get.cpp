// GET /api/runner-jobs/:id — one job with its steps and events.
#include "app/guarded_reads.h"
#include "app/serve.h"
#include "jobs/job_store.h"

int main() {
  auto read = [](rj::Request& req, rj::Context& ctx) {
    return rj::jsonText(ctx.jobs().getJson(ctx.workspaceId(), req.uuidParam("id")));
  };
  // Guard and read in one statement; a refusal takes the ordinary path, `read` behind guard().
  return rj::serve("jobs_get", read, rj::jobDetailWithCaller());
}
