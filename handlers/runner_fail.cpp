// POST /api/runner/jobs/:id/fail — RUNNING -> FAILED with the runner's error message.
#include "app/serve.h"
#include "runners/lease_store.h"

int main() {
  return rj::serve({.method = "POST",
                    .pattern = "/api/runner/jobs/:id/fail",
                    .permission = rj::Permission::Runner},
                   [](rj::Request& req, rj::Context& ctx) {
                     auto error = rj::parseFailure(req.body);
                     return rj::json(ctx.leases().fail(ctx.runner(), req.uuidParam("id"), error));
                   });
}
