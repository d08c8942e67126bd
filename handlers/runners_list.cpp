// GET /api/runners — the workspace's runners and the jobs they are running.
#include "app/serve.h"
#include "operations/runner_listing.h"

int main() {
  return rj::serve("runners_list", [](rj::Request&, rj::Context& ctx) {
    return rj::json(rj::RunnerListing().list(ctx.workspaceId()));
  });
}
