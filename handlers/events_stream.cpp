// GET /api/runner-jobs/:id/events/stream — the job's events as Server-Sent Events, resumable.
#include "app/serve.h"
#include "sse/event_stream.h"

int main() {
  return rj::serve("events_stream", [](rj::Request& req, rj::Context& ctx) {
    std::string jobId = req.uuidParam("id");
    auto cursor = rj::requestCursor(req);
    return rj::jobEventStream(ctx.userId(), ctx.tokenHash(), ctx.workspaceId(), jobId,
                              cursor.value_or(0));
  });
}
