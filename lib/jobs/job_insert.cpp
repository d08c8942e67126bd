#include "jobs/job_insert.h"

#include <stdexcept>

#include "db/database_error.h"
#include "db/write_identity.h"
#include "events/opening_events.h"
#include "jobs/job_change.h"
#include "json/json.h"
#include "util/uuid.h"

namespace rj {

namespace {

// Whether the compound statement begins and commits a transaction of its own.
enum class InsertTransaction { Callers, Own };

std::vector<EventRecord> openingEvents(const NewJob& request, const JobOrigin& origin) {
  JsonWriter created;
  created.startObject().key("type").string(request.type).key("priority").integer(request.priority);
  if (origin.retryOfId) created.key("retryOfId").string(*origin.retryOfId);
  if (origin.recurringJobId) created.key("recurringJobId").string(*origin.recurringJobId);
  created.endObject();
  JsonWriter queued;
  queued.startObject().key("attempt").integer(origin.attempt).endObject();
  return {{EventType::JobCreated, created.take()}, {EventType::JobQueued, queued.take()}};
}

// The job's INSERT, its opening events and the row read back, as one compound statement: one
// round trip where separate statements took three (five with the transaction's own). Its
// variables: whether it owns the transaction, the job's id and the write id its rows carry. A
// failed statement ends it through the handler, which rolls back a transaction it began and
// raises the same error again (a duplicate key keeps its code and key name).
std::string compoundInsertText(bool concurrencyKey, const std::vector<EventRecord>& events) {
  // A runAt in the past means now: claim order goes by run_at, and an old date must not jump
  // the queue. A job whose run_at is still ahead waits with scheduled = 1, outside the claims'
  // index range, until ClaimService::promoteDueJobs (the expression reads the run_at set just
  // before it in the same row). The row is born with the seq of its opening events.
  std::string text =
      std::string(
          "BEGIN NOT ATOMIC"
          " DECLARE own_transaction BOOL DEFAULT ?;"
          " DECLARE ") +
      kNewJobIdVariable + " CHAR(36) CHARACTER SET ascii DEFAULT ?; DECLARE " + kWriteIdVariable +
      " CHAR(32) CHARACTER SET ascii DEFAULT ?;"
      " DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN"
      " IF own_transaction THEN ROLLBACK; END IF; RESIGNAL; END;"
      " IF own_transaction THEN START TRANSACTION; END IF;"
      " INSERT INTO runner_jobs (id, workspace_id, type, status, priority, data, agent_task_id,"
      " retry_of_id, attempt, idempotency_key, request_hash, created_at, updated_at, run_at,"
      " scheduled, max_attempts, backoff_seconds, timeout_seconds, unique_key, concurrency_key,"
      " concurrency_limit, recurring_job_id, scheduled_for, last_event_seq, last_write_id)"
      " VALUES (" +
      kNewJobIdVariable +
      ", ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3),"
      " GREATEST(UTC_TIMESTAMP(3), COALESCE(CAST(? AS DATETIME(3)), UTC_TIMESTAMP(3)))"
      " + INTERVAL ? SECOND, run_at > UTC_TIMESTAMP(3), ?, ?, ?, ?, ?, ?, ?, ?, " +
      std::to_string(events.size()) + ", " + kWriteIdVariable + ");";
  if (concurrencyKey) {
    // The row claims lock to count the key's RUNNING jobs (see ClaimService).
    text +=
        " INSERT IGNORE INTO job_concurrency_keys (workspace_id, concurrency_key) VALUES (?, ?);";
  }
  text += " " + openingEventsStatements(events);
  text += std::string(" SELECT ") + kJobColumns +
          " FROM runner_jobs WHERE id = " + kNewJobIdVariable +
          "; IF own_transaction THEN COMMIT; END IF; END";
  return text;
}

Job insertJob(Connection& connection, const std::string& workspaceId, const NewJob& request,
              const JobOrigin& origin, InsertTransaction transaction) {
  const std::string id = newTimeOrderedUuid();
  const std::vector<EventRecord> events = openingEvents(request, origin);
  Query insert(connection, compoundInsertText(request.concurrencyKey.has_value(), events));
  insert.bind(transaction == InsertTransaction::Own ? 1 : 0)
      .bind(id)
      .bind(currentWriteId())
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
      .bind(origin.scheduledFor);
  if (request.concurrencyKey) insert.bind(workspaceId).bind(*request.concurrencyKey);
  bindOpeningEvents(insert, events);
  Job job;
  try {
    insert.compound([&](sql::ResultSet& rows) {
      if (!rows.next()) throw std::logic_error("the inserted job was not read back");
      job = readJob(rows);
    });
  } catch (const sql::SQLException& error) {
    // As after a COMMIT whose answer was lost: the statement may have committed.
    if (transaction == InsertTransaction::Own && isConnectionLost(error)) {
      noteCommitOutcomeUnknown();
    }
    throw;
  }
  noteOpeningEventsWritten(id, events);
  return job;
}

}  // namespace

Job insertQueuedJob(Connection& connection, const std::string& workspaceId, const NewJob& request,
                    const JobOrigin& origin) {
  return insertJob(connection, workspaceId, request, origin, InsertTransaction::Callers);
}

Job commitQueuedJob(Connection& connection, const std::string& workspaceId, const NewJob& request,
                    const JobOrigin& origin) {
  return insertJob(connection, workspaceId, request, origin, InsertTransaction::Own);
}

}  // namespace rj
