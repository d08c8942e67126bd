#include "operations/workspace_metrics.h"

#include <cstdio>
#include <set>

#include "db/retry.h"
#include "jobs/job_status.h"
#include "operations/prometheus_text.h"

namespace rj {

WorkspaceMetrics MetricsService::collect(const std::string& workspaceId) const {
  return withRetry([&](Connection& connection) {
    WorkspaceMetrics metrics;
    // runner_jobs_metrics (workspace_id, status, type) covers this: no row is read.
    auto counts = Query(connection,
                        "SELECT status, type, COUNT(*) AS n FROM runner_jobs WHERE workspace_id = ?"
                        " GROUP BY status, type")
                      .bind(workspaceId)
                      .rows();
    while (counts->next()) {
      metrics.jobsByStatusAndType[{counts->getString("status"), counts->getString("type")}] =
          counts->getInt64("n");
    }
    auto oldest = Query(connection,
                        "SELECT TIMESTAMPDIFF(MICROSECOND, MIN(run_at), UTC_TIMESTAMP(3)) AS age"
                        " FROM runner_jobs WHERE status = 'QUEUED' AND workspace_id = ?"
                        " AND run_at <= UTC_TIMESTAMP(3)")
                      .bind(workspaceId)
                      .rows();
    if (oldest->next() && !oldest->isNull("age")) {
      metrics.oldestClaimableAgeSeconds = static_cast<double>(oldest->getInt64("age")) / 1e6;
    }
    metrics.counters = readWorkspaceCounters(connection, workspaceId);
    metrics.runners = listWorkspaceRunners(connection, workspaceId);
    return metrics;
  });
}

namespace {
std::string number(int64_t value) {
  return std::to_string(value);
}
std::string seconds(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", value);
  return text;
}
}  // namespace

std::string prometheusText(const WorkspaceMetrics& metrics) {
  PrometheusText out;
  // Every status for every type the workspace has: a series drops to 0 instead of vanishing.
  std::set<std::string> types;
  for (const auto& entry : metrics.jobsByStatusAndType) types.insert(entry.first.second);
  out.metric("runner_jobs_jobs", "gauge", "Jobs in the workspace by status and type.");
  for (const auto& type : types) {
    for (JobStatus status : {JobStatus::Pending, JobStatus::Queued, JobStatus::Running,
                             JobStatus::Completed, JobStatus::Failed, JobStatus::Cancelled}) {
      auto found = metrics.jobsByStatusAndType.find({statusName(status), type});
      int64_t count = found == metrics.jobsByStatusAndType.end() ? 0 : found->second;
      out.sample({{"status", statusName(status)}, {"type", type}}, number(count));
    }
  }
  out.metric("runner_jobs_oldest_claimable_job_age_seconds", "gauge",
             "Age of the oldest QUEUED job whose runAt has passed (0 when none).");
  out.sample({}, seconds(metrics.oldestClaimableAgeSeconds));
  out.metric("runner_jobs_claims_total", "counter", "Jobs runners have claimed (job.started).");
  out.sample({}, number(metrics.counters.claims));
  out.metric("runner_jobs_completions_total", "counter", "Jobs that COMPLETED.");
  out.sample({}, number(metrics.counters.completions));
  out.metric("runner_jobs_failures_total", "counter",
             "Jobs that ended FAILED (attempts retried later are not counted).");
  out.sample({}, number(metrics.counters.failures));
  out.metric("runner_jobs_runner_last_seen_timestamp_seconds", "gauge",
             "When the runner last called the service (runners never seen are left out).");
  for (const auto& runner : metrics.runners) {
    if (!runner.lastSeenEpochSeconds) continue;
    out.sample({{"runner", runner.name}, {"id", runner.id}}, *runner.lastSeenEpochSeconds);
  }
  return out.text();
}

}  // namespace rj
