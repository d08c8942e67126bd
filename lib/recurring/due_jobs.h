#pragma once
// Making the jobs of recurring schedules that are due: one job per due time, however many
// processes run this at once.
namespace rj {

// For every schedule whose next_run_at has come (at most 100 a call): in one transaction, inserts
// its QUEUED job (recurringJobId, scheduledFor = the due time) and advances next_run_at to the
// first due time after now, so times missed while nothing ran make one job, not one each.
// runner_jobs' UNIQUE KEY (recurring_job_id, scheduled_for) decides races: a due time that
// already has its job only advances the schedule. Returns how many jobs it made.
int createDueRecurringJobs();

}  // namespace rj
