// GET /api/runner-jobs/events/stream — every change of the workspace's jobs as Server-Sent
// Events, resumable from a workspace-wide cursor.
#include "app/serve.h"
#include "sse/event_stream.h"
#include "sse/workspace_stream.h"
#include "sse/workspace_stream_filter.h"

int main() {
  return rj::serve("workspace_events_stream", [](rj::Request& req, rj::Context& ctx) {
    auto filter = rj::parseWorkspaceStreamFilter(req.query);
    auto cursor = rj::requestCursor(req);
    return rj::workspaceEventStream(ctx.userId(), ctx.tokenHash(), ctx.workspaceId(), cursor,
                                    filter);
  });
}
