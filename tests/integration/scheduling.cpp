// Scheduling, automatic retries, timeouts, unique jobs and concurrency limits against a real
// MariaDB: each rule, and the races that must not break them.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "errors/errors.h"
#include "jobs/job_store.h"
#include "runners/claim_service.h"
#include "runners/lease_store.h"
#include "support/outcome.h"
#include "support/runner_test.h"
#include "util/time.h"

namespace rj::test {

namespace {

using Clock = std::chrono::steady_clock;

int64_t millisecondsUntil(const std::string& isoTime) {
  return *parseIsoUtcMilliseconds(isoTime) - nowEpochMilliseconds();
}

void sleepMilliseconds(int64_t milliseconds) {
  if (milliseconds > 0) std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
}

}  // namespace

class Scheduling : public RunnerTest {
 protected:
  // runner_jobs.scheduled: 1 while the job waits for a runAt still ahead.
  int scheduledFlag(const std::string& jobId) {
    auto rows =
        Query(connection(), "SELECT scheduled FROM runner_jobs WHERE id = ?").bind(jobId).rows();
    rows->next();
    return rows->getInt("scheduled");
  }
  Job create(NewJob request) { return jobs.create(workspaceId, request, std::nullopt).job; }
  NewJob jobOf(const std::string& type) { return makeNewJob(type); }
  int runningWithKey(const std::string& key) {
    auto rows = Query(connection(),
                      "SELECT COUNT(*) AS running FROM runner_jobs WHERE concurrency_key = ?"
                      " AND status = 'RUNNING'")
                    .bind(key)
                    .rows();
    rows->next();
    return rows->getInt("running");
  }
  static RunnerFailure retryable(const std::string& error) { return RunnerFailure{error, true}; }
};

TEST_F(Scheduling, AScheduledJobIsNotClaimableBeforeItsTimeAndIsAfter) {
  std::string type = uniqueType("scheduled");
  NewJob request = jobOf(type);
  request.delaySeconds = 2;
  Job job = create(request);
  EXPECT_EQ(job.status, JobStatus::Queued);
  int64_t untilDue = millisecondsUntil(job.runAt);
  EXPECT_GT(untilDue, 1500);
  EXPECT_LE(untilDue, 2100);
  // It waits outside the claims' index range until it is promoted.
  EXPECT_EQ(scheduledFlag(job.id), 1);
  RunnerIdentity runner = runnerFor(type);
  ClaimService claims;
  // One second before runAt.
  sleepMilliseconds(untilDue - 1000);
  EXPECT_FALSE(claims.claimOnce(runner, {type}).has_value());
  sleepMilliseconds(millisecondsUntil(job.runAt) + 100);
  auto claimed = claims.claimOnce(runner, {type});
  ASSERT_TRUE(claimed.has_value());
  EXPECT_EQ(claimed->id, job.id);
}

TEST_F(Scheduling, RunAtInThePastRunsAtOnceAndClaimsGoByPriorityThenRunAt) {
  std::string type = uniqueType("order");
  NewJob past = jobOf(type);
  past.runAt = "2001-01-01 00:00:00.000";
  Job first = create(past);
  EXPECT_EQ(scheduledFlag(first.id), 0);
  EXPECT_GT(*parseIsoUtcMilliseconds(first.runAt), nowEpochMilliseconds() - 5000);
  // A later runAt than the first's: within one millisecond claims go by id, which orders jobs
  // made in the same millisecond at random.
  std::this_thread::sleep_for(std::chrono::milliseconds(3));
  Job second = create(jobOf(type));
  NewJob urgent = jobOf(type);
  urgent.priority = 9;
  Job third = create(urgent);
  NewJob later = jobOf(type);
  later.priority = 100;
  later.delaySeconds = 3600;
  create(later);
  RunnerIdentity runner = runnerFor(type);
  ClaimService claims;
  EXPECT_EQ(claims.claimOnce(runner, {type})->id, third.id);
  EXPECT_EQ(claims.claimOnce(runner, {type})->id, first.id);
  EXPECT_EQ(claims.claimOnce(runner, {type})->id, second.id);
  EXPECT_FALSE(claims.claimOnce(runner, {type}).has_value());
}

TEST_F(Scheduling, ARetryableFailureComesBackAfterTheBackoffUntilAttemptsRunOut) {
  std::string type = uniqueType("retry");
  NewJob request = jobOf(type);
  request.maxAttempts = 3;
  request.backoffSeconds = 1;
  Job job = create(request);
  RunnerIdentity runner = runnerFor(type);
  ClaimService claims;
  LeaseStore leases;
  for (int attempt = 1; attempt <= 2; ++attempt) {
    auto claimed = claims.claimOnce(runner, {type});
    ASSERT_TRUE(claimed.has_value()) << "attempt " << attempt;
    EXPECT_EQ(claimed->attempt, attempt);
    Job queued = leases.fail(runner, job.id, retryable("exit status 75"));
    EXPECT_EQ(queued.status, JobStatus::Queued);
    EXPECT_EQ(queued.attempt, attempt + 1);
    EXPECT_EQ(*queued.error, "exit status 75");
    // Backoff 1 s doubled per attempt, with jitter between half and all of it.
    int64_t ceiling = 1000 << (attempt - 1);
    int64_t wait = millisecondsUntil(queued.runAt);
    EXPECT_GT(wait, ceiling / 2 - 300) << "attempt " << attempt;
    EXPECT_LE(wait, ceiling + 50) << "attempt " << attempt;
    EXPECT_FALSE(claims.claimOnce(runner, {type}).has_value()) << "claimable during its backoff";
    sleepMilliseconds(wait + 100);
  }
  ASSERT_TRUE(claims.claimOnce(runner, {type}).has_value());
  Job failed = leases.fail(runner, job.id, retryable("exit status 75"));
  EXPECT_EQ(failed.status, JobStatus::Failed);
  EXPECT_EQ(failed.attempt, 3);
  EXPECT_EQ(eventTypes(job.id),
            (std::vector<std::string>{"job.created", "job.queued", "job.started",
                                      "job.retry_scheduled", "job.started", "job.retry_scheduled",
                                      "job.started", "job.failed"}));
  auto events = jobs.get(workspaceId, job.id).events;
  EXPECT_NE(events[3].payload.find(R"("attempt":2)"), std::string::npos) << events[3].payload;
  EXPECT_NE(events[3].payload.find(R"("runAt":")"), std::string::npos) << events[3].payload;
  EXPECT_NE(events[3].payload.find(R"("error":"exit status 75")"), std::string::npos);
}

TEST_F(Scheduling, ANonRetryableFailureFailsAtOnceWithAttemptsLeft) {
  std::string type = uniqueType("final");
  NewJob request = jobOf(type);
  request.maxAttempts = 5;
  Job job = create(request);
  RunnerIdentity runner = runnerFor(type);
  ASSERT_TRUE(ClaimService().claimOnce(runner, {type}).has_value());
  Job failed = LeaseStore().fail(runner, job.id, RunnerFailure{"bad input", false});
  EXPECT_EQ(failed.status, JobStatus::Failed);
  EXPECT_EQ(failed.attempt, 1);
}

TEST_F(Scheduling, ATimedOutRunIsRetriedThenFailsAndItsRunnerHearsJobTimedOut) {
  std::string type = uniqueType("timeout");
  NewJob request = jobOf(type);
  request.timeoutSeconds = 1;
  request.maxAttempts = 2;
  request.backoffSeconds = 1;
  Job job = create(request);
  RunnerIdentity runner = runnerFor(type);
  ClaimService claims;
  LeaseStore leases;
  auto claimed = claims.claimOnce(runner, {type});
  ASSERT_TRUE(claimed.has_value());
  ASSERT_TRUE(claimed->timeoutAt.has_value());
  EXPECT_EQ(claims.endTimedOutJobs(), 0) << "ended before its deadline";
  sleepMilliseconds(millisecondsUntil(*claimed->timeoutAt) + 50);
  EXPECT_EQ(claims.endTimedOutJobs(), 1);
  Job queued = jobs.get(workspaceId, job.id).job;
  EXPECT_EQ(queued.status, JobStatus::Queued);
  EXPECT_EQ(queued.attempt, 2);
  EXPECT_EQ(*queued.error, "Timed out after 1 s on attempt 1 of 2");
  EXPECT_EQ(codeOf([&] { leases.heartbeat(runner, job.id); }), "JOB_TIMED_OUT");
  EXPECT_EQ(codeOf([&] { leases.complete(runner, job.id, std::nullopt); }), "JOB_TIMED_OUT");
  sleepMilliseconds(millisecondsUntil(queued.runAt) + 100);
  ASSERT_TRUE(claims.claimOnce(runner, {type}).has_value());
  sleepMilliseconds(1100);
  EXPECT_EQ(claims.endTimedOutJobs(), 1);
  Job failed = jobs.get(workspaceId, job.id).job;
  EXPECT_EQ(failed.status, JobStatus::Failed);
  EXPECT_FALSE(failed.timeoutAt.has_value());
  EXPECT_EQ(codeOf([&] { leases.heartbeat(runner, job.id); }), "JOB_TIMED_OUT");
  EXPECT_EQ(eventTypes(job.id),
            (std::vector<std::string>{"job.created", "job.queued", "job.started", "job.timed_out",
                                      "job.retry_scheduled", "job.started", "job.timed_out",
                                      "job.failed"}));
}

TEST_F(Scheduling, ARefusedCreateLeavesNoRowEventOrChangeBehind) {
  // A create is one compound statement with its own transaction: the duplicate key stops it after
  // nothing, and its handler rolls back before raising the error again.
  auto rowsOfWorkspace = [&] {
    auto rows = Query(connection(),
                      "SELECT (SELECT COUNT(*) FROM runner_jobs WHERE workspace_id = ?) +"
                      " (SELECT COUNT(*) FROM job_events e JOIN runner_jobs j ON j.id = e.job_id"
                      " WHERE j.workspace_id = ?) +"
                      " (SELECT COUNT(*) FROM workspace_change_inbox WHERE workspace_id = ?)"
                      " AS total, @@in_transaction AS open_transaction")
                    .bind(workspaceId)
                    .bind(workspaceId)
                    .bind(workspaceId)
                    .rows();
    rows->next();
    EXPECT_EQ(rows->getInt("open_transaction"), 0);
    return rows->getInt64("total");
  };
  NewJob request = makeNewJob("unique");
  request.uniqueKey = uniqueType("refused");
  request.concurrencyKey = "refused";
  request.concurrencyLimit = 1;
  Job first = jobs.create(workspaceId, request, std::nullopt).job;
  const int64_t before = rowsOfWorkspace();
  EXPECT_EQ(codeOf([&] { jobs.create(workspaceId, request, std::nullopt); }), "JOB_NOT_UNIQUE");
  EXPECT_EQ(rowsOfWorkspace(), before);
  // The connection goes on: the next create commits, seq 1 and 2 with their two changes.
  request.uniqueKey = uniqueType("accepted");
  Job next = jobs.create(workspaceId, request, std::nullopt).job;
  EXPECT_EQ(next.lastEventSeq, 2);
  EXPECT_EQ(rowsOfWorkspace(), before + 5);
  EXPECT_NE(next.id, first.id);
}

TEST_F(Scheduling, EightRacingCreatesWithOneUniqueKeyMakeOneJob) {
  std::string key = uniqueType("unique-key");
  std::mutex lock;
  std::set<std::string> created;
  std::vector<std::string> refusedWith;
  onThreads(8, [&](int) {
    NewJob request = makeNewJob("unique");
    request.uniqueKey = key;
    try {
      Job job = jobs.create(workspaceId, request, std::nullopt).job;
      std::lock_guard<std::mutex> guard(lock);
      created.insert(job.id);
    } catch (const HttpError& error) {
      std::lock_guard<std::mutex> guard(lock);
      EXPECT_EQ(error.code(), ErrorCode::JobNotUnique);
      ASSERT_EQ(error.fields.size(), 1u);
      refusedWith.push_back(error.fields[0].second);
    }
  });
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(refusedWith.size(), 7u);
  for (const auto& id : refusedWith) EXPECT_EQ(id, *created.begin());
  // Another workspace's key is its own; a terminal job frees the key.
  NewJob again = makeNewJob("unique");
  again.uniqueKey = key;
  EXPECT_NO_THROW(jobs.create(createWorkspace(), again, std::nullopt));
  EXPECT_EQ(codeOf([&] { jobs.create(workspaceId, again, std::nullopt); }), "JOB_NOT_UNIQUE");
  jobs.cancel(workspaceId, *created.begin());
  Job next = jobs.create(workspaceId, again, std::nullopt).job;
  EXPECT_NE(next.id, *created.begin());
  EXPECT_EQ(*next.uniqueKey, key);
  // A retry keeps the key: refused while the new job holds it, with that job's id.
  try {
    jobs.retry(workspaceId, *created.begin());
    ADD_FAILURE() << "a retry took a uniqueKey a live job holds";
  } catch (const HttpError& error) {
    EXPECT_EQ(error.code(), ErrorCode::JobNotUnique);
    ASSERT_EQ(error.fields.size(), 1u);
    EXPECT_EQ(error.fields[0].second, next.id);
  }
}

TEST_F(Scheduling, EightRacingRunnersNeverRunMoreThanTheLimit) {
  std::string type = uniqueType("limited");
  std::string key = uniqueType("downstream");
  for (int i = 0; i < 12; ++i) {
    NewJob request = jobOf(type);
    request.concurrencyKey = key;
    request.concurrencyLimit = 3;
    create(request);
  }
  Job free = create(jobOf(type));
  RunnerIdentity runner = runnerFor(type);
  std::atomic<int> claimed{0};
  std::mutex lock;
  std::set<std::string> ids;
  onThreads(8, [&](int) {
    ClaimService claims;
    for (int round = 0; round < 3; ++round) {
      if (auto job = claims.claimOnce(runner, {type})) {
        ++claimed;
        std::lock_guard<std::mutex> guard(lock);
        ids.insert(job->id);
      }
    }
  });
  // A claim passes over a key another claim is counting at that moment, so the race may leave a
  // slot for later; it may never exceed the limit.
  EXPECT_LE(runningWithKey(key), 3);
  EXPECT_EQ(ids.count(free.id), 1u);
  ClaimService claims;
  while (claims.claimOnce(runner, {type})) ++claimed;
  // Three under the key, and the job without one.
  EXPECT_EQ(claimed.load(), 4);
  EXPECT_EQ(runningWithKey(key), 3);
}

TEST_F(Scheduling, EveryWayAJobStopsRunningFreesItsConcurrencySlot) {
  std::string type = uniqueType("slot");
  std::string key = uniqueType("slot-key");
  for (int i = 0; i < 8; ++i) {
    NewJob request = jobOf(type);
    request.concurrencyKey = key;  // limit 1 by default
    request.timeoutSeconds = 1;
    request.backoffSeconds = 3600;  // a retried job stays out of the way
    create(request);
  }
  RunnerIdentity runner = runnerFor(type);
  ClaimService claims;
  ClaimService shortLease(200);
  LeaseStore leases;
  auto holdSlot = [&](ClaimService& service) {
    auto job = service.claimOnce(runner, {type});
    EXPECT_TRUE(job.has_value());
    EXPECT_FALSE(claims.claimOnce(runner, {type}).has_value()) << "the key's one slot is taken";
    return job ? job->id : std::string();
  };
  std::string id = holdSlot(claims);
  leases.complete(runner, id, std::nullopt);
  id = holdSlot(claims);
  leases.fail(runner, id, RunnerFailure{"failed", false});
  id = holdSlot(claims);
  leases.fail(runner, id, retryable("retryable"));
  id = holdSlot(claims);
  jobs.cancel(workspaceId, id);
  id = holdSlot(claims);
  leases.release(runner, id, std::string("stopping"));
  id = holdSlot(shortLease);
  sleepMilliseconds(300);
  EXPECT_EQ(claims.rescueExpiredLeases(), 1);
  id = holdSlot(claims);
  sleepMilliseconds(1100);
  EXPECT_EQ(claims.endTimedOutJobs(), 1);
  EXPECT_TRUE(claims.claimOnce(runner, {type}).has_value()) << "the timeout freed the slot";
}

TEST_F(Scheduling, RetryKeepsTheFailedJobsSettings) {
  std::string type = uniqueType("keep");
  NewJob request = jobOf(type);
  request.maxAttempts = 7;
  request.backoffSeconds = 30;
  request.timeoutSeconds = 600;
  request.uniqueKey = uniqueType("keep-key");
  request.concurrencyKey = "keep";
  request.concurrencyLimit = 4;
  request.delaySeconds = 3600;
  Job job = create(request);
  jobs.cancel(workspaceId, job.id);
  Job retried = jobs.retry(workspaceId, job.id);
  EXPECT_EQ(retried.maxAttempts, 7);
  EXPECT_EQ(retried.backoffSeconds, 30);
  EXPECT_EQ(*retried.timeoutSeconds, 600);
  EXPECT_EQ(*retried.uniqueKey, *request.uniqueKey);
  EXPECT_EQ(*retried.concurrencyKey, "keep");
  EXPECT_EQ(*retried.concurrencyLimit, 4);
  // A retry runs now, not at the original schedule.
  EXPECT_LT(millisecondsUntil(retried.runAt), 1000);
}

}  // namespace rj::test
