#pragma once
// The ways a leased job leaves its runner unfinished or failed, shared by the runner's own calls
// (fail, release), the rescue of expired leases and the timeout sweep. Each is a rule of a
// JobChange on a row the caller has locked.
#include <cstdint>
#include <string>

#include "jobs/job_change.h"

namespace rj {

// RUNNING -> FAILED with `error`: the lease is cleared, completed_at set, and job.failed records
// `payloadJson`.
void failLeasedJob(JobChange& job, const std::string& error, const std::string& payloadJson);

// RUNNING -> QUEUED at `attempt`: the runner and lease are cleared, and job.queued records
// `payloadJson`.
void requeueLeasedJob(JobChange& job, int64_t attempt, const std::string& payloadJson);

// A run that ended badly but may be tried again (a retryable failure, a timeout): with attempts
// left, QUEUED at attempt + 1 after the job's backoff, recorded as job.retry_scheduled
// {attempt, runAt, error, reason}; at maxAttempts, FAILED with `error` (job.failed).
void retryOrFailLeasedJob(JobChange& job, const std::string& error, const std::string& reason);

}  // namespace rj
