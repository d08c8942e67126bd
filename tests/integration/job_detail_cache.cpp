// GET by id through the process's JobDetailCache against the harness's MariaDB: the kept answer
// is the full read's bytes, every change through the services shows at once, and a change by SQL
// that leaves the version alone shows within the bound.
#include "jobs/job_detail_cache.h"

#include <gtest/gtest.h>

#include <chrono>

#include "jobs/job_store.h"
#include "runners/claim_service.h"
#include "runners/lease_store.h"
#include "support/eventually.h"
#include "support/outcome.h"
#include "support/runner_test.h"
#include "util/uuid.h"

namespace rj::test {

namespace {
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
}  // namespace

class JobDetailCacheReads : public RunnerTest {
 protected:
  void SetUp() override {
    RunnerTest::SetUp();
    JobDetailCache::process().clear();
  }
  // The answer and the statements it took.
  struct Read {
    std::string answer;
    int64_t statements = 0;
  };
  Read read(const std::string& jobId) {
    Read done;
    done.statements = statementsOf([&] { done.answer = jobs.getJson(workspaceId, jobId); });
    return done;
  }
  // What a read without the cache answers now.
  std::string fullRead(const std::string& jobId) { return toJson(jobs.get(workspaceId, jobId)); }
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

TEST_F(JobDetailCacheReads, AKeptAnswerIsTheFullReadsBytesForOneStatement) {
  RunnerIdentity runner;
  Job job = runningJob(runner);
  Read cold = read(job.id);
  EXPECT_EQ(cold.statements, 1);  // the detail's read
  EXPECT_EQ(cold.answer, fullRead(job.id));
  EXPECT_NE(cold.answer.find(R"("name":"build")"), std::string::npos) << cold.answer;
  Read warm = read(job.id);
  EXPECT_EQ(warm.statements, 1);  // the version's read alone
  EXPECT_EQ(warm.answer, cold.answer);
  EXPECT_EQ(JobDetailCache::process().size(), 1u);
}

TEST_F(JobDetailCacheReads, EveryChangeThroughTheServicesShowsAtOnce) {
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

TEST_F(JobDetailCacheReads, ACancelShowsAtOnce) {
  Job job = createJob(uniqueType("cancel"));
  read(job.id);
  jobs.cancel(workspaceId, job.id);
  Read next = read(job.id);
  EXPECT_NE(next.answer.find(R"("status":"CANCELLED")"), std::string::npos) << next.answer;
  EXPECT_EQ(next.answer, fullRead(job.id));
}

TEST_F(JobDetailCacheReads, AWriteWithinTheSameMillisecondIsToldApartByItsWriteId) {
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

TEST_F(JobDetailCacheReads, AnSqlChangeThatLeavesTheVersionAloneShowsWithinTheBound) {
  Job job = createJob(uniqueType("sql"));
  read(job.id);
  auto changedAt = Clock::now();
  Query(connection(), "UPDATE runner_jobs SET priority = 9 WHERE id = ?").bind(job.id).execute();
  auto shown = timeUntilStatus(
      changedAt,
      [&]() -> long { return read(job.id).answer.find(R"("priority":9)") != std::string::npos; }, 1,
      2 * kJobDetailCacheMaxAge);
  ASSERT_TRUE(shown.has_value()) << "the change did not show within twice the bound";
  EXPECT_LE(*shown, kJobDetailCacheMaxAge + milliseconds(500));
  EXPECT_EQ(read(job.id).answer, fullRead(job.id));
}

TEST_F(JobDetailCacheReads, ADeletedJobIsNotFoundAtOnce) {
  Job job = createJob(uniqueType("deleted"));
  read(job.id);
  Query(connection(), "DELETE FROM runner_jobs WHERE id = ?").bind(job.id).execute();
  int64_t statements =
      statementsOf([&] { EXPECT_EQ(statusOf([&] { jobs.getJson(workspaceId, job.id); }), 404); });
  EXPECT_EQ(statements, 1);
  EXPECT_EQ(JobDetailCache::process().size(), 0u);
}

TEST_F(JobDetailCacheReads, AnotherWorkspaceNeverGetsAKeptAnswer) {
  Job job = createJob(uniqueType("workspace"));
  read(job.id);
  std::string other = createWorkspace("other");
  EXPECT_EQ(statusOf([&] { jobs.getJson(other, job.id); }), 404);
  EXPECT_EQ(statusOf([&] { jobs.getJson(workspaceId, newUuid()); }), 404);
  EXPECT_EQ(read(job.id).answer, fullRead(job.id));
}

}  // namespace rj::test
