#include "maintenance/maintenance_pass.h"

#include <cstdio>
#include <exception>

#include "db/retry.h"
#include "events/workspace_change_store.h"
#include "recurring/due_jobs.h"
#include "runners/claim_service.h"

namespace rj {

namespace {
// Runs one task; a failure (the database gone, say) is logged and counted, not thrown.
template <typename Task>
void runTask(const char* name, MaintenanceReport& report, Task&& task) {
  try {
    task();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "runner-jobs: maintenance task %s failed: %s\n", name, error.what());
    ++report.failedTasks;
  }
}
}  // namespace

// 40,000 changes a pass at most: 20,000 jobs created a second.
constexpr int kNumberingCallsPerPass = 8;

MaintenanceReport runMaintenancePass() {
  MaintenanceReport report;
  runTask("rescue expired leases", report,
          [&] { report.leasesRescued = ClaimService().rescueExpiredLeases(); });
  runTask("make due recurring jobs", report,
          [&] { report.recurringJobsMade = createDueRecurringJobs(); });
  runTask("end timed-out jobs", report,
          [&] { report.jobsTimedOut = ClaimService().endTimedOutJobs(); });
  runTask("promote due scheduled jobs", report,
          [&] { report.scheduledJobsPromoted = ClaimService().promoteDueJobs(); });
  runTask("number workspace changes", report, [&] {
    // Until the backlog is numbered (a busy second of creates leaves more than one call's worth),
    // within a bound so that the pass still ends.
    for (int call = 0; call < kNumberingCallsPerPass; ++call) {
      int64_t numbered =
          withRetry([](Connection& connection) { return sequenceWorkspaceChanges(connection); });
      report.workspaceChangesNumbered += static_cast<int>(numbered);
      if (numbered < kChangesNumberedPerCall) break;
    }
  });
  return report;
}

}  // namespace rj
