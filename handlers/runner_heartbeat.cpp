// POST /api/runner/jobs/:id/heartbeat — extends the lease; tells the runner about a cancel.
#include "app/serve.h"
#include "json/validation.h"
#include "runners/lease_store.h"

int main() {
  return rj::serve("runner_heartbeat", [](rj::Request& req, rj::Context& ctx) {
    rj::requireNoFields(req.body);
    return rj::json(ctx.leases().heartbeat(ctx.runner(), req.uuidParam("id")));
  });
}
