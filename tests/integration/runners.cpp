// The runner service against a real MariaDB: claims, leases, rescue, events, complete, fail.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "admin/admin_store.h"
#include "auth/runner_guard.h"
#include "db/retry.h"
#include "errors/errors.h"
#include "jobs/job_store.h"
#include "runners/claim_service.h"
#include "runners/lease_store.h"
#include "support/outcome.h"
#include "support/runner_test.h"

namespace rj::test {

using Runners = RunnerTest;

TEST_F(Runners, LongPollsPastTheRunnersCapAnswerAtOnce) {
  std::string type = uniqueType("cap");
  // The greedy runner waits for a type that never comes, so only the other can take the job.
  RunnerIdentity greedy = runnerFor(uniqueType("cap.idle"));
  RunnerIdentity other = runnerFor(type);
  LongPollCaps caps{1, 0};
  std::thread waiter([&] {
    DatabaseThread database;
    useSuiteSchema();
    EXPECT_FALSE(ClaimService(60000, caps).claim(greedy, typesRequest({}, 3)).has_value());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  // The greedy runner already waits once: its next long poll does not hold a thread.
  auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(ClaimService(60000, caps).claim(greedy, typesRequest({}, 3)).has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
  // Another runner still waits, and gets the job that appears.
  std::optional<Job> claimed;
  std::thread patient([&] {
    DatabaseThread database;
    useSuiteSchema();
    claimed = ClaimService(60000, caps).claim(other, typesRequest({}, 3));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  Job job = createJob(type);
  patient.join();
  waiter.join();
  ASSERT_TRUE(claimed.has_value());
  EXPECT_EQ(claimed->id, job.id);
}

TEST_F(Runners, ClaimTakesHighestPriorityThenOldest) {
  std::string type = uniqueType("order");
  Job low = createJob(type, 1);
  Job firstHigh = createJob(type, 9);
  // run_at has millisecond precision and a tie goes to the id: the second is a few ms younger.
  std::this_thread::sleep_for(std::chrono::milliseconds(3));
  Job secondHigh = createJob(type, 9);
  RunnerIdentity runner = runnerFor(type);
  ClaimService claims;
  EXPECT_EQ(claims.claim(runner, {})->id, firstHigh.id);
  EXPECT_EQ(claims.claim(runner, {})->id, secondHigh.id);
  EXPECT_EQ(claims.claim(runner, {})->id, low.id);
  EXPECT_FALSE(claims.claim(runner, {}).has_value());
}

TEST_F(Runners, ClaimMarksRunningWithLeaseAndRecordsStarted) {
  std::string type = uniqueType("start");
  Job queued = createJob(type);
  RunnerIdentity runner = runnerFor(type);
  Job claimed = *ClaimService().claim(runner, {});
  EXPECT_EQ(claimed.id, queued.id);
  EXPECT_EQ(claimed.status, JobStatus::Running);
  EXPECT_TRUE(claimed.startedAt.has_value());
  EXPECT_EQ(eventTypes(queued.id),
            (std::vector<std::string>{"job.created", "job.queued", "job.started"}));
  auto rows = Query(connection(),
                    "SELECT runner_id, lease_expires_at > UTC_TIMESTAMP(3) + INTERVAL 50 SECOND AS"
                    " far FROM runner_jobs WHERE id = ?")
                  .bind(queued.id)
                  .rows();
  ASSERT_TRUE(rows->next());
  EXPECT_EQ(rows->getString("runner_id"), runner.id);
  EXPECT_TRUE(rows->getBoolean("far")) << "the default lease is 60 s";
}

TEST_F(Runners, ClaimHonoursTypesAndWorkspaceRestrictions) {
  std::string wanted = uniqueType("wanted");
  std::string other = uniqueType("other");
  Job otherJob = createJob(other, 100);
  Job wantedJob = createJob(wanted, 1);
  ClaimService claims;
  // The runner's own list.
  EXPECT_EQ(claims.claim(runnerFor(wanted), {})->id, wantedJob.id);
  // A runner restricted to another workspace does not see this one's jobs.
  std::string elsewhere = createWorkspace("elsewhere");
  EXPECT_FALSE(claims.claim(createRunner(elsewhere, {}), typesRequest({other})).has_value());
  // An unrestricted runner asking for a type it may run.
  Job otherClaimed = *claims.claim(createRunner(std::nullopt, {}), typesRequest({other}));
  EXPECT_EQ(otherClaimed.id, otherJob.id);
}

TEST_F(Runners, ClaimOfATypeTheRunnerDoesNotAcceptIs403) {
  std::string type = uniqueType("forbidden");
  Job job = createJob(type);
  RunnerIdentity runner = runnerFor(uniqueType("mine"));
  EXPECT_EQ(statusOf([&] { ClaimService().claim(runner, typesRequest({type})); }), 403);
  EXPECT_EQ(jobs.get(workspaceId, job.id).job.status, JobStatus::Queued);
}

TEST_F(Runners, LongPollReturnsAsSoonAsAJobAppears) {
  std::string type = uniqueType("poll");
  RunnerIdentity runner = runnerFor(type);
  auto started = std::chrono::steady_clock::now();
  std::optional<Job> claimed;
  std::thread waiter([&] {
    DatabaseThread database;
    useSuiteSchema();
    claimed = ClaimService().claim(runner, typesRequest({}, 10));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  Job job = createJob(type);
  waiter.join();
  auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(claimed.has_value());
  EXPECT_EQ(claimed->id, job.id);
  EXPECT_LT(waited, std::chrono::seconds(3));
}

TEST_F(Runners, LongPollGivesUpAfterWaitSeconds) {
  RunnerIdentity runner = runnerFor(uniqueType("empty"));
  auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(ClaimService().claim(runner, typesRequest({}, 1)).has_value());
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, std::chrono::milliseconds(700));
  EXPECT_LT(waited, std::chrono::milliseconds(2500));
}

TEST_F(Runners, EightRunnersRacingClaimEveryJobExactlyOnce) {
  constexpr int kJobs = 2000;
  constexpr int kRunners = 8;
  std::string type = uniqueType("race");
  onThreads(4, [&](int) {
    for (int i = 0; i < kJobs / 4; ++i) createJob(type, i % 7);
  });
  RunnerIdentity runner = runnerFor(type);
  std::mutex mutex;
  std::map<std::string, int> claimedTimes;
  std::vector<int> perRunner(kRunners, 0);
  onThreads(kRunners, [&](int index) {
    ClaimService claims;
    while (auto job = claims.claim(runner, {})) {
      std::lock_guard<std::mutex> lock(mutex);
      ++claimedTimes[job->id];
      ++perRunner[index];
    }
  });
  EXPECT_EQ(claimedTimes.size(), static_cast<size_t>(kJobs));
  for (const auto& [id, times] : claimedTimes) EXPECT_EQ(times, 1) << id;
  for (int count : perRunner) EXPECT_GT(count, 0) << "every runner got work";
  auto rows = Query(connection(),
                    "SELECT COUNT(*) AS running, SUM(last_event_seq = 3) AS started_once"
                    " FROM runner_jobs WHERE type = ? AND status = 'RUNNING'")
                  .bind(type)
                  .rows();
  rows->next();
  EXPECT_EQ(rows->getInt64("running"), kJobs);
  EXPECT_EQ(rows->getInt64("started_once"), kJobs) << "exactly one job.started per job";
}

TEST_F(Runners, LeaseExpiryRequeuesAndThenFailsAfterMaxAttempts) {
  std::string type = uniqueType("lease");
  Job job = createJob(type);
  RunnerIdentity runner = runnerFor(type);
  ClaimService shortLease(200);
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto claimed = shortLease.claim(runner, {});
    ASSERT_TRUE(claimed.has_value()) << "attempt " << attempt;
    EXPECT_EQ(claimed->attempt, attempt);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  // The next claim's rescue finds the third lease expired: max_attempts (3) is used up.
  EXPECT_FALSE(shortLease.claim(runner, {}).has_value());
  Job failed = jobs.get(workspaceId, job.id).job;
  EXPECT_EQ(failed.status, JobStatus::Failed);
  EXPECT_EQ(*failed.error, "Lease expired on attempt 3 of 3");
  EXPECT_TRUE(failed.completedAt.has_value());
  EXPECT_EQ(eventTypes(job.id),
            (std::vector<std::string>{"job.created", "job.queued", "job.started", "job.queued",
                                      "job.started", "job.queued", "job.started", "job.failed"}));
  auto events = jobs.get(workspaceId, job.id).events;
  EXPECT_NE(events[3].payload.find(R"("reason":"lease expired")"), std::string::npos);
  EXPECT_NE(events[3].payload.find(R"("attempt":2)"), std::string::npos);
}

TEST_F(Runners, ARunnerThatLostItsLeaseCannotCompleteOrReport) {
  std::string type = uniqueType("lost");
  Job job = createJob(type);
  RunnerIdentity first = runnerFor(type);
  RunnerIdentity second = runnerFor(type);
  ASSERT_TRUE(ClaimService(200).claim(first, {}).has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  LeaseStore leases;
  // Expired but not yet rescued: the lease is gone all the same.
  EXPECT_EQ(statusOf([&] { leases.heartbeat(first, job.id); }), 409);
  EXPECT_EQ(codeOf([&] { leases.complete(first, job.id, std::nullopt); }), "LEASE_LOST");
  auto reclaimed = ClaimService().claim(second, {});
  ASSERT_TRUE(reclaimed.has_value());
  EXPECT_EQ(reclaimed->attempt, 2);
  EXPECT_EQ(statusOf([&] { leases.complete(first, job.id, std::string("1")); }), 409);
  EXPECT_EQ(codeOf([&] { leases.fail(first, job.id, {"late"}); }), "LEASE_LOST");
  EXPECT_EQ(statusOf([&] {
              leases.recordEvent(first, job.id, event("job.progress", R"({"progressPercent":5})"));
            }),
            409);
  Job running = jobs.get(workspaceId, job.id).job;
  EXPECT_EQ(running.status, JobStatus::Running);
  EXPECT_EQ(running.progressPercent, 0);
  Job completed = leases.complete(second, job.id, std::string(R"({"ok":true})"));
  EXPECT_EQ(completed.status, JobStatus::Completed);
  EXPECT_EQ(*completed.result, R"({"ok":true})");
  // The first runner, late, finds the job finished by the second.
  EXPECT_EQ(codeOf([&] { leases.complete(first, job.id, std::nullopt); }), "LEASE_LOST");
  EXPECT_EQ(codeOf([&] { leases.complete(second, job.id, std::nullopt); }), "JOB_TERMINAL");
}

TEST_F(Runners, HeartbeatExtendsTheLease) {
  std::string type = uniqueType("beat");
  Job job = createJob(type);
  RunnerIdentity runner = runnerFor(type);
  ASSERT_TRUE(ClaimService(400).claim(runner, {}).has_value());
  LeaseStore leases(400);
  for (int i = 0; i < 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    Heartbeat beat = leases.heartbeat(runner, job.id);
    EXPECT_FALSE(beat.cancelRequested);
    EXPECT_TRUE(beat.leaseExpiresAt.has_value());
  }
  // 800 ms after a 400 ms claim the job is still ours: the heartbeats renewed it.
  ClaimService().rescueExpiredLeases();
  EXPECT_EQ(leases.complete(runner, job.id, std::nullopt).status, JobStatus::Completed);
}

TEST_F(Runners, CancelReachesTheRunnerOnItsNextHeartbeatAndBlocksCompletion) {
  std::string type = uniqueType("cancel");
  Job job = createJob(type);
  RunnerIdentity runner = runnerFor(type);
  ASSERT_TRUE(ClaimService().claim(runner, {}).has_value());
  LeaseStore leases;
  EXPECT_FALSE(leases.heartbeat(runner, job.id).cancelRequested);
  jobs.cancel(workspaceId, job.id);
  EXPECT_TRUE(leases.heartbeat(runner, job.id).cancelRequested);
  EXPECT_EQ(statusOf([&] { leases.complete(runner, job.id, std::string("1")); }), 409);
  EXPECT_EQ(codeOf([&] { leases.fail(runner, job.id, {"x"}); }), "JOB_CANCELLED");
  EXPECT_EQ(statusOf([&] {
              leases.recordEvent(runner, job.id, event("step.output", R"({"lines":["x"]})"));
            }),
            409);
  Job cancelled = jobs.get(workspaceId, job.id).job;
  EXPECT_EQ(cancelled.status, JobStatus::Cancelled);
  EXPECT_FALSE(cancelled.result.has_value());
  EXPECT_EQ(eventTypes(job.id).back(), "job.cancelled");
  // Another runner learns nothing from heartbeating a job it does not hold.
  EXPECT_EQ(codeOf([&] { leases.heartbeat(runnerFor(type), job.id); }), "LEASE_LOST");
}

TEST_F(Runners, CancelRacingCompletionLeavesExactlyOneTerminalStateAndEvent) {
  std::string type = uniqueType("cancelrace");
  RunnerIdentity runner = runnerFor(type);
  int completedWins = 0, cancelWins = 0;
  for (int round = 0; round < 20; ++round) {
    Job job = createJob(type);
    ASSERT_TRUE(ClaimService().claim(runner, {}).has_value());
    std::atomic<int> ready{0};
    int completeStatus = 0, cancelStatus = 0;
    onThreads(2, [&](int index) {
      ++ready;
      while (ready < 2) std::this_thread::yield();
      if (index == 0) {
        completeStatus = statusOf([&] { LeaseStore().complete(runner, job.id, std::nullopt); });
      } else {
        cancelStatus = statusOf([&] { JobStore().cancel(workspaceId, job.id); });
      }
    });
    EXPECT_TRUE((completeStatus == 200) != (cancelStatus == 200))
        << "complete " << completeStatus << ", cancel " << cancelStatus;
    EXPECT_EQ(completeStatus == 200 ? cancelStatus : completeStatus, 409);
    auto types = eventTypes(job.id);
    int terminalEvents = 0;
    for (const auto& type : types) {
      terminalEvents += type == "job.completed" || type == "job.cancelled" || type == "job.failed";
    }
    EXPECT_EQ(terminalEvents, 1);
    Job final = jobs.get(workspaceId, job.id).job;
    EXPECT_EQ(final.status, completeStatus == 200 ? JobStatus::Completed : JobStatus::Cancelled);
    EXPECT_EQ(types.back(), completeStatus == 200 ? "job.completed" : "job.cancelled");
    (completeStatus == 200 ? completedWins : cancelWins)++;
  }
  std::printf("cancel/complete race: %d completed first, %d cancelled first\n", completedWins,
              cancelWins);
}

TEST_F(Runners, ProgressAndStepEventsUpdateTheJob) {
  std::string type = uniqueType("events");
  Job job = createJob(type);
  RunnerIdentity runner = runnerFor(type);
  ASSERT_TRUE(ClaimService().claim(runner, {}).has_value());
  LeaseStore leases;
  EXPECT_EQ(
      leases.recordEvent(runner, job.id, event("step.started", R"({"ordinal":1,"name":"build"})"))
          .seq,
      4);
  EXPECT_EQ(
      leases
          .recordEvent(runner, job.id,
                       event("step.output", R"({"ordinal":1,"stream":"stdout","lines":["a","b"]})"))
          .seq,
      5);
  EXPECT_EQ(leases
                .recordEvent(runner, job.id,
                             event("job.progress", R"({"progressPercent":40,"message":"m"})"))
                .seq,
            6);
  EXPECT_EQ(leases.recordEvent(runner, job.id, event("step.completed", R"({"ordinal":1})")).seq, 7);
  EXPECT_EQ(
      leases.recordEvent(runner, job.id, event("step.failed", R"({"ordinal":2,"name":"test"})"))
          .seq,
      8);
  JobDetail detail = jobs.get(workspaceId, job.id);
  EXPECT_EQ(detail.job.progressPercent, 40);
  ASSERT_EQ(detail.steps.size(), 2u);
  EXPECT_EQ(detail.steps[0].name, "build");
  EXPECT_EQ(detail.steps[0].status, JobStatus::Completed);
  EXPECT_TRUE(detail.steps[0].completedAt.has_value());
  EXPECT_EQ(detail.steps[1].name, "test");
  EXPECT_EQ(detail.steps[1].status, JobStatus::Failed);
  EXPECT_EQ(detail.events[4].payload, R"({"ordinal":1,"stream":"stdout","lines":["a","b"]})");
  Job failed = leases.fail(runner, job.id, {"exit status 2"});
  EXPECT_EQ(failed.status, JobStatus::Failed);
  EXPECT_EQ(*failed.error, "exit status 2");
  EXPECT_EQ(eventTypes(job.id).back(), "job.failed");
}

TEST_F(Runners, ReleaseRequeuesAtOnceKeepingTheAttempt) {
  std::string type = uniqueType("release");
  Job job = createJob(type);
  RunnerIdentity runner = runnerFor(type);
  ASSERT_TRUE(ClaimService().claim(runner, {}).has_value());
  LeaseStore leases;
  leases.recordEvent(runner, job.id, event("job.progress", R"({"progressPercent":30})"));
  Job released = leases.release(runner, job.id, std::string("runner stopping"));
  EXPECT_EQ(released.status, JobStatus::Queued);
  EXPECT_EQ(released.attempt, 1);
  auto rows = Query(connection(),
                    "SELECT runner_id, lease_expires_at, release_count FROM runner_jobs"
                    " WHERE id = ?")
                  .bind(job.id)
                  .rows();
  ASSERT_TRUE(rows->next());
  EXPECT_TRUE(rows->isNull("runner_id"));
  EXPECT_TRUE(rows->isNull("lease_expires_at"));
  EXPECT_EQ(rows->getInt64("release_count"), 1);
  rows.reset();
  auto events = jobs.get(workspaceId, job.id).events;
  ASSERT_EQ(events.back().type, "job.queued");
  EXPECT_EQ(events.back().payload, R"({"attempt":1,"reason":"released by runner","runnerId":")" +
                                       runner.id + R"(","releases":1,"detail":"runner stopping"})");
  // The runner gave it up: it holds nothing any more.
  EXPECT_EQ(statusOf([&] { leases.heartbeat(runner, job.id); }), 409);
  EXPECT_EQ(statusOf([&] { leases.release(runner, job.id, std::nullopt); }), 409);
  EXPECT_EQ(statusOf([&] { leases.complete(runner, job.id, std::nullopt); }), 409);
  // Claimable again at once, by another runner, on the same attempt.
  RunnerIdentity next = runnerFor(type);
  auto reclaimed = ClaimService().claim(next, {});
  ASSERT_TRUE(reclaimed.has_value());
  EXPECT_EQ(reclaimed->id, job.id);
  EXPECT_EQ(reclaimed->attempt, 1);
  EXPECT_EQ(leases.complete(next, job.id, std::nullopt).status, JobStatus::Completed);
  EXPECT_EQ(eventTypes(job.id),
            (std::vector<std::string>{"job.created", "job.queued", "job.started", "job.progress",
                                      "job.queued", "job.started", "job.completed"}));
}

TEST_F(Runners, ReleaseNeedsTheLiveLeaseAndChangesNothingOtherwise) {
  std::string type = uniqueType("norelease");
  Job job = createJob(type);
  RunnerIdentity runner = runnerFor(type);
  ASSERT_TRUE(ClaimService(200).claim(runner, {}).has_value());
  LeaseStore leases;
  EXPECT_EQ(statusOf([&] { leases.release(runnerFor(type), job.id, std::nullopt); }), 409);
  EXPECT_EQ(statusOf([&] {
              leases.release(createRunner(createWorkspace("stranger"), {}), job.id, std::nullopt);
            }),
            404);
  EXPECT_EQ(statusOf([&] {
              leases.release(runner, "00000000-0000-4000-8000-000000000000", std::nullopt);
            }),
            404);
  // Expired, not yet rescued: the lease is lost, the release refused.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(statusOf([&] { leases.release(runner, job.id, std::nullopt); }), 409);
  EXPECT_EQ(jobs.get(workspaceId, job.id).job.status, JobStatus::Running);
  EXPECT_EQ(eventTypes(job.id).back(), "job.started");

  // A cancelled job stays cancelled.
  Job other = createJob(type);
  ASSERT_TRUE(ClaimService().claim(runner, typesRequest({type})).has_value());
  jobs.cancel(workspaceId, other.id);
  EXPECT_EQ(statusOf([&] { leases.release(runner, other.id, std::nullopt); }), 409);
  EXPECT_EQ(jobs.get(workspaceId, other.id).job.status, JobStatus::Cancelled);
  EXPECT_EQ(eventTypes(other.id).back(), "job.cancelled");
}

TEST_F(Runners, AJobReleasedOverAndOverCostsAttemptsAndEndsFailed) {
  std::string type = uniqueType("rereleased");
  Job job = createJob(type);
  RunnerIdentity runner = runnerFor(type);
  ClaimService claims;
  LeaseStore leases;
  // The first kFreeReleases (3) keep attempt 1, the 4th and 5th move it to 2 and 3, the 6th
  // finds max_attempts (3) used up: six runs in all, kFreeReleases + max_attempts.
  std::vector<int64_t> attempts;
  for (int release = 1; release <= kFreeReleases + 2; ++release) {
    auto claimed = claims.claim(runner, {});
    ASSERT_TRUE(claimed.has_value()) << "release " << release;
    attempts.push_back(claimed->attempt);
    EXPECT_EQ(leases.release(runner, job.id, std::nullopt).status, JobStatus::Queued);
  }
  EXPECT_EQ(attempts, (std::vector<int64_t>{1, 1, 1, 1, 2}));
  auto last = claims.claim(runner, {});
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->attempt, 3);
  Job failed = leases.release(runner, job.id, std::nullopt);
  EXPECT_EQ(failed.status, JobStatus::Failed);
  EXPECT_EQ(*failed.error, "Released by its runner 6 times; attempt 3 of 3");
  EXPECT_TRUE(failed.completedAt.has_value());
  EXPECT_FALSE(claims.claim(runner, {}).has_value());
  auto events = jobs.get(workspaceId, job.id).events;
  EXPECT_EQ(events.back().type, "job.failed");
  EXPECT_NE(events.back().payload.find(R"("reason":"released by runner")"), std::string::npos);
  EXPECT_NE(events.back().payload.find(R"("releases":6)"), std::string::npos);
}

TEST_F(Runners, AnotherWorkspacesRunnerGets404AndAnUnknownJob404) {
  std::string type = uniqueType("tenancy");
  Job job = createJob(type);
  RunnerIdentity runner = runnerFor(type);
  ASSERT_TRUE(ClaimService().claim(runner, {}).has_value());
  RunnerIdentity stranger = createRunner(createWorkspace("other"), {});
  LeaseStore leases;
  EXPECT_EQ(statusOf([&] { leases.heartbeat(stranger, job.id); }), 404);
  EXPECT_EQ(statusOf([&] { leases.complete(stranger, job.id, std::nullopt); }), 404);
  EXPECT_EQ(statusOf([&] { leases.heartbeat(runner, "00000000-0000-4000-8000-000000000000"); }),
            404);
  EXPECT_EQ(jobs.get(workspaceId, job.id).job.status, JobStatus::Running);
}

TEST_F(Runners, RunnerTokenGuardRejectsMissingUnknownAndRevokedTokens) {
  std::string token;
  RunnerIdentity runner = createRunner(workspaceId, {"a.b", "c"}, &token);
  auto requestWith = [](const std::string& authorization) {
    Request request;
    if (!authorization.empty()) request.headers["HTTP_AUTHORIZATION"] = authorization;
    return request;
  };
  RunnerIdentity found = authenticateRunner(requestWith("Bearer " + token));
  EXPECT_EQ(found.id, runner.id);
  EXPECT_EQ(*found.workspaceId, workspaceId);
  EXPECT_EQ(found.jobTypes, (std::vector<std::string>{"a.b", "c"}));
  EXPECT_EQ(statusOf([&] { authenticateRunner(requestWith("")); }), 401);
  EXPECT_EQ(statusOf([&] { authenticateRunner(requestWith("Bearer nope")); }), 401);
  // A user's token is not a runner token.
  EXPECT_EQ(statusOf([&] { authenticateRunner(requestWith("Bearer " + member.token)); }), 401);
  Query(connection(), "UPDATE runners SET revoked_at = UTC_TIMESTAMP(3) WHERE id = ?")
      .bind(runner.id)
      .execute();
  EXPECT_EQ(statusOf([&] { authenticateRunner(requestWith("Bearer " + token)); }), 401);
}

}  // namespace rj::test
