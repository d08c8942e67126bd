#pragma once
// One change of a job as the workspace stream carries it: which event happened and the job's
// summary as that event left it (never its data or result). Pure: no database.
#include <cstdint>
#include <optional>
#include <string>

namespace rj {

struct WorkspaceChange {
  int64_t position = 0;  // the workspace stream's cursor
  std::string jobId;
  int64_t seq = 0;    // the job event's own seq
  std::string event;  // "job.started", ...
  std::string type;
  std::string status;
  int64_t priority = 0;
  int64_t progressPercent = 0;
  int64_t attempt = 0;
  int64_t maxAttempts = 0;
  std::string runAt;
  std::string createdAt;
  std::string updatedAt;
  std::optional<std::string> startedAt;
  std::optional<std::string> completedAt;
};

// {"event": "job.started", "seq": 3, "job": {"id", "type", "status", ...}} on one line; the job
// object uses the names of the job's own JSON.
std::string workspaceChangeData(const WorkspaceChange& change);

}  // namespace rj
