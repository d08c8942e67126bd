// Batch claims (`max` > 1) against a real MariaDB: everything a single claim respects, for each
// job of the batch, and no job in two batches.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "json/json.h"
#include "operations/workspace_counters.h"
#include "runners/claim_service.h"
#include "runners/claimed_jobs.h"
#include "support/outcome.h"
#include "support/runner_test.h"

namespace rj::test {

class BatchClaims : public RunnerTest {
 protected:
  static ClaimRequest batchOf(int64_t max, std::vector<std::string> types = {}, int64_t wait = 0) {
    ClaimRequest request = typesRequest(std::move(types), wait);
    request.max = max;
    return request;
  }
  Job createLimited(const std::string& type, const std::string& key, int64_t limit) {
    NewJob request = makeNewJob(type);
    request.concurrencyKey = key;
    request.concurrencyLimit = limit;
    return jobs.create(workspaceId, request, std::nullopt).job;
  }
  int64_t count(const std::string& sql, const std::string& value) {
    auto rows = Query(connection(), sql).bind(value).rows();
    rows->next();
    return rows->getInt64("n");
  }
  int64_t runningWithKey(const std::string& key) {
    return count(
        "SELECT COUNT(*) AS n FROM runner_jobs WHERE concurrency_key = ? AND status = 'RUNNING'",
        key);
  }
  static std::vector<std::string> idsOf(const std::vector<Job>& claimed) {
    std::vector<std::string> ids;
    for (const auto& job : claimed) ids.push_back(job.id);
    return ids;
  }
};

TEST_F(BatchClaims, TakesUpToMaxInClaimOrderEachRunningWithItsOwnStart) {
  std::string type = uniqueType("batch");
  Job low = createJob(type, 1);
  Job firstHigh = createJob(type, 9);
  Job middle = createJob(type, 5);
  Job secondHigh = createJob(type, 7);
  NewJob later = makeNewJob(type);
  later.priority = 100;
  later.delaySeconds = 3600;
  jobs.create(workspaceId, later, std::nullopt);
  RunnerIdentity runner = runnerFor(type);
  ClaimService claims;

  ClaimedJobs first = claims.claimJobs(runner, batchOf(3));
  EXPECT_TRUE(first.asList);
  EXPECT_EQ(idsOf(first.jobs), (std::vector<std::string>{firstHigh.id, secondHigh.id, middle.id}));
  for (const auto& job : first.jobs) {
    EXPECT_EQ(job.status, JobStatus::Running);
    EXPECT_TRUE(job.startedAt.has_value());
    EXPECT_EQ(job.runnerId, runner.id);
    EXPECT_TRUE(job.leaseLive);
    EXPECT_EQ(eventTypes(job.id),
              (std::vector<std::string>{"job.created", "job.queued", "job.started"}));
  }
  // The job scheduled an hour ahead is not due, whatever its priority.
  EXPECT_EQ(idsOf(claims.claimJobs(runner, batchOf(3)).jobs), (std::vector<std::string>{low.id}));
  EXPECT_TRUE(claims.claimJobs(runner, batchOf(3)).jobs.empty());
}

TEST_F(BatchClaims, EachJobOfABatchCountsOneClaimAndOneWorkspaceChangeWithItsTimeout) {
  // A batch starts its jobs set-based; what a single start writes, it writes for each job.
  std::string type = uniqueType("batch.counted");
  std::vector<std::string> created;
  for (int i = 0; i < 5; ++i) {
    NewJob request = makeNewJob(type);
    if (i == 0) request.timeoutSeconds = 600;
    created.push_back(jobs.create(workspaceId, request, std::nullopt).job.id);
  }
  RunnerIdentity runner = runnerFor(type);
  ClaimService claims;
  int64_t claimsBefore = readWorkspaceCounters(connection(), workspaceId).claims;
  ClaimedJobs batch = claims.claimJobs(runner, batchOf(5));
  ASSERT_EQ(batch.jobs.size(), 5u);
  EXPECT_EQ(readWorkspaceCounters(connection(), workspaceId).claims, claimsBefore + 5);
  for (const auto& job : batch.jobs) {
    EXPECT_EQ(count("SELECT COUNT(*) AS n FROM workspace_change_inbox WHERE job_id = ?"
                    " AND event_type = 'job.started' AND status = 'RUNNING' AND job_seq = 3",
                    job.id),
              1)
        << job.id;
    EXPECT_EQ(count("SELECT COUNT(*) AS n FROM job_events WHERE job_id = ? AND seq = 3"
                    " AND type = 'job.started' AND JSON_VALUE(payload, '$.attempt') = 1",
                    job.id),
              1)
        << job.id;
  }
  EXPECT_EQ(count("SELECT COUNT(*) AS n FROM runner_jobs WHERE id = ? AND timeout_at >"
                  " UTC_TIMESTAMP(3) + INTERVAL 590 SECOND",
                  created[0]),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) AS n FROM runner_jobs WHERE id = ? AND timeout_at IS NULL",
                  created[1]),
            1);
}

TEST_F(BatchClaims, ABatchOfFiftyCostsAFewStatementsMoreThanOneJob) {
  // As the server counts them; the job.started events go in power-of-two chunks
  // (50: 32 + 16 + 2).
  std::string type = uniqueType("batch.statements");
  for (int i = 0; i < 51; ++i) createJob(type, 1);
  RunnerIdentity runner = runnerFor(type);
  ClaimService claims;
  int64_t single =
      statementsOf([&] { ASSERT_EQ(claims.claimJobs(runner, batchOf(1)).jobs.size(), 1u); });
  int64_t fifty =
      statementsOf([&] { ASSERT_EQ(claims.claimJobs(runner, batchOf(50)).jobs.size(), 50u); });
  EXPECT_EQ(fifty, single + 2) << "one job: " << single;
}

TEST_F(BatchClaims, WithoutMaxTheAnswerIsOneJobObjectAndWithMaxAList) {
  std::string type = uniqueType("shape");
  Job a = createJob(type, 2);
  Job b = createJob(type, 1);
  RunnerIdentity runner = runnerFor(type);
  ClaimService claims;
  ClaimedJobs single = claims.claimJobs(runner, {});
  ASSERT_EQ(single.jobs.size(), 1u);
  EXPECT_FALSE(single.asList);
  rapidjson::Document job;
  ASSERT_FALSE(parseJson(job, toJson(single)));
  EXPECT_EQ(std::string(job["id"].GetString()), a.id);
  EXPECT_STREQ(job["status"].GetString(), "RUNNING");

  ClaimedJobs listed = claims.claimJobs(runner, batchOf(1));
  rapidjson::Document list;
  ASSERT_FALSE(parseJson(list, toJson(listed)));
  ASSERT_TRUE(list["jobs"].IsArray());
  ASSERT_EQ(list["jobs"].Size(), 1u);
  EXPECT_EQ(std::string(list["jobs"][0]["id"].GetString()), b.id);
}

TEST_F(BatchClaims, RespectTypesAndTheRunnersWorkspace) {
  std::string wanted = uniqueType("wanted");
  std::string other = uniqueType("other");
  for (int i = 0; i < 3; ++i) createJob(other, 100);
  Job wantedJob = createJob(wanted, 1);
  ClaimService claims;
  // A runner restricted to another workspace sees none of this one's jobs.
  std::string elsewhere = createWorkspace("batch-elsewhere");
  EXPECT_TRUE(claims.claimJobs(createRunner(elsewhere, {}), batchOf(10, {other})).jobs.empty());
  // The runner's own list: only its type, though the others come first by priority.
  EXPECT_EQ(idsOf(claims.claimJobs(runnerFor(wanted), batchOf(10)).jobs),
            (std::vector<std::string>{wantedJob.id}));
  // A type the runner does not accept is 403 and takes nothing.
  EXPECT_EQ(statusOf([&] { claims.claimJobs(runnerFor(wanted), batchOf(10, {other})); }), 403);
  // An unrestricted runner naming a type.
  EXPECT_EQ(claims.claimJobs(createRunner(std::nullopt, {}), batchOf(10, {other})).jobs.size(), 3u);
}

TEST_F(BatchClaims, RespectConcurrencyLimitsWithinTheBatch) {
  std::string type = uniqueType("limited");
  std::string key = uniqueType("key");
  std::string single = uniqueType("single");
  for (int i = 0; i < 6; ++i) createLimited(type, key, 3);
  for (int i = 0; i < 3; ++i) createLimited(type, single, 1);
  Job free = createJob(type, 1);
  RunnerIdentity runner = runnerFor(type);
  ClaimService claims;
  // Three of the first key, one of the second, and the job without a key: the full keys' other
  // jobs are passed over, not waited for.
  ClaimedJobs batch = claims.claimJobs(runner, batchOf(50));
  EXPECT_EQ(batch.jobs.size(), 5u);
  EXPECT_EQ(runningWithKey(key), 3);
  EXPECT_EQ(runningWithKey(single), 1);
  std::vector<std::string> ids = idsOf(batch.jobs);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), free.id), 1);
  EXPECT_TRUE(claims.claimJobs(runner, batchOf(50)).jobs.empty());
}

TEST_F(BatchClaims, ConcurrentBatchesAreDisjointAndTakeEveryJobOnce) {
  constexpr int kJobs = 600;
  constexpr int kRunners = 8;
  std::string type = uniqueType("race");
  onThreads(4, [&](int) {
    for (int i = 0; i < kJobs / 4; ++i) createJob(type, i % 7);
  });
  RunnerIdentity runner = runnerFor(type);
  std::mutex mutex;
  std::map<std::string, int> claimedTimes;
  onThreads(kRunners, [&](int index) {
    ClaimService claims;
    // Batches of different sizes, so their rows interleave in the index.
    for (;;) {
      ClaimedJobs batch = claims.claimJobs(runner, batchOf(3 + index));
      if (batch.jobs.empty()) break;
      std::lock_guard<std::mutex> lock(mutex);
      for (const auto& job : batch.jobs) ++claimedTimes[job.id];
    }
  });
  EXPECT_EQ(claimedTimes.size(), static_cast<size_t>(kJobs));
  for (const auto& [id, times] : claimedTimes) EXPECT_EQ(times, 1) << id;
  EXPECT_EQ(count("SELECT SUM(last_event_seq = 3) AS n FROM runner_jobs WHERE type = ?"
                  " AND status = 'RUNNING'",
                  type),
            kJobs)
      << "exactly one job.started per job";
}

TEST_F(BatchClaims, RacingBatchesNeverRunMoreThanTheLimit) {
  std::string type = uniqueType("limited.race");
  std::string key = uniqueType("race-key");
  for (int i = 0; i < 20; ++i) createLimited(type, key, 3);
  RunnerIdentity runner = runnerFor(type);
  std::mutex mutex;
  std::set<std::string> ids;
  onThreads(8, [&](int) {
    ClaimService claims;
    for (int round = 0; round < 3; ++round) {
      ClaimedJobs batch = claims.claimJobs(runner, batchOf(5));
      std::lock_guard<std::mutex> lock(mutex);
      for (const auto& job : batch.jobs) EXPECT_TRUE(ids.insert(job.id).second) << job.id;
    }
  });
  EXPECT_LE(runningWithKey(key), 3);
  ClaimService claims;
  claims.claimJobs(runner, batchOf(5));
  EXPECT_EQ(runningWithKey(key), 3);
}

TEST_F(BatchClaims, LongPollAnswersAsSoonAsOneJobAppears) {
  std::string type = uniqueType("poll");
  RunnerIdentity runner = runnerFor(type);
  auto started = std::chrono::steady_clock::now();
  ClaimedJobs claimed;
  std::thread waiter([&] {
    DatabaseThread database;
    useSuiteSchema();
    claimed = ClaimService().claimJobs(runner, batchOf(5, {}, 5));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  Job job = createJob(type);
  waiter.join();
  EXPECT_EQ(idsOf(claimed.jobs), (std::vector<std::string>{job.id}));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
}

}  // namespace rj::test
