#include "jobs/job_insert.h"

#include "db/write_identity.h"
#include "events/opening_events.h"
#include "jobs/job_change.h"
#include "json/json.h"
#include "util/uuid.h"

namespace rj {

Job insertQueuedJob(Connection& connection, const std::string& workspaceId, const NewJob& request,
                    const JobOrigin& origin) {
  std::string id = newTimeOrderedUuid();
  JsonWriter created;
  created.startObject().key("type").string(request.type).key("priority").integer(request.priority);
  if (origin.retryOfId) created.key("retryOfId").string(*origin.retryOfId);
  if (origin.recurringJobId) created.key("recurringJobId").string(*origin.recurringJobId);
  created.endObject();
  JsonWriter queued;
  queued.startObject().key("attempt").integer(origin.attempt).endObject();
  std::vector<EventRecord> events{{EventType::JobCreated, created.take()},
                                  {EventType::JobQueued, queued.take()}};
  // A runAt in the past means now: claim order goes by run_at, and an old date must not jump
  // the queue. A job whose run_at is still ahead waits with scheduled = 1, outside the claims'
  // index range, until ClaimService::promoteDueJobs (the expression reads the run_at set just
  // before it in the same row). The row is born with the seq of the events written below, and
  // RETURNING reads it back in the same round trip.
  auto rows =
      Query(
          connection,
          "INSERT INTO runner_jobs (id, workspace_id, type, status, priority, data, agent_task_id,"
          " retry_of_id, attempt, idempotency_key, request_hash, created_at, updated_at, run_at,"
          " scheduled, max_attempts, backoff_seconds, timeout_seconds, unique_key, concurrency_key,"
          " concurrency_limit, recurring_job_id, scheduled_for, last_event_seq, last_write_id)"
          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3),"
          " GREATEST(UTC_TIMESTAMP(3), COALESCE(CAST(? AS DATETIME(3)), UTC_TIMESTAMP(3)))"
          " + INTERVAL ? SECOND, run_at > UTC_TIMESTAMP(3), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
          " RETURNING " +
              std::string(kJobColumns))
          .bind(id)
          .bind(workspaceId)
          .bind(request.type)
          .bind(statusName(JobStatus::Queued))
          .bind(request.priority)
          .bind(request.data)
          .bind(request.agentTaskId)
          .bind(origin.retryOfId)
          .bind(origin.attempt)
          .bind(origin.idempotencyKey)
          .bind(origin.requestHash)
          .bind(request.runAt)
          .bind(request.delaySeconds.value_or(0))
          .bind(request.maxAttempts)
          .bind(request.backoffSeconds)
          .bind(request.timeoutSeconds)
          .bind(request.uniqueKey)
          .bind(request.concurrencyKey)
          .bind(request.concurrencyLimit)
          .bind(origin.recurringJobId)
          .bind(origin.scheduledFor)
          .bind(static_cast<int64_t>(events.size()))
          .bind(currentWriteId())
          .rows();
  rows->next();
  Job job = readJob(*rows);
  if (request.concurrencyKey) {
    // The row claims lock to count the key's RUNNING jobs (see ClaimService).
    Query(connection,
          "INSERT IGNORE INTO job_concurrency_keys (workspace_id, concurrency_key) VALUES (?, ?)")
        .bind(workspaceId)
        .bind(*request.concurrencyKey)
        .execute();
  }
  insertOpeningEvents(connection, job, events);
  return job;
}

}  // namespace rj
