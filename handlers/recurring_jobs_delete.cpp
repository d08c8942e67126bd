// DELETE /api/recurring-jobs/:id — stops a schedule; the jobs it made stay.
#include "app/serve.h"
#include "recurring/recurring_store.h"

int main() {
  return rj::serve("recurring_jobs_delete", [](rj::Request& req, rj::Context& ctx) {
    ctx.recurringJobs().remove(ctx.workspaceId(), req.uuidParam("id"));
    return rj::noContent();
  });
}
