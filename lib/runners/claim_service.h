#pragma once
// Handing QUEUED jobs to runners: FOR UPDATE SKIP LOCKED so no two runners get the same job, and
// the rescue of jobs whose runner stopped renewing its lease (no daemon: claims do it).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/runner_identity.h"
#include "jobs/job.h"
#include "runners/lease_settings.h"
#include "runners/runner_requests.h"

namespace rj {

class ClaimService {
 public:
  explicit ClaimService(int64_t leaseMilliseconds = configuredLeaseMilliseconds())
      : leaseMilliseconds_(leaseMilliseconds) {}

  // Rescues expired leases, then takes the highest-priority, oldest job the runner may run,
  // polling until one appears or waitSeconds pass. nullopt: nothing to do. 403 when the request
  // names a type the runner does not accept.
  std::optional<Job> claim(const RunnerIdentity& runner, const ClaimRequest& request);
  // One rescue and one claim attempt, no waiting.
  std::optional<Job> claimOnce(const RunnerIdentity& runner, const std::vector<std::string>& types);
  // Puts RUNNING jobs whose lease ran out back to QUEUED (attempt + 1, job.queued), or FAILED
  // (job.failed) once they used max_attempts. Returns how many it handled.
  int rescueExpiredLeases();

 private:
  int64_t leaseMilliseconds_;
};

}  // namespace rj
