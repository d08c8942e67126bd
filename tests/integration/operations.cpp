// Operations against a real MariaDB: retention (prune), metrics and their counters, metrics
// tokens, the runner listing.
#include <gtest/gtest.h>

#include "admin/admin_store.h"
#include "app/serve.h"
#include "operations/prometheus_text.h"
#include "operations/retention.h"
#include "operations/runner_listing.h"
#include "operations/workspace_metrics.h"
#include "runners/lease_store.h"
#include "support/guard_request.h"
#include "support/outcome.h"
#include "support/runner_test.h"

namespace rj::test {

class Operations : public RunnerTest {
 protected:
  int64_t scalar(const std::string& sqlText, const std::string& id) {
    auto rows = Query(connection(), sqlText).bind(id).rows();
    rows->next();
    return rows->getInt64(1);
  }
  int64_t eventCount(const std::string& jobId) {
    return scalar("SELECT COUNT(*) FROM job_events WHERE job_id = ?", jobId);
  }
  int64_t stepCount(const std::string& jobId) {
    return scalar("SELECT COUNT(*) FROM job_steps WHERE job_id = ?", jobId);
  }
  bool exists(const std::string& jobId) {
    return scalar("SELECT COUNT(*) FROM runner_jobs WHERE id = ?", jobId) == 1;
  }
  void finishedSecondsAgo(const std::string& jobId, int64_t seconds) {
    Query(connection(),
          "UPDATE runner_jobs SET completed_at = UTC_TIMESTAMP(3) - INTERVAL ? SECOND WHERE id = ?")
        .bind(seconds)
        .bind(jobId)
        .execute();
  }
  void addStep(const std::string& jobId) {
    Query(
        connection(),
        "INSERT INTO job_steps (job_id, ordinal, name, status) VALUES (?, 1, 'build', 'COMPLETED')")
        .bind(jobId)
        .execute();
  }
  // A job a runner claimed and then completed (or failed), with a step.
  Job finishedJob(const std::string& type, bool fail = false) {
    RunnerIdentity runner = runnerFor(type);
    Job created = createJob(type);
    auto claimed = ClaimService().claim(runner, typesRequest({type}));
    EXPECT_TRUE(claimed.has_value());
    addStep(created.id);
    if (fail) return LeaseStore().fail(runner, created.id, RunnerFailure{"broken", false});
    return LeaseStore().complete(runner, created.id, std::string(R"({"ok":true})"));
  }
  Job cancelledJob(const std::string& type) {
    Job job = createJob(type);
    return jobs.cancel(workspaceId, job.id);
  }
  // Removes every terminal job older than a day left by earlier tests of the suite.
  static void pruneOldJobs() {
    PruneOptions options;
    options.olderThanSeconds = 86400;
    options.pauseMilliseconds = 0;
    pruneTerminalJobs(connection(), options);
  }
};

TEST(RetentionAge, AcceptsOneNumberAndOneUnit) {
  EXPECT_EQ(parseRetentionAge("30d"), 30 * 86400);
  EXPECT_EQ(parseRetentionAge("12h"), 12 * 3600);
  EXPECT_EQ(parseRetentionAge("90m"), 90 * 60);
  EXPECT_EQ(parseRetentionAge("3600s"), 3600);
  for (const char* bad : {"", "30", "d", "0d", "-1d", "1.5h", "1w", "30 d", "30D", "1h30m"}) {
    EXPECT_FALSE(parseRetentionAge(bad).has_value()) << bad;
  }
}

TEST_F(Operations, PruneDeletesOnlyTerminalJobsOlderThanTheCutWithStepsAndEvents) {
  pruneOldJobs();
  std::string type = uniqueType("prune");
  Job oldCompleted = finishedJob(type);
  Job oldFailed = finishedJob(type, true);
  Job oldCancelled = cancelledJob(type);
  Job recentCompleted = finishedJob(type);
  Job queued = createJob(type + ".waiting");  // a type no runner here claims
  RunnerIdentity runner = runnerFor(type);
  Job running = createJob(type);
  ASSERT_EQ(ClaimService().claim(runner, typesRequest({type}))->id, running.id);
  for (const Job& job : {oldCompleted, oldFailed, oldCancelled})
    finishedSecondsAgo(job.id, 2 * 86400);
  finishedSecondsAgo(recentCompleted.id, 3600);
  // Live jobs made long ago stay whatever their age.
  Query(connection(),
        "UPDATE runner_jobs SET created_at = UTC_TIMESTAMP(3) - INTERVAL 30 DAY WHERE id IN (?, ?)")
      .bind(queued.id)
      .bind(running.id)
      .execute();
  int64_t oldEvents =
      eventCount(oldCompleted.id) + eventCount(oldFailed.id) + eventCount(oldCancelled.id);
  ASSERT_GT(oldEvents, 6);
  ASSERT_EQ(stepCount(oldCompleted.id), 1);

  PruneOptions options;
  options.olderThanSeconds = 86400;
  options.pauseMilliseconds = 0;
  PruneReport report = pruneTerminalJobs(connection(), options);

  EXPECT_EQ(report.jobs, 3);
  EXPECT_EQ(report.events, oldEvents);
  for (const Job& job : {oldCompleted, oldFailed, oldCancelled}) {
    EXPECT_FALSE(exists(job.id));
    EXPECT_EQ(eventCount(job.id), 0);
    EXPECT_EQ(stepCount(job.id), 0);
  }
  for (const Job& job : {recentCompleted, queued, running}) {
    EXPECT_TRUE(exists(job.id));
    EXPECT_GT(eventCount(job.id), 0);
  }
  EXPECT_EQ(stepCount(recentCompleted.id), 1);
  EXPECT_EQ(jobs.get(workspaceId, running.id).job.status, JobStatus::Running);
}

TEST_F(Operations, PruneWorksInBatchesOfTheGivenSize) {
  pruneOldJobs();
  std::string type = uniqueType("batch");
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(cancelledJob(type).id);
    finishedSecondsAgo(ids.back(), 2 * 86400 + i);
  }
  PruneOptions options;
  options.olderThanSeconds = 86400;
  options.batchSize = 2;
  options.eventChunk = 2;  // each job has 3 events: several chunks per batch
  options.pauseMilliseconds = 0;
  PruneReport report = pruneTerminalJobs(connection(), options);
  EXPECT_EQ(report.jobs, 5);
  EXPECT_EQ(report.events, 15);  // job.created, job.queued, job.cancelled each
  EXPECT_EQ(report.batches, 3);
  for (const auto& id : ids) EXPECT_FALSE(exists(id));
}

TEST_F(Operations, DryRunCountsAndDeletesNothing) {
  pruneOldJobs();
  std::string type = uniqueType("dry");
  Job old = finishedJob(type);
  Job recent = cancelledJob(type);
  finishedSecondsAgo(old.id, 2 * 86400);
  PruneOptions options;
  options.olderThanSeconds = 86400;
  options.dryRun = true;
  PruneReport report = pruneTerminalJobs(connection(), options);
  EXPECT_EQ(report.jobs, 1);
  EXPECT_EQ(report.events, eventCount(old.id));
  EXPECT_EQ(report.batches, 0);
  EXPECT_TRUE(exists(old.id));
  EXPECT_EQ(stepCount(old.id), 1);
  EXPECT_TRUE(exists(recent.id));
}

TEST_F(Operations, MetricsCountJobsByStatusAndTypeAndTheCountersOnlyGrow) {
  std::string type = uniqueType("metrics");
  finishedJob(type);
  Job failed = finishedJob(type, true);
  cancelledJob(type);
  Job queued = createJob(type);
  Job later = createJob(type);
  Query(connection(),
        "UPDATE runner_jobs SET run_at = UTC_TIMESTAMP(3) - INTERVAL 100 SECOND WHERE id = ?")
      .bind(queued.id)
      .execute();
  // A job not yet due is not claimable: it does not make the oldest age.
  Query(connection(),
        "UPDATE runner_jobs SET run_at = UTC_TIMESTAMP(3) - INTERVAL 5000 SECOND,"
        " status = 'PENDING' WHERE id = ?")
      .bind(later.id)
      .execute();

  WorkspaceMetrics metrics = MetricsService().collect(workspaceId);
  auto count = [&](const char* status) { return metrics.jobsByStatusAndType[{status, type}]; };
  EXPECT_EQ(count("COMPLETED"), 1);
  EXPECT_EQ(count("FAILED"), 1);
  EXPECT_EQ(count("CANCELLED"), 1);
  EXPECT_EQ(count("QUEUED"), 1);
  EXPECT_EQ(count("PENDING"), 1);
  EXPECT_GE(metrics.oldestClaimableAgeSeconds, 100);
  EXPECT_LT(metrics.oldestClaimableAgeSeconds, 200);
  EXPECT_EQ(metrics.counters.claims, 2);
  EXPECT_EQ(metrics.counters.completions, 1);
  EXPECT_EQ(metrics.counters.failures, 1);

  std::string text = prometheusText(metrics);
  EXPECT_NE(text.find("runner_jobs_jobs{status=\"COMPLETED\",type=\"" + type + "\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("runner_jobs_jobs{status=\"RUNNING\",type=\"" + type + "\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("# TYPE runner_jobs_claims_total counter\nrunner_jobs_claims_total 2\n"),
            std::string::npos);

  // Pruning the finished jobs lowers the gauges, never the counters.
  finishedSecondsAgo(failed.id, 3 * 86400);
  pruneOldJobs();
  WorkspaceMetrics after = MetricsService().collect(workspaceId);
  EXPECT_EQ((after.jobsByStatusAndType[{"FAILED", type}]), 0);
  EXPECT_EQ(after.counters.failures, 1);
  EXPECT_EQ(after.counters.claims, 2);
  // Another workspace's counters are its own.
  EXPECT_EQ(MetricsService().collect(createWorkspace("quiet")).counters.claims, 0);
}

TEST_F(Operations, OldestClaimableAgeIsZeroWithoutDueJobs) {
  EXPECT_EQ(MetricsService().collect(workspaceId).oldestClaimableAgeSeconds, 0);
  EXPECT_NE(prometheusText(MetricsService().collect(workspaceId))
                .find("\nrunner_jobs_oldest_claimable_job_age_seconds 0.000\n"),
            std::string::npos);
}

TEST(PrometheusText, EscapesLabelValues) {
  EXPECT_EQ(escapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  PrometheusText text;
  text.metric("x", "gauge", "An x.").sample({{"name", "q\""}}, "1");
  EXPECT_EQ(text.text(), "# HELP x An x.\n# TYPE x gauge\nx{name=\"q\\\"\"} 1\n");
}

namespace {
Request bearer(const std::string& token, const std::string& workspace = "") {
  return workspaceRequest(token, workspace, "/api/metrics");
}
}  // namespace

TEST_F(Operations, MetricsTokenReadsOnlyItsWorkspacesMetrics) {
  AdminStore admin(connection());
  std::string token = admin.issueMetricsToken(workspaceId, "scraper", std::nullopt).token;
  EXPECT_EQ(token.rfind("rjm_", 0), 0u);
  EXPECT_EQ(guard(Permission::WorkspaceMetrics, bearer(token)).workspaceId(), workspaceId);
  EXPECT_EQ(guard(Permission::WorkspaceMetrics, bearer(token, workspaceId)).workspaceId(),
            workspaceId);
  std::string other = createWorkspace("other");
  EXPECT_EQ(codeOf([&] { guard(Permission::WorkspaceMetrics, bearer(token, other)); }),
            "NOT_A_MEMBER");
  // Nothing else accepts it: no user guard and no runner guard knows the token.
  for (Permission permission :
       {Permission::Authenticated, Permission::WorkspaceAny, Permission::WorkspaceMember,
        Permission::WorkspaceAdmin, Permission::Runner}) {
    EXPECT_EQ(statusOf([&] { guard(permission, bearer(token, workspaceId)); }), 401);
  }
  // Revoked and expired tokens are dead.
  std::string revoked = admin.issueMetricsToken(workspaceId, "", std::nullopt).token;
  EXPECT_TRUE(admin.revokeMetricsToken(revoked));
  EXPECT_EQ(statusOf([&] { guard(Permission::WorkspaceMetrics, bearer(revoked)); }), 401);
  std::string expired = admin.issueMetricsToken(workspaceId, "", std::nullopt).token;
  Query(connection(),
        "UPDATE metrics_tokens SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND"
        " WHERE token_hash = SHA2(?, 256)")
      .bind(expired)
      .execute();
  EXPECT_EQ(statusOf([&] { guard(Permission::WorkspaceMetrics, bearer(expired)); }), 401);
  EXPECT_EQ(statusOf([&] { guard(Permission::WorkspaceMetrics, bearer("rjm_unknown")); }), 401);
}

TEST_F(Operations, MetricsAndRunnersAreForOwnersAndAdmins) {
  SeededUser admin = createMember(workspaceId, Role::Admin);
  for (Permission permission : {Permission::WorkspaceMetrics, Permission::WorkspaceAdmin}) {
    EXPECT_EQ(guard(permission, bearer(owner.token, workspaceId)).workspaceId(), workspaceId);
    EXPECT_EQ(guard(permission, bearer(admin.token, workspaceId)).role(), Role::Admin);
    EXPECT_EQ(codeOf([&] { guard(permission, bearer(member.token, workspaceId)); }),
              "ROLE_FORBIDDEN");
    EXPECT_EQ(codeOf([&] { guard(permission, bearer(guest.token, workspaceId)); }),
              "ROLE_FORBIDDEN");
    EXPECT_EQ(statusOf([&] { guard(permission, bearer(owner.token)); }), 400);
  }
}

TEST_F(Operations, RunnersListShowsBoundRunnersAndUnboundOnesRunningItsJobs) {
  std::string type = uniqueType("listed");
  AdminStore admin(connection());
  auto bound = admin.createRunner("builder \"1\"", workspaceId, {type, "other.type"});
  auto revoked = admin.createRunner("old", workspaceId, {});
  Query(connection(), "UPDATE runners SET revoked_at = UTC_TIMESTAMP(3) WHERE id = ?")
      .bind(revoked.id)
      .execute();
  auto busyAnywhere = admin.createRunner("shared-busy", std::nullopt, {});
  auto idleAnywhere = admin.createRunner("shared-idle", std::nullopt, {});
  auto elsewhere = admin.createRunner("elsewhere", createWorkspace("other"), {});
  Job mine = createJob(type);
  RunnerIdentity busy{busyAnywhere.id, "shared-busy", std::nullopt, {}};
  ASSERT_EQ(ClaimService().claim(busy, typesRequest({type}))->id, mine.id);
  Query(connection(), "UPDATE runners SET last_seen_at = UTC_TIMESTAMP(3) WHERE id = ?")
      .bind(bound.id)
      .execute();

  auto runners = RunnerListing().list(workspaceId);
  std::map<std::string, ListedRunner> byId;
  for (auto& runner : runners) byId[runner.id] = runner;
  ASSERT_EQ(byId.size(), 3u);
  EXPECT_EQ(byId.count(idleAnywhere.id), 0u);
  EXPECT_EQ(byId.count(elsewhere.id), 0u);
  EXPECT_EQ(byId[bound.id].types, (std::vector<std::string>{type, "other.type"}));
  EXPECT_TRUE(byId[bound.id].lastSeenAt.has_value());
  EXPECT_TRUE(byId[bound.id].running.empty());
  EXPECT_TRUE(byId[revoked.id].revoked);
  EXPECT_FALSE(byId[revoked.id].types.has_value());
  ASSERT_EQ(byId[busyAnywhere.id].running.size(), 1u);
  EXPECT_EQ(byId[busyAnywhere.id].running[0].id, mine.id);
  EXPECT_EQ(byId[busyAnywhere.id].running[0].type, type);
  EXPECT_TRUE(byId[busyAnywhere.id].running[0].startedAt.has_value());

  std::string json = toJson(runners);
  EXPECT_NE(json.find(R"("name":"builder \"1\"")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("running":[{"id":")" + mine.id), std::string::npos) << json;
  // The runner series of the metrics escape the name.
  std::string text = prometheusText(MetricsService().collect(workspaceId));
  EXPECT_NE(
      text.find(
          "runner_jobs_runner_last_seen_timestamp_seconds{runner=\"builder \\\"1\\\"\",id=\"" +
          bound.id + "\"} "),
      std::string::npos)
      << text;
}

}  // namespace rj::test
