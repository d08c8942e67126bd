// GET /api/runner-jobs/:id/events/stream — the job's events as Server-Sent Events, resumable.
#include "app/serve.h"
#include "sse/event_stream.h"
#include "sse/sse_format.h"

int main() {
  return rj::serve("events_stream", [](rj::Request& req, rj::Context& ctx) {
    std::string jobId = req.uuidParam("id");
    auto lastEventId = req.header("Last-Event-ID");
    if (!lastEventId || lastEventId->empty()) {
      lastEventId = req.queryValue("lastEventId");
    }
    auto cursor = rj::parseLastEventId(lastEventId);
    return rj::jobEventStream(ctx.userId(), ctx.tokenHash(), ctx.workspaceId(), jobId,
                              cursor.value_or(0));
  });
}
