// POST /api/recurring-jobs — a schedule that makes a job at each due time (cron or everySeconds).
#include "app/serve.h"
#include "recurring/recurring_store.h"

int main() {
  return rj::serve("recurring_jobs_create", [](rj::Request& req, rj::Context& ctx) {
    auto request = rj::parseNewRecurringJob(req.body);
    return rj::json(ctx.recurringJobs().create(ctx.workspaceId(), request), 201);
  });
}
