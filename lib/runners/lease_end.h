#pragma once
// The two ways a leased job leaves its runner unfinished or failed, shared by the runner's own
// calls (fail, release) and the claim path's rescue of expired leases. Both are rules of a
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

}  // namespace rj
