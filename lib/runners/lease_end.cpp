#include "runners/lease_end.h"

#include "events/event_store.h"

namespace rj {

void failLeasedJob(Connection& connection, const std::string& jobId, const std::string& error,
                   const std::string& payloadJson) {
  Query(connection,
        "UPDATE runner_jobs SET status = 'FAILED', error = ?, lease_expires_at = NULL,"
        " completed_at = UTC_TIMESTAMP(3), updated_at = UTC_TIMESTAMP(3) WHERE id = ?")
      .bind(error)
      .bind(jobId)
      .execute();
  appendEvent(connection, jobId, "job.failed", payloadJson);
}

void requeueLeasedJob(Connection& connection, const std::string& jobId, int64_t attempt,
                      const std::string& payloadJson) {
  Query(connection,
        "UPDATE runner_jobs SET status = 'QUEUED', attempt = ?, runner_id = NULL,"
        " lease_expires_at = NULL, updated_at = UTC_TIMESTAMP(3) WHERE id = ?")
      .bind(attempt)
      .bind(jobId)
      .execute();
  appendEvent(connection, jobId, "job.queued", payloadJson);
}

}  // namespace rj
