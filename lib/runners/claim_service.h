#pragma once
// Handing QUEUED jobs to runners: FOR UPDATE SKIP LOCKED so no two runners get the same job, and
// the rescue of jobs whose runner stopped renewing its lease (no daemon: claims do it).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/runner_identity.h"
#include "jobs/job.h"
#include "runners/claimed_jobs.h"
#include "runners/lease_settings.h"
#include "runners/runner_requests.h"

namespace rj {

// Long-poll claims that may wait at once in this process, per runner and per workspace (of
// workspace-bound runners); more answer after one attempt, as with waitSeconds 0, so one runner
// cannot hold every claim thread. RJ_LONG_POLLS_PER_RUNNER (default 2) and
// RJ_LONG_POLLS_PER_WORKSPACE (default 6); 0 = no cap.
struct LongPollCaps {
  int64_t perRunner = 2;
  int64_t perWorkspace = 6;
};
LongPollCaps configuredLongPollCaps();

class ClaimService {
 public:
  explicit ClaimService(int64_t leaseMilliseconds = configuredLeaseMilliseconds(),
                        LongPollCaps caps = configuredLongPollCaps())
      : leaseMilliseconds_(leaseMilliseconds), caps_(caps) {}

  // Rescues expired leases, then takes the highest-priority, oldest job the runner may run,
  // polling until one appears or waitSeconds pass (unless the runner or its workspace already
  // has its cap of waiting claims). nullopt: nothing to do. 403 when the request names a type
  // the runner does not accept.
  // One job, whatever request.max says.
  std::optional<Job> claim(const RunnerIdentity& runner, const ClaimRequest& request);
  // The same for up to request.max jobs (1 when absent), taken in one transaction, each with its
  // own lease and job.started; a long poll answers as soon as it has at least one.
  ClaimedJobs claimJobs(const RunnerIdentity& runner, const ClaimRequest& request);
  // One rescue and one claim attempt, no waiting.
  std::optional<Job> claimOnce(const RunnerIdentity& runner, const std::vector<std::string>& types);
  // The same for up to `max` jobs, in claim order.
  std::vector<Job> claimOnce(const RunnerIdentity& runner, const std::vector<std::string>& types,
                             int64_t max);
  // Puts RUNNING jobs whose lease ran out back to QUEUED (attempt + 1, job.queued), or FAILED
  // (job.failed) once they used max_attempts. Returns how many it handled.
  int rescueExpiredLeases();
  // Makes QUEUED jobs whose run_at has passed claimable again (claims scan only those): jobs
  // scheduled ahead and retries past their backoff. Returns how many.
  int promoteDueJobs();
  // Ends RUNNING jobs past their timeoutSeconds: job.timed_out, then back to QUEUED after the
  // backoff (job.retry_scheduled) or FAILED at max_attempts. The runner's next call hears
  // JOB_TIMED_OUT. Returns how many it handled.
  int endTimedOutJobs();

 private:
  // Up to `max` jobs, polling while the request's waitSeconds allow.
  std::vector<Job> claimWaiting(const RunnerIdentity& runner, const ClaimRequest& request,
                                int64_t max);

  int64_t leaseMilliseconds_;
  LongPollCaps caps_;
};

}  // namespace rj
