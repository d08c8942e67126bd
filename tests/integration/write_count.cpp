// GET by id and the list with the front end's write count set (db/write_count.h), against the
// harness's MariaDB: a kept answer goes out without a statement while nothing was written through
// the front end, every write of the services (in this process or another) shows at the next read,
// and an edit by SQL, which moves no count, shows within the kept answers' bound.
#include "db/write_count.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "db/transaction.h"
#include "jobs/answer_caches.h"
#include "jobs/job_store.h"
#include "runners/claim_service.h"
#include "runners/lease_store.h"
#include "support/eventually.h"
#include "support/kept_answer_reads.h"
#include "support/stack.h"

namespace rj::test {

namespace {
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

const std::string& writeCountFile() {
  static const std::string path = std::string(RJ_TEST_VAR) + "/integration-write-count";
  return path;
}
// Set before the first statement of the process, which maps the file.
const bool kWriteCountSet = setenv("RJ_WRITE_COUNT_FILE", writeCountFile().c_str(), 1) == 0;

// What another handler process does after its write: move the count through a mapping of its own.
void advanceFromAnotherProcess() {
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    WriteCount(writeCountFile()).advance();
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
}  // namespace

class WriteCountReads : public KeptAnswerReads {
 protected:
  void SetUp() override {
    ASSERT_TRUE(kWriteCountSet);
    KeptAnswerReads::SetUp();
    ASSERT_NE(frontEndWriteCount(), nullptr) << "the write count file was not mapped";
  }
  // A change made by the mariadb client: a write that no process of the front end counts.
  void editBySql(const std::string& statement) {
    int status = -1;
    commandOutput("mariadb --no-defaults -uroot --socket='" + harnessSocket() + "' '" + schema() +
                      "' -e \"" + statement + "\" 2>&1",
                  &status);
    ASSERT_EQ(status, 0) << statement;
  }
};

TEST_F(WriteCountReads, AKeptAnswerCostsNoStatementWhileNothingIsWritten) {
  Job job = createJob(uniqueType("kept"));
  Read cold = read(job.id);
  EXPECT_EQ(cold.statements, 1);  // the detail's read
  EXPECT_EQ(cold.answer, fullRead(job.id));
  for (int i = 0; i < 3; ++i) {
    Read warm = read(job.id);
    EXPECT_EQ(warm.statements, 0);
    EXPECT_EQ(warm.answer, cold.answer);
  }
  Read page = listed();
  EXPECT_EQ(page.statements, 1);
  EXPECT_EQ(listed().statements, 0);
  EXPECT_EQ(listed().answer, page.answer);
}

TEST_F(WriteCountReads, EveryChangeThroughTheServicesShowsAtOnce) {
  std::string type = uniqueType("changes");
  Job job = createJob(type);
  RunnerIdentity runner = runnerFor(type);
  read(job.id);
  listed();
  // The list shows a change at once when it records a job.* event (a heartbeat records none).
  auto expectFresh = [&](const char* change, bool listToo = true) {
    SCOPED_TRACE(change);
    Read next = read(job.id);
    EXPECT_GE(next.statements, 1);
    EXPECT_EQ(next.answer, fullRead(job.id));
    Read page = listed();
    if (listToo) {
      EXPECT_EQ(page.answer, fullList());
    }
    // Settled: once read again, no statement while nothing is written.
    read(job.id);
    listed();
    EXPECT_EQ(read(job.id).statements, 0);
    EXPECT_EQ(listed().statements, 0);
  };
  ASSERT_TRUE(ClaimService().claim(runner, {}).has_value());
  expectFresh("claimed");
  EXPECT_TRUE(shows(read(job.id).answer, R"("status":"RUNNING")"));
  LeaseStore leases;
  leases.recordEvent(runner, job.id,
                     event("job.progress", R"({"progressPercent":40,"message":"m"})"));
  expectFresh("progress");
  EXPECT_TRUE(shows(listed().answer, R"("progressPercent":40)"));
  leases.heartbeat(runner, job.id);
  expectFresh("heartbeat", false);
  leases.complete(runner, job.id, std::string(R"({"ok":true})"));
  expectFresh("completed");
  EXPECT_TRUE(shows(read(job.id).answer, R"("status":"COMPLETED")"));
  Job second = createJob(type);
  jobs.cancel(workspaceId, second.id);
  EXPECT_TRUE(shows(listed().answer, second.id));
  EXPECT_TRUE(shows(read(second.id).answer, R"("status":"CANCELLED")"));
}

TEST_F(WriteCountReads, AWriteCountedByAnotherProcessShowsAtOnce) {
  Job job = createJob(uniqueType("other-process"));
  read(job.id);
  // The write itself by SQL (not counted here), moving the job's version as the services do;
  // then the count moved by another process, as its handler does after the statement.
  editBySql(
      "UPDATE runner_jobs SET priority = 9, updated_at = updated_at + INTERVAL 1 SECOND"
      " WHERE id = '" +
      job.id + "'");
  advanceFromAnotherProcess();
  Read next = read(job.id);
  EXPECT_GE(next.statements, 1);
  EXPECT_TRUE(shows(next.answer, R"("priority":9)")) << next.answer;
  EXPECT_EQ(next.answer, fullRead(job.id));
}

TEST_F(WriteCountReads, AnSqlEditMovesNoCountAndShowsWithinTheBound) {
  Job job = createJob(uniqueType("sql"));
  read(job.id);
  auto changedAt = Clock::now();
  editBySql(
      "UPDATE runner_jobs SET priority = 9, updated_at = updated_at + INTERVAL 1 SECOND"
      " WHERE id = '" +
      job.id + "'");
  Read stale = read(job.id);
  EXPECT_EQ(stale.statements, 0);
  EXPECT_FALSE(shows(stale.answer, R"("priority":9)")) << "the edit moved no count";
  auto shown = timeUntilStatus(
      changedAt, [&]() -> long { return shows(read(job.id).answer, R"("priority":9)"); }, 1,
      2 * kAnswerCacheMaxAge);
  ASSERT_TRUE(shown.has_value()) << "the edit did not show within twice the bound";
  EXPECT_LE(*shown, kAnswerCacheMaxAge + milliseconds(500));
}

TEST_F(WriteCountReads, EveryStatementButASelectMovesTheCount) {
  Job job = createJob(uniqueType("count"));
  auto writes = [] { return frontEndWrites().value_or(0); };
  uint64_t before = writes();
  Query(connection(), "SELECT id FROM runner_jobs WHERE id = ?").bind(job.id).rows();
  EXPECT_EQ(writes(), before);
  Query(connection(), "UPDATE runner_jobs SET priority = 7 WHERE id = ?").bind(job.id).execute();
  EXPECT_EQ(writes(), before + 1);
  before = writes();
  {
    Transaction transaction(connection());
    Query(connection(), "SELECT id FROM runner_jobs WHERE id = ? FOR UPDATE").bind(job.id).rows();
    Query(connection(), "UPDATE runner_jobs SET priority = 8 WHERE id = ?").bind(job.id).execute();
    uint64_t beforeCommit = writes();
    transaction.commit();
    EXPECT_GT(writes(), beforeCommit);  // after the commit, which is what a reader must see
  }
  before = writes();
  EXPECT_ANY_THROW(
      Query(connection(), "INSERT INTO runner_jobs (id, workspace_id, type) VALUES (?, ?, 'x')")
          .bind(job.id)
          .bind(workspaceId)
          .execute());
  EXPECT_EQ(writes(), before + 1);  // a failed statement counts too
}

}  // namespace rj::test
