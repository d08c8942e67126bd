#include "events/workspace_change.h"

#include "json/json.h"

namespace rj {

std::string workspaceChangeData(const WorkspaceChange& change) {
  JsonWriter out;
  out.startObject();
  out.key("event").string(change.event);
  out.key("seq").integer(change.seq);
  out.key("job").startObject();
  out.key("id").string(change.jobId);
  out.key("type").string(change.type);
  out.key("status").string(change.status);
  out.key("priority").integer(change.priority);
  out.key("progressPercent").integer(change.progressPercent);
  out.key("attempt").integer(change.attempt);
  out.key("maxAttempts").integer(change.maxAttempts);
  out.key("runAt").string(change.runAt);
  out.key("createdAt").string(change.createdAt);
  out.key("updatedAt").string(change.updatedAt);
  out.key("startedAt").optionalString(change.startedAt);
  out.key("completedAt").optionalString(change.completedAt);
  out.endObject();
  out.endObject();
  return out.take();
}

}  // namespace rj
