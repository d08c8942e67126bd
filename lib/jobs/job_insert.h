#pragma once
// Making a new QUEUED job inside an open transaction: the one INSERT every way of creating a job
// (create, retry, a recurring schedule) goes through.
#include <cstdint>
#include <optional>
#include <string>

#include "db/connection.h"
#include "jobs/job.h"
#include "jobs/new_job.h"

namespace rj {

// Where a new job comes from, beyond what its creator asked for.
struct JobOrigin {
  std::optional<std::string> retryOfId;  // the FAILED or CANCELLED job this one retries
  int64_t attempt = 1;
  std::optional<std::string> idempotencyKey;
  std::optional<std::string> requestHash;  // fingerprint() of the request, with the key
  // The recurring schedule that made it, and the due time it was made for ("YYYY-MM-DD
  // HH:MM:SS.mmm" UTC); runner_jobs has one job per such pair at most.
  std::optional<std::string> recurringJobId;
  std::optional<std::string> scheduledFor;
};

// Inserts the job, its job.created and job.queued events and their workspace change rows inside
// the caller's open transaction; returns the job as inserted (as a read before the commit would
// see it). One round trip: a compound statement (BEGIN NOT ATOMIC), prepared once per connection.
Job insertQueuedJob(Connection& connection, const std::string& workspaceId, const NewJob& request,
                    const JobOrigin& origin);
// The same in a transaction of its own, begun and committed by that statement: a create is one
// round trip. A refused commit throws as a refused COMMIT does; a connection lost in it leaves
// the outcome unknown (noteCommitOutcomeUnknown), as a COMMIT's does.
Job commitQueuedJob(Connection& connection, const std::string& workspaceId, const NewJob& request,
                    const JobOrigin& origin);

}  // namespace rj
