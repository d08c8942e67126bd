#pragma once
// Server-Sent Events framing: the bytes a stream writes, and the resume cursor a client sends.
#include <cstdint>
#include <optional>
#include <string>

#include "events/job_event.h"
#include "events/workspace_change.h"

namespace rj {

// "retry: <ms>\n\n": how long EventSource waits before it reconnects.
std::string sseRetryHint(int milliseconds);
// "id: <seq>\nevent: <type>\ndata: <payload + envelope>\n\n".
std::string sseEvent(const JobEvent& event);
// "id: <position>\nevent: job.changed\ndata: <workspaceChangeData>\n\n".
std::string sseWorkspaceChange(const WorkspaceChange& change);
// A control event that moves the client's cursor to `position` (the workspace stream's
// stream.ready): "id: <position>\nevent: <type>\ndata: <data>\n\n".
std::string sseCursorEvent(const std::string& type, int64_t position, const std::string& dataJson);
// An event without an id (stream.complete, error): the client's cursor stays where it was.
std::string sseControlEvent(const std::string& type, const std::string& dataJson);
// ": keep-alive\n\n".
std::string sseKeepAlive();

// The cursor from Last-Event-ID (or lastEventId): absent or empty -> nullopt; otherwise a
// non-negative decimal integer, else 400.
std::optional<int64_t> parseLastEventId(const std::optional<std::string>& value);

}  // namespace rj
