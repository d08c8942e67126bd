#include "runners/lease_end.h"

namespace rj {

void failLeasedJob(JobChange& job, const std::string& error, const std::string& payloadJson) {
  job.setStatus(JobStatus::Failed);
  job.setError(error);
  job.clearLease();
  job.append(EventType::JobFailed, payloadJson);
}

void requeueLeasedJob(JobChange& job, int64_t attempt, const std::string& payloadJson) {
  job.setStatus(JobStatus::Queued);
  job.setAttempt(attempt);
  job.clearRunner();
  job.append(EventType::JobQueued, payloadJson);
}

}  // namespace rj
