// GET /api/recurring-jobs — the workspace's schedules, oldest first.
#include "app/serve.h"
#include "recurring/recurring_store.h"

int main() {
  return rj::serve("recurring_jobs_list", [](rj::Request&, rj::Context& ctx) {
    return rj::json(ctx.recurringJobs().list(ctx.workspaceId()));
  });
}
