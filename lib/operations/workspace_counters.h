#pragma once
// Monotonic per-workspace counters of claims, completions and failures (for /api/metrics), kept in
// workspace_counters and bumped in the transaction that records the matching event.
#include <cstdint>
#include <string>
#include <vector>

#include "db/connection.h"
#include "events/event_type.h"

namespace rj {

struct WorkspaceCounters {
  int64_t claims = 0;       // job.started events: a runner took the job
  int64_t completions = 0;  // job.completed
  int64_t failures = 0;     // job.failed: the job ended FAILED (a retried attempt is not one)
};

// Whether events of this type are counted: job.started, job.completed, job.failed.
bool isCountedEventType(EventType type);
// Inside the caller's transaction: counts the event when it is one of the three. The job's row is
// already locked by appendEvent, so this adds one upsert of the workspace's counter row.
void countJobEvent(Connection& connection, const std::string& jobId, EventType type);
// The same for one event of `type` on each of `jobIds`, in one upsert per workspace row touched
// (one statement).
void countJobEvents(Connection& connection, const std::vector<std::string>& jobIds, EventType type);
WorkspaceCounters readWorkspaceCounters(Connection& connection, const std::string& workspaceId);

}  // namespace rj
