// GET by id and the list through the process's answer caches against the harness's MariaDB:
// a kept answer is the full read's bytes, every change through the services shows at once, and
// a change by SQL that leaves the version alone shows within the bound.
#include "jobs/answer_caches.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "db/transaction.h"
#include "jobs/job_store.h"
#include "runners/claim_service.h"
#include "runners/lease_store.h"
#include "support/eventually.h"
#include "support/kept_answer_reads.h"
#include "support/outcome.h"
#include "support/runner_test.h"
#include "util/uuid.h"

namespace rj::test {

namespace {
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
}  // namespace

class AnswerCacheReads : public KeptAnswerReads {
 protected:
  // Jobs of the workspace written by SQL, an hour old: counted, but behind every newer job.
  void addOldJobs(int count) {
    Query(connection(),
          "INSERT INTO runner_jobs (id, workspace_id, type, status, created_at, updated_at)"
          " SELECT UUID(), ?, 'old.job', 'QUEUED', UTC_TIMESTAMP(3) - INTERVAL 1 HOUR,"
          " UTC_TIMESTAMP(3) - INTERVAL 1 HOUR FROM seq_1_to_" +
              std::to_string(count))
        .bind(workspaceId)
        .execute();
  }
  // A job claimed by a runner of its own, with a step and output recorded.
  Job runningJob(RunnerIdentity& runner) {
    std::string type = uniqueType("detail");
    Job job = createJob(type);
    runner = runnerFor(type);
    EXPECT_TRUE(ClaimService().claim(runner, {}).has_value());
    LeaseStore leases;
    leases.recordEvent(runner, job.id, event("step.started", R"({"ordinal":1,"name":"build"})"));
    leases.recordEvent(runner, job.id,
                       event("step.output", R"({"ordinal":1,"stream":"stdout","lines":["a"]})"));
    return job;
  }
};

TEST_F(AnswerCacheReads, AKeptAnswerIsTheFullReadsBytesForOneStatement) {
  RunnerIdentity runner;
  Job job = runningJob(runner);
  Read cold = read(job.id);
  EXPECT_EQ(cold.statements, 1);  // the detail's read
  EXPECT_EQ(cold.answer, fullRead(job.id));
  EXPECT_NE(cold.answer.find(R"("name":"build")"), std::string::npos) << cold.answer;
  Read warm = read(job.id);
  EXPECT_EQ(warm.statements, 1);  // the version's read alone
  EXPECT_EQ(warm.answer, cold.answer);
  EXPECT_EQ(jobDetailCache().size(), 1u);
}

TEST_F(AnswerCacheReads, EveryChangeThroughTheServicesShowsAtOnce) {
  RunnerIdentity runner;
  Job job = runningJob(runner);
  LeaseStore leases;
  read(job.id);
  // Each change, then the next read: the version's read finds it moved, and the detail is read
  // again in the same request.
  auto expectFresh = [&](const char* change) {
    SCOPED_TRACE(change);
    Read next = read(job.id);
    EXPECT_EQ(next.statements, 2);
    EXPECT_EQ(next.answer, fullRead(job.id));
    // Found changed: the next read is a full one (one statement), which finds it settled; the
    // one after that reads the version alone.
    auto kept = jobDetailCache().find(jobDetailKey(workspaceId, job.id), Clock::now());
    ASSERT_TRUE(kept.has_value());
    EXPECT_TRUE(kept->changing);
    EXPECT_EQ(read(job.id).statements, 1);
    kept = jobDetailCache().find(jobDetailKey(workspaceId, job.id), Clock::now());
    ASSERT_TRUE(kept.has_value());
    EXPECT_FALSE(kept->changing);
    EXPECT_EQ(read(job.id).statements, 1);
  };
  leases.recordEvent(runner, job.id,
                     event("job.progress", R"({"progressPercent":40,"message":"m"})"));
  expectFresh("progress");
  EXPECT_NE(read(job.id).answer.find(R"("progressPercent":40)"), std::string::npos);
  leases.recordEvent(runner, job.id, event("step.completed", R"({"ordinal":1})"));
  expectFresh("step completed");
  leases.heartbeat(runner, job.id);
  expectFresh("heartbeat");
  leases.complete(runner, job.id, std::string(R"({"ok":true})"));
  expectFresh("completed");
  EXPECT_NE(read(job.id).answer.find(R"("status":"COMPLETED")"), std::string::npos);
}

TEST_F(AnswerCacheReads, ACancelShowsAtOnce) {
  Job job = createJob(uniqueType("cancel"));
  read(job.id);
  jobs.cancel(workspaceId, job.id);
  Read next = read(job.id);
  EXPECT_NE(next.answer.find(R"("status":"CANCELLED")"), std::string::npos) << next.answer;
  EXPECT_EQ(next.answer, fullRead(job.id));
}

TEST_F(AnswerCacheReads, AWriteWithinTheSameMillisecondIsToldApartByItsWriteId) {
  Job job = createJob(uniqueType("write-id"));
  read(job.id);
  // updated_at and last_event_seq as they were: only the write's own id moves.
  Query(connection(),
        "UPDATE runner_jobs SET priority = 9, last_write_id = 'another-write' WHERE id = ?")
      .bind(job.id)
      .execute();
  Read next = read(job.id);
  EXPECT_EQ(next.statements, 2);
  EXPECT_NE(next.answer.find(R"("priority":9)"), std::string::npos) << next.answer;
}

TEST_F(AnswerCacheReads, AnSqlChangeThatLeavesTheVersionAloneShowsWithinTheBound) {
  Job job = createJob(uniqueType("sql"));
  read(job.id);
  auto changedAt = Clock::now();
  Query(connection(), "UPDATE runner_jobs SET priority = 9 WHERE id = ?").bind(job.id).execute();
  auto shown = timeUntilStatus(
      changedAt,
      [&]() -> long { return read(job.id).answer.find(R"("priority":9)") != std::string::npos; }, 1,
      2 * kAnswerCacheMaxAge);
  ASSERT_TRUE(shown.has_value()) << "the change did not show within twice the bound";
  EXPECT_LE(*shown, kAnswerCacheMaxAge + milliseconds(500));
  EXPECT_EQ(read(job.id).answer, fullRead(job.id));
}

TEST_F(AnswerCacheReads, ADeletedJobIsNotFoundAtOnce) {
  Job job = createJob(uniqueType("deleted"));
  read(job.id);
  Query(connection(), "DELETE FROM runner_jobs WHERE id = ?").bind(job.id).execute();
  int64_t statements =
      statementsOf([&] { EXPECT_EQ(statusOf([&] { jobs.getJson(workspaceId, job.id); }), 404); });
  EXPECT_EQ(statements, 1);
  EXPECT_EQ(jobDetailCache().size(), 0u);
}

TEST_F(AnswerCacheReads, AnotherWorkspaceNeverGetsAKeptAnswer) {
  Job job = createJob(uniqueType("workspace"));
  read(job.id);
  std::string other = createWorkspace("other");
  EXPECT_EQ(statusOf([&] { jobs.getJson(other, job.id); }), 404);
  EXPECT_EQ(statusOf([&] { jobs.getJson(workspaceId, newUuid()); }), 404);
  EXPECT_EQ(read(job.id).answer, fullRead(job.id));
}

// Readers on four threads share the process's caches while a runner changes the job: each
// answer is one the job had (its progress only grows), and once the writes stop every thread
// reads the last one (this suite also runs under ThreadSanitizer).
TEST_F(AnswerCacheReads, ThreadsShareTheCachesWhileTheJobChanges) {
  RunnerIdentity runner;
  Job job = runningJob(runner);
  std::atomic<bool> writing{true};
  std::atomic<int> failures{0};
  std::thread writer([&] {
    DatabaseThread database;
    useSuiteSchema();
    LeaseStore leases;
    for (int percent = 1; percent <= 30; ++percent) {
      leases.recordEvent(
          runner, job.id,
          event("job.progress", R"({"progressPercent":)" + std::to_string(percent) + "}"));
    }
    writing = false;
  });
  onThreads(4, [&](int) {
    JobStore store;
    while (writing) {
      std::string detail = store.getJson(workspaceId, job.id);
      std::string page = store.listJson(workspaceId, {});
      if (!shows(detail, job.id) || !shows(page, job.id)) ++failures;
    }
  });
  writer.join();
  EXPECT_EQ(failures.load(), 0);
  std::string last = fullRead(job.id);
  EXPECT_TRUE(shows(last, R"("progressPercent":30)")) << last;
  onThreads(4, [&](int) {
    JobStore store;
    if (store.getJson(workspaceId, job.id) != last) ++failures;
    if (store.listJson(workspaceId, {}) != toJson(JobStore().list(workspaceId, {}))) ++failures;
  });
  EXPECT_EQ(failures.load(), 0);
}

// The list.

TEST_F(AnswerCacheReads, AKeptPageIsTheFullReadsBytesForOneStatement) {
  createJob(uniqueType("page"));
  Read cold = listed();
  EXPECT_EQ(cold.statements, 1);  // the page with the change log's version
  EXPECT_EQ(cold.answer, fullList());
  Read warm = listed();
  EXPECT_EQ(warm.statements, 1);  // the version alone
  EXPECT_EQ(warm.answer, cold.answer);
  EXPECT_EQ(jobPageCache().size(), 1u);
}

TEST_F(AnswerCacheReads, EveryChangeWithAnEventShowsInTheListAtOnce) {
  Job first = createJob(uniqueType("page"));
  listed();
  Job second = createJob(uniqueType("page"));
  Read created = listed();
  EXPECT_EQ(created.statements, 2);
  EXPECT_TRUE(shows(created.answer, second.id)) << created.answer;
  EXPECT_EQ(created.answer, fullList());
  EXPECT_EQ(listed().statements, 1);  // found changed: a full read
  EXPECT_EQ(listed().statements, 1);  // settled: the version alone

  JobListQuery queued;
  queued.statuses = {JobStatus::Queued};
  EXPECT_TRUE(shows(listed(queued).answer, first.id));
  jobs.cancel(workspaceId, first.id);
  Read afterCancel = listed(queued);
  EXPECT_FALSE(shows(afterCancel.answer, first.id)) << afterCancel.answer;
  EXPECT_EQ(afterCancel.answer, fullList(queued));
  EXPECT_TRUE(shows(listed().answer, R"("status":"CANCELLED")"));

  RunnerIdentity runner = runnerFor(second.type);
  ASSERT_TRUE(ClaimService().claim(runner, {}).has_value());
  EXPECT_TRUE(shows(listed().answer, R"("status":"RUNNING")"));
  LeaseStore().recordEvent(runner, second.id,
                           event("job.progress", R"({"progressPercent":40,"message":"m"})"));
  Read progressed = listed();
  EXPECT_TRUE(shows(progressed.answer, R"("progressPercent":40)")) << progressed.answer;
}

// A change that commits after a later one was read still shows: it adds a row to the change
// log's inbox, whatever its id.
TEST_F(AnswerCacheReads, AChangeThatCommitsLateStillShowsAtOnce) {
  createJob(uniqueType("page"));
  std::string lateId = newUuid();
  std::promise<void> inserted, read;
  std::thread late([&] {
    DatabaseThread database;
    useSuiteSchema();
    Transaction transaction(connection());
    Query(connection(),
          "INSERT INTO runner_jobs (id, workspace_id, type, status) VALUES (?, ?, 'late.commit',"
          " 'QUEUED')")
        .bind(lateId)
        .bind(workspaceId)
        .execute();
    // Its change row takes an id now, before the create below takes a higher one.
    Query(connection(),
          "INSERT INTO workspace_change_inbox (workspace_id, job_id, job_seq, event_type, type,"
          " status, priority, progress_percent, attempt, max_attempts, run_at, created_at,"
          " updated_at)"
          " SELECT workspace_id, id, 1, 'job.created', type, status, priority, progress_percent,"
          " attempt, max_attempts, run_at, created_at, updated_at FROM runner_jobs WHERE id = ?")
        .bind(lateId)
        .execute();
    inserted.set_value();
    read.get_future().wait();
    transaction.commit();
  });
  inserted.get_future().wait();
  Job later = createJob(uniqueType("page"));
  Read before = listed();
  EXPECT_TRUE(shows(before.answer, later.id));
  EXPECT_FALSE(shows(before.answer, lateId));
  read.set_value();
  late.join();
  Read after = listed();
  EXPECT_TRUE(shows(after.answer, lateId)) << after.answer;
  EXPECT_EQ(after.answer, fullList());
}

TEST_F(AnswerCacheReads, AnSqlChangeWithoutAnEventShowsInTheListWithinTheBound) {
  Job job = createJob(uniqueType("page"));
  listed();
  auto changedAt = Clock::now();
  Query(connection(), "UPDATE runner_jobs SET priority = 9 WHERE id = ?").bind(job.id).execute();
  auto shown = timeUntilStatus(
      changedAt, [&]() -> long { return shows(listed().answer, R"("priority":9)"); }, 1,
      2 * kAnswerCacheMaxAge);
  ASSERT_TRUE(shown.has_value()) << "the change did not show within twice the bound";
  EXPECT_LE(*shown, kAnswerCacheMaxAge + milliseconds(500));
  EXPECT_EQ(listed().answer, fullList());
}

TEST_F(AnswerCacheReads, EachQueryAndWorkspaceHasItsOwnPage) {
  Job queuedJob = createJob(uniqueType("page"));
  Job cancelledJob = createJob(uniqueType("page"));
  jobs.cancel(workspaceId, cancelledJob.id);
  JobListQuery queued, cancelled, secondPage;
  queued.statuses = {JobStatus::Queued};
  cancelled.statuses = {JobStatus::Cancelled};
  secondPage.limit = 1;
  secondPage.page = 2;
  for (int round = 0; round < 2; ++round) {  // cold, then from the cache
    EXPECT_EQ(listed(queued).answer, fullList(queued));
    EXPECT_EQ(listed(cancelled).answer, fullList(cancelled));
    EXPECT_EQ(listed(secondPage).answer, fullList(secondPage));
  }
  EXPECT_FALSE(shows(listed(queued).answer, cancelledJob.id));
  EXPECT_FALSE(shows(listed(cancelled).answer, queuedJob.id));
  std::string other = createWorkspace("other");
  std::string otherPage = jobs.listJson(other, {});
  EXPECT_FALSE(shows(otherPage, queuedJob.id)) << otherPage;
  EXPECT_TRUE(shows(otherPage, R"("total":0)")) << otherPage;
}

TEST_F(AnswerCacheReads, AnEmptyPageIsNotKept) {
  JobListQuery past;
  past.page = 50;
  EXPECT_TRUE(shows(listed().answer, R"("total":0)"));
  createJob(uniqueType("page"));
  EXPECT_TRUE(shows(listed(past).answer, R"("total":1)"));
  EXPECT_EQ(jobPageCache().size(), 0u);  // neither page had a row to carry the version
}

// Large totals.

TEST_F(AnswerCacheReads, ALargeTotalLagsTheJobsItCountsWithinTheBound) {
  addOldJobs(static_cast<int>(kListTotalKeptFrom));
  JobListQuery query;
  query.limit = 10;
  const std::string counted = R"("total":)" + std::to_string(kListTotalKeptFrom);
  const std::string recounted = R"("total":)" + std::to_string(kListTotalKeptFrom + 1);
  EXPECT_TRUE(shows(listed(query).answer, counted));
  auto createdAt = Clock::now();
  Job created = createJob(uniqueType("page"));
  // The page shows the new job at once, whatever its total says.
  Read page = listed(query);
  EXPECT_TRUE(shows(page.answer, created.id)) << page.answer;
  EXPECT_TRUE(shows(page.answer, counted) || shows(page.answer, recounted)) << page.answer;
  auto shown = timeUntilStatus(
      createdAt, [&]() -> long { return shows(listed(query).answer, recounted); }, 1,
      2 * kListTotalMaxAge);
  ASSERT_TRUE(shown.has_value()) << "the total did not count the new job within twice the bound";
  EXPECT_LE(*shown, kListTotalMaxAge + milliseconds(500));
}

TEST_F(AnswerCacheReads, AnExpiredLargeTotalIsCountedAgainBesideTheRequest) {
  addOldJobs(static_cast<int>(kListTotalKeptFrom));
  JobListQuery query;
  query.limit = 10;
  const std::string key = jobFilterKey(workspaceId, query);
  // Kept, past its freshness, within its maximum age.
  listTotals().counted(key, 5000, Clock::now() - (kListTotalFreshFor + kListTotalMaxAge) / 2);
  EXPECT_EQ(jobs.list(workspaceId, query).total, 5000);  // answered at once with the kept one
  auto recounted = timeUntilStatus(
      Clock::now(),
      [&]() -> long {
        auto kept = listTotals().kept(key, Clock::now());
        return kept && kept->total == kListTotalKeptFrom;
      },
      1, 5 * kListTotalMaxAge);
  EXPECT_TRUE(recounted.has_value()) << "the counting thread did not count it again";
  EXPECT_EQ(jobs.list(workspaceId, query).total, kListTotalKeptFrom);
}

TEST_F(AnswerCacheReads, ASmallTotalIsCountedEveryRead) {
  addOldJobs(static_cast<int>(kListTotalKeptFrom) - 2);
  JobListQuery query;
  query.limit = 10;
  EXPECT_EQ(jobs.list(workspaceId, query).total, kListTotalKeptFrom - 2);
  createJob(uniqueType("page"));
  EXPECT_EQ(jobs.list(workspaceId, query).total, kListTotalKeptFrom - 1);
  EXPECT_EQ(listTotals().size(), 0u);
  createJob(uniqueType("page"));
  EXPECT_EQ(jobs.list(workspaceId, query).total, kListTotalKeptFrom);  // now large: kept
  EXPECT_EQ(listTotals().size(), 1u);
}

TEST_F(AnswerCacheReads, AKeptTotalNeverContradictsThePage) {
  for (int i = 0; i < 12; ++i) createJob(uniqueType("page"));
  JobListQuery query;
  query.limit = 5;
  // A large total kept for this query, counted ahead of now so that it stays fresh however slow
  // this run is.
  listTotals().counted(jobFilterKey(workspaceId, query), 5000,
                       Clock::now() + std::chrono::hours(1));
  EXPECT_EQ(jobs.list(workspaceId, query).total, 5000);  // a full page: the kept total
  JobListQuery past = query;
  past.page = 4;                                      // from the 16th job on: past the end
  EXPECT_EQ(jobs.list(workspaceId, past).total, 15);  // at most the jobs before it
  JobListQuery last = query;
  last.page = 3;  // the 11th and 12th jobs: a short page tells the total exactly
  EXPECT_EQ(jobs.list(workspaceId, last).total, 12);
  EXPECT_EQ(jobs.list(workspaceId, query).total, 12);  // and the kept one is gone
  EXPECT_EQ(listTotals().size(), 0u);
  // Another query of the workspace keeps its own.
  JobListQuery queued = query;
  queued.statuses = {JobStatus::Queued};
  EXPECT_EQ(jobs.list(workspaceId, queued).total, 12);
}

}  // namespace rj::test
