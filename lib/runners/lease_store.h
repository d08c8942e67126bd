#pragma once
// What a runner does with a job it claimed: heartbeat, events, complete, fail. Every call locks
// the job row and checks that this runner holds its live lease (409 otherwise), so a runner that
// lost its lease, or a job cancelled meanwhile, changes nothing.
#include <cstdint>
#include <optional>
#include <string>

#include "auth/runner_identity.h"
#include "jobs/job.h"
#include "runners/lease_settings.h"
#include "runners/runner_requests.h"

namespace rj {

// Releases that keep the job's attempt; every later release of the same job counts as an attempt
// (as an expired lease does), so a job that keeps being released ends FAILED at max_attempts.
constexpr int64_t kFreeReleases = 3;

struct Heartbeat {
  bool cancelRequested = false;
  std::optional<std::string> leaseExpiresAt;  // absent when the job was cancelled
};

struct EventReceipt {
  int64_t seq = 0;
};

class LeaseStore {
 public:
  explicit LeaseStore(int64_t leaseMilliseconds = configuredLeaseMilliseconds())
      : leaseMilliseconds_(leaseMilliseconds) {}

  // Extends the lease; a job cancelled while this runner held it answers cancelRequested.
  Heartbeat heartbeat(const RunnerIdentity& runner, const std::string& jobId);
  // Appends a step.* or job.progress event; step events keep job_steps, job.progress the job's
  // progressPercent.
  EventReceipt recordEvent(const RunnerIdentity& runner, const std::string& jobId,
                           const RunnerEvent& event);
  // RUNNING -> COMPLETED with the result, event job.completed.
  Job complete(const RunnerIdentity& runner, const std::string& jobId,
               const std::optional<std::string>& result);
  // RUNNING -> FAILED with the error, event job.failed; a retryable failure with attempts left
  // goes back to the queue after the backoff instead (job.retry_scheduled).
  Job fail(const RunnerIdentity& runner, const std::string& jobId, const RunnerFailure& failure);
  // RUNNING -> QUEUED at once, unfinished (a runner that stops): clears the runner and lease,
  // event job.queued. Past kFreeReleases it costs an attempt, or fails the job at max_attempts.
  Job release(const RunnerIdentity& runner, const std::string& jobId,
              const std::optional<std::string>& reason);

 private:
  int64_t leaseMilliseconds_;
};

std::string toJson(const Heartbeat& heartbeat);
std::string toJson(const EventReceipt& receipt);

}  // namespace rj
