#include "jobs/job_insert.h"

#include "events/event_store.h"
#include "json/json.h"
#include "util/uuid.h"

namespace rj {

std::string insertQueuedJob(Connection& connection, const std::string& workspaceId,
                            const NewJob& request, const JobOrigin& origin) {
  std::string id = newUuid();
  Query(connection,
        "INSERT INTO runner_jobs (id, workspace_id, type, status, priority, data, agent_task_id,"
        " retry_of_id, attempt, idempotency_key, request_hash, created_at, updated_at,"
        " recurring_job_id, scheduled_for)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), ?, ?)")
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
      .bind(origin.recurringJobId)
      .bind(origin.scheduledFor)
      .execute();
  JsonWriter created;
  created.startObject().key("type").string(request.type).key("priority").integer(request.priority);
  if (origin.retryOfId) created.key("retryOfId").string(*origin.retryOfId);
  if (origin.recurringJobId) created.key("recurringJobId").string(*origin.recurringJobId);
  created.endObject();
  appendEvent(connection, id, EventType::JobCreated, created.take());
  JsonWriter queued;
  queued.startObject().key("attempt").integer(origin.attempt).endObject();
  appendEvent(connection, id, EventType::JobQueued, queued.take());
  return id;
}

}  // namespace rj
