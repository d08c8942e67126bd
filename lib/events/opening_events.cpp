#include "events/opening_events.h"

#include "db/write_identity.h"
#include "events/workspace_change_store.h"
#include "operations/workspace_counters.h"

namespace rj {

void insertOpeningEvents(Connection& connection, const Job& job,
                         const std::vector<EventRecord>& events) {
  if (events.empty()) return;
  const std::string& jobId = job.id;
  std::string text =
      "INSERT INTO job_events (job_id, seq, type, payload, payload_bytes, created_at, write_id)"
      " VALUES";
  for (size_t i = 0; i < events.size(); ++i) {
    text += (i == 0 ? "" : ",");
    text += " (?, ?, ?, ?, ?, UTC_TIMESTAMP(3), ?)";
  }
  Query insert(connection, text);
  const std::optional<std::string> writeId = currentWriteId();
  int64_t seq = 0;
  for (const auto& [type, payload] : events) {
    insert.bind(jobId)
        .bind(++seq)
        .bind(eventTypeName(type))
        .bind(payload)
        .bind(static_cast<int64_t>(payload.size()))
        .bind(writeId);
  }
  insert.execute();
  noteStampedRow({jobId, seq});  // the last stands for all: they are one statement
  // Metrics counters, as appendEvent keeps them (no statement for the types they do not count).
  for (const auto& [type, payload] : events) countJobEvent(connection, jobId, type);
  // The workspace stream's rows, as appendEvent writes them, from the row just inserted.
  std::vector<WorkspaceChange> changes;
  for (const auto& [type, payload] : events) {
    WorkspaceChange change;
    change.jobId = jobId;
    change.seq = static_cast<int64_t>(changes.size()) + 1;
    change.event = eventTypeName(type);
    change.type = job.type;
    change.status = statusName(job.status);
    change.priority = job.priority;
    change.progressPercent = job.progressPercent;
    change.attempt = job.attempt;
    change.maxAttempts = job.maxAttempts;
    change.runAt = job.runAt;
    change.createdAt = job.createdAt;
    change.updatedAt = job.updatedAt;
    change.startedAt = job.startedAt;
    change.completedAt = job.completedAt;
    changes.push_back(std::move(change));
  }
  recordWorkspaceChanges(connection, job.workspaceId, changes);
}

}  // namespace rj
