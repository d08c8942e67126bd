#include "runners/lease_end.h"

#include "jobs/backoff.h"
#include "json/json.h"

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

void retryOrFailLeasedJob(JobChange& job, const std::string& error, const std::string& reason) {
  const Job& leased = job.job();
  JsonWriter payload;
  payload.startObject();
  if (leased.attempt >= leased.maxAttempts) {
    payload.key("status").string(statusName(JobStatus::Failed)).key("error").string(error);
    payload.key("reason").string(reason).key("attempt").integer(leased.attempt);
    payload.key("maxAttempts").integer(leased.maxAttempts).endObject();
    failLeasedJob(job, error, payload.take());
    return;
  }
  int64_t attempt = leased.attempt + 1;
  job.setStatus(JobStatus::Queued);
  job.setAttempt(attempt);
  job.setError(error);
  job.clearRunner();
  std::string runAt = job.setRunAfter(backoffMilliseconds(leased.backoffSeconds, leased.attempt));
  payload.key("attempt").integer(attempt).key("maxAttempts").integer(leased.maxAttempts);
  payload.key("runAt").string(runAt).key("error").string(error).key("reason").string(reason);
  payload.endObject();
  job.append(EventType::JobRetryScheduled, payload.take());
}

}  // namespace rj
