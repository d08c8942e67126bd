// POST /api/runner/jobs/:id/release — the runner gives an unfinished job back: QUEUED at once.
#include "app/serve.h"
#include "runners/lease_store.h"

int main() {
  return rj::serve(
      {.method = "POST",
       .pattern = "/api/runner/jobs/:id/release",
       .permission = rj::Permission::Runner},
      [](rj::Request& req, rj::Context& ctx) {
        auto reason = rj::parseRelease(req.body);
        return rj::json(ctx.leases().release(ctx.runner(), req.uuidParam("id"), reason));
      });
}
