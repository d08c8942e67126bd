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
    report.workspaceChangesNumbered = static_cast<int>(
        withRetry([](Connection& connection) { return sequenceWorkspaceChanges(connection); }));
  });
  return report;
}

}  // namespace rj
