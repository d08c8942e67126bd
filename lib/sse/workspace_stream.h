#pragma once
// GET /api/runner-jobs/events/stream as a long-lived response: the retry hint, a replay of the
// workspace's changes after the client's cursor (or `reset` when retention deleted some of them),
// `stream.ready` with the cursor the stream goes on from, then the live changes the process's
// WorkspacePoller hands over, with keep-alives while idle. It never completes by itself.
#include <cstdint>
#include <optional>
#include <string>

#include "http/response.h"
#include "sse/event_stream.h"
#include "sse/workspace_stream_filter.h"

namespace rj {

// Without a cursor the stream starts at the present. The same caps of open streams as a job's
// stream apply, and the stream ends (not retryable) once the token is no longer live or its user
// no longer a member of the workspace.
Response workspaceEventStream(const std::string& userId, const std::string& tokenHash,
                              const std::string& workspaceId, std::optional<int64_t> cursor,
                              const WorkspaceStreamFilter& filter);

// Writes the stream body until the client goes away or the database fails.
void writeWorkspaceChanges(StreamWriter& out, const std::string& workspaceId,
                           std::optional<int64_t> cursor, const WorkspaceStreamFilter& filter,
                           const StreamSettings& settings,
                           const std::optional<StreamCredential>& credential = std::nullopt);

}  // namespace rj
