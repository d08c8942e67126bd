#pragma once
// The periodic work of the service, one pass at a time. Each task is safe to run in many
// processes at once (row locks and unique keys decide, never the election that usually keeps
// the others idle), so a pass may run anywhere: the background thread of a handler process or
// `rjadmin maintain` from cron.
namespace rj {

struct MaintenanceReport {
  int leasesRescued = 0;             // RUNNING jobs whose lease ran out, requeued or failed
  int recurringJobsMade = 0;         // jobs made for due recurring schedules
  int jobsTimedOut = 0;              // RUNNING jobs past their timeoutSeconds, retried or failed
  int scheduledJobsPromoted = 0;     // QUEUED jobs whose runAt came, made claimable
  int workspaceChangesNumbered = 0;  // change log rows given their stream position
  int failedTasks = 0;               // tasks that threw (logged); the others still ran
};

// Runs every task once, in order: (1) rescue expired leases, (2) make due recurring jobs,
// (3) end timed-out jobs, (4) promote scheduled jobs that are due (claims do it too; the pass
// keeps the metrics and dashboards right while no runner claims), (5) number the workspace change
// log (workspace streams do it too; the pass keeps the backlog small while none is open). A failing
// task is logged to stderr and does not stop the next one.
MaintenanceReport runMaintenancePass();

}  // namespace rj
