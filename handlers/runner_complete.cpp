// POST /api/runner/jobs/:id/complete — RUNNING -> COMPLETED with the runner's result.
#include "app/serve.h"
#include "runners/lease_store.h"

int main() {
  return rj::serve(
      {.method = "POST",
       .pattern = "/api/runner/jobs/:id/complete",
       .permission = rj::Permission::Runner},
      [](rj::Request& req, rj::Context& ctx) {
        auto result = rj::parseCompletion(req.body);
        return rj::json(ctx.leases().complete(ctx.runner(), req.uuidParam("id"), result));
      });
}
