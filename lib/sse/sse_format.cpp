#include "sse/sse_format.h"

#include "errors/errors.h"

namespace rj {

std::string sseRetryHint(int milliseconds) {
  return "retry: " + std::to_string(milliseconds) + "\n\n";
}

std::string sseEvent(const JobEvent& event) {
  // eventData() is compact JSON: it never contains a newline, so one data: line carries it.
  return "id: " + std::to_string(event.seq) + "\nevent: " + event.type +
         "\ndata: " + eventData(event) + "\n\n";
}

std::string sseWorkspaceChange(const WorkspaceChange& change) {
  return "id: " + std::to_string(change.position) +
         "\nevent: job.changed\ndata: " + workspaceChangeData(change) + "\n\n";
}

std::string sseCursorEvent(const std::string& type, int64_t position, const std::string& dataJson) {
  return "id: " + std::to_string(position) + "\nevent: " + type + "\ndata: " + dataJson + "\n\n";
}

std::string sseControlEvent(const std::string& type, const std::string& dataJson) {
  return "event: " + type + "\ndata: " + dataJson + "\n\n";
}

std::string sseKeepAlive() {
  return ": keep-alive\n\n";
}

std::optional<int64_t> parseLastEventId(const std::optional<std::string>& value) {
  if (!value || value->empty()) return std::nullopt;
  // Sequence numbers are unsigned 32-bit in the schema; 18 digits always fit an int64_t.
  bool digits = value->size() <= 18 && value->find_first_not_of("0123456789") == std::string::npos;
  if (!digits)
    throw BadRequest(ErrorCode::InvalidLastEventId, "Last-Event-ID must be a non-negative integer");
  return std::stoll(*value);
}

}  // namespace rj
