// The workspace change log against a real MariaDB: a change commits or rolls back with its event,
// the sequencer numbers only committed rows (a transaction that commits late gets a later
// position, and no reader ever skips it), the poller hands each watcher exactly the changes past
// its cursor under concurrent writers, and retention raises the workspace's horizon.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>

#include "db/transaction.h"
#include "events/event_store.h"
#include "events/workspace_change_store.h"
#include "jobs/job_store.h"
#include "sse/workspace_poller.h"
#include "support/test_database.h"

namespace rj::test {

namespace {
using namespace std::chrono_literals;

int64_t lastPosition() {
  return readChangeLogMark(threadConnection()).lastPosition;
}

int64_t inboxRows() {
  auto rows = Query(threadConnection(), "SELECT COUNT(*) AS n FROM workspace_change_inbox").rows();
  rows->next();
  return rows->getInt64("n");
}
}  // namespace

class WorkspaceChangesTest : public DatabaseTest {
 protected:
  std::string createJob(const std::string& type = "changes.test") {
    return JobStore().create(workspaceId, makeNewJob(type, 5, "{}"), std::nullopt).job.id;
  }
  void appendProgress(const std::string& jobId) {
    Transaction transaction(connection());
    appendEvent(connection(), jobId, EventType::JobProgress, "{}");
    transaction.commit();
  }
  std::vector<WorkspaceChange> changesAfter(int64_t position, const std::string& workspace) {
    return readWorkspaceChanges(connection(), workspace, position, INT64_MAX, 10000);
  }
};

TEST_F(WorkspaceChangesTest, JobEventsAreChangesWithTheSummaryTheyLeft) {
  int64_t start = lastPosition();
  std::string job = createJob();
  {
    Transaction transaction(connection());
    appendEvent(connection(), job, EventType::StepOutput, "{}");  // a step's: not a change
    transaction.commit();
  }
  JobStore().cancel(workspaceId, job);
  EXPECT_GE(sequenceWorkspaceChanges(connection()), 3);
  auto changes = changesAfter(start, workspaceId);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].event, "job.created");
  EXPECT_EQ(changes[1].event, "job.queued");
  EXPECT_EQ(changes[2].event, "job.cancelled");
  EXPECT_EQ(changes[2].seq, 4);  // the step's event took seq 3
  EXPECT_EQ(changes[2].status, "CANCELLED");
  EXPECT_TRUE(changes[2].completedAt.has_value());
  EXPECT_EQ(changes[0].jobId, job);
  EXPECT_LT(changes[0].position, changes[1].position);
  EXPECT_LT(changes[1].position, changes[2].position);
  // Another workspace sees none of it.
  EXPECT_TRUE(changesAfter(start, createWorkspace("other")).empty());
}

TEST_F(WorkspaceChangesTest, ACreatedJobsChangesCarryItsRowAsInserted) {
  // A create writes its two changes in the statement that inserts the job, from its row: every
  // field must be the stored row's, a scheduled job's run_at too, and in the events' order.
  int64_t start = lastPosition();
  NewJob scheduled = makeNewJob("changes.scheduled", 7, "{}");
  scheduled.delaySeconds = 3600;
  scheduled.maxAttempts = 5;
  std::string later = JobStore().create(workspaceId, scheduled, std::nullopt).job.id;
  std::string now = createJob();
  EXPECT_GE(sequenceWorkspaceChanges(connection()), 4);
  auto changes = changesAfter(start, workspaceId);
  ASSERT_EQ(changes.size(), 4u);
  for (const auto& change : changes) {
    SCOPED_TRACE(change.jobId + " " + change.event);
    Job stored = JobStore().get(workspaceId, change.jobId).job;
    EXPECT_EQ(change.type, stored.type);
    EXPECT_EQ(change.status, statusName(stored.status));
    EXPECT_EQ(change.priority, stored.priority);
    EXPECT_EQ(change.progressPercent, stored.progressPercent);
    EXPECT_EQ(change.attempt, stored.attempt);
    EXPECT_EQ(change.maxAttempts, stored.maxAttempts);
    EXPECT_EQ(change.runAt, stored.runAt);
    EXPECT_EQ(change.createdAt, stored.createdAt);
    EXPECT_EQ(change.updatedAt, stored.updatedAt);
    EXPECT_EQ(change.startedAt, stored.startedAt);
    EXPECT_EQ(change.completedAt, stored.completedAt);
  }
  EXPECT_EQ(changes[0].jobId, later);
  EXPECT_EQ(changes[0].event, "job.created");
  EXPECT_EQ(changes[1].event, "job.queued");
  EXPECT_EQ(changes[1].seq, 2);
  EXPECT_EQ(changes[0].maxAttempts, 5);
  EXPECT_GT(changes[0].runAt, changes[0].createdAt);  // an hour ahead
  EXPECT_EQ(changes[2].jobId, now);
  EXPECT_EQ(changes[2].runAt, changes[2].createdAt);
}

TEST_F(WorkspaceChangesTest, TheSequencerReadsOnlyWhatItNumbersInIndexOrder) {
  // A backlog in the inbox behind numbered rows, as job creation leaves it between passes.
  for (int i = 0; i < 20; ++i) createJob();
  sequenceWorkspaceChanges(connection());
  for (int i = 0; i < 40; ++i) createJob();
  auto plan = Query(connection(), std::string("EXPLAIN ") + kUnnumberedChangesSelect)
                  .bind(int64_t{10})
                  .rows();
  ASSERT_TRUE(plan->next());
  std::string key = optionalString(*plan, "key").value_or("");
  std::string extra = optionalString(*plan, "Extra").value_or("");
  EXPECT_EQ(key, "PRIMARY");
  // A sort would read every row of the backlog before the first ten (sql/015).
  EXPECT_EQ(extra.find("filesort"), std::string::npos) << extra;
  // The numbering goes in inbox order, ten at a time, and takes the rows out of the inbox.
  std::vector<std::string> inboxOrder;
  auto inbox =
      Query(connection(), "SELECT job_id, job_seq FROM workspace_change_inbox ORDER BY id LIMIT 10")
          .rows();
  while (inbox->next()) {
    inboxOrder.push_back(inbox->getString("job_id") + "/" + inbox->getString("job_seq"));
  }
  ASSERT_EQ(inboxOrder.size(), 10u);
  int64_t before = readChangeLogMark(connection()).lastPosition;
  EXPECT_EQ(sequenceWorkspaceChanges(connection(), 10), 10);
  auto numbered = Query(connection(),
                        "SELECT job_id, job_seq, position FROM workspace_changes"
                        " WHERE position > ? ORDER BY position")
                      .bind(before)
                      .rows();
  std::vector<std::string> positionOrder;
  int64_t expected = before;
  while (numbered->next()) {
    EXPECT_EQ(numbered->getInt64("position"), ++expected);
    positionOrder.push_back(numbered->getString("job_id") + "/" + numbered->getString("job_seq"));
  }
  EXPECT_EQ(positionOrder, inboxOrder);
  EXPECT_EQ(inboxRows(), 70);
  EXPECT_EQ(sequenceWorkspaceChanges(connection()), 70);
  EXPECT_EQ(inboxRows(), 0);
  EXPECT_FALSE(readChangeLogMark(connection()).unsequenced);
}

TEST_F(WorkspaceChangesTest, RowsAnOlderHandlerLeftUnnumberedAreNumberedFirst) {
  std::string job = createJob();
  sequenceWorkspaceChanges(connection());
  int64_t start = lastPosition();
  // A handler from before sql/016, still running between the migration and its restart, inserts
  // its change into the log itself, unnumbered.
  Query(connection(),
        "INSERT INTO workspace_changes (workspace_id, job_id, job_seq, event_type, type, status,"
        " priority, progress_percent, attempt, max_attempts, run_at, created_at, updated_at)"
        " SELECT workspace_id, id, 3, 'job.progress', type, status, priority, progress_percent,"
        " attempt, max_attempts, run_at, created_at, updated_at FROM runner_jobs WHERE id = ?")
      .bind(job)
      .execute();
  std::string later = createJob();  // into the inbox, after it
  EXPECT_TRUE(readChangeLogMark(connection()).unsequenced);
  EXPECT_EQ(sequenceWorkspaceChanges(connection()), 3);
  EXPECT_FALSE(readChangeLogMark(connection()).unsequenced);
  auto changes = changesAfter(start, workspaceId);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].jobId, job);
  EXPECT_EQ(changes[0].event, "job.progress");
  EXPECT_EQ(changes[0].position, start + 1);
  EXPECT_EQ(changes[1].jobId, later);
  EXPECT_EQ(changes[2].jobId, later);
  EXPECT_EQ(changes[2].position, start + 3);
  EXPECT_EQ(lastPosition(), start + 3);
  auto unnumbered =
      Query(connection(), "SELECT COUNT(*) AS n FROM workspace_changes WHERE position IS NULL")
          .rows();
  unnumbered->next();
  EXPECT_EQ(unnumbered->getInt64("n"), 0);
}

TEST_F(WorkspaceChangesTest, AChangeRollsBackWithItsEvent) {
  std::string job = createJob();
  sequenceWorkspaceChanges(connection());
  int64_t start = lastPosition();
  {
    Transaction transaction(connection());
    appendEvent(connection(), job, EventType::JobProgress, "{}");
  }  // rolled back
  sequenceWorkspaceChanges(connection());
  EXPECT_TRUE(changesAfter(start, workspaceId).empty());
}

TEST_F(WorkspaceChangesTest, ALateCommitGetsALaterPositionAndIsNeverSkipped) {
  std::string slow = createJob();
  std::string fast = createJob();
  sequenceWorkspaceChanges(connection());
  int64_t start = lastPosition();
  // The slow writer inserts its change first (the lower id) and commits last.
  std::atomic<bool> inserted{false}, release{false};
  std::thread slowWriter([&] {
    DatabaseThread database;
    useSuiteSchema();
    Transaction transaction(threadConnection());
    appendEvent(threadConnection(), slow, EventType::JobProgress, "{}");
    inserted = true;
    while (!release) std::this_thread::sleep_for(1ms);
    transaction.commit();
  });
  while (!inserted) std::this_thread::sleep_for(1ms);
  appendProgress(fast);
  // Only the committed row is numbered; the reader is past it, and the slow one still comes.
  EXPECT_EQ(sequenceWorkspaceChanges(connection()), 1);
  auto first = changesAfter(start, workspaceId);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].jobId, fast);
  release = true;
  slowWriter.join();
  EXPECT_EQ(sequenceWorkspaceChanges(connection()), 1);
  auto second = changesAfter(first[0].position, workspaceId);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].jobId, slow);
  EXPECT_GT(second[0].position, first[0].position);
}

TEST_F(WorkspaceChangesTest, PollerHandsEveryChangeOnceInOrderUnderConcurrentWriters) {
  constexpr int kJobs = 20;
  constexpr int kWriters = 4;
  constexpr int kRounds = 10;
  std::vector<std::string> jobs;
  for (int i = 0; i < kJobs; ++i) jobs.push_back(createJob());
  sequenceWorkspaceChanges(connection());
  int64_t start = lastPosition();
  WorkspacePoller poller{PollerSettings{5ms, 20ms}};
  WorkspaceWatch all(poller, workspaceId, {}, start, -1, std::nullopt);
  WorkspaceWatch queuedOnly(poller, workspaceId, {{}, {"QUEUED"}}, start, -1, std::nullopt);
  std::vector<std::thread> writers;
  for (int writer = 0; writer < kWriters; ++writer) {
    writers.emplace_back([&, writer] {
      DatabaseThread database;
      useSuiteSchema();
      for (int round = 0; round < kRounds; ++round) {
        for (int job = writer; job < kJobs; job += kWriters) {
          Transaction transaction(threadConnection());
          appendEvent(threadConnection(), jobs[job], EventType::JobProgress, "{}");
          transaction.commit();
        }
      }
    });
  }
  for (auto& writer : writers) writer.join();
  const size_t expected = size_t(kJobs) * kRounds;
  auto drain = [&](WorkspaceWatch& watch) {
    std::vector<WorkspaceChange> got;
    auto until = std::chrono::steady_clock::now() + 10s;
    while (got.size() < expected && std::chrono::steady_clock::now() < until) {
      auto batch = watch->next(std::chrono::steady_clock::now() + 200ms);
      EXPECT_FALSE(batch.failure.has_value());
      EXPECT_FALSE(batch.resetTo.has_value());
      got.insert(got.end(), batch.changes.begin(), batch.changes.end());
    }
    return got;
  };
  auto got = drain(all);
  ASSERT_EQ(got.size(), expected);
  std::map<std::string, std::vector<int64_t>> seqs;
  for (size_t i = 0; i < got.size(); ++i) {
    if (i > 0) {
      EXPECT_GT(got[i].position, got[i - 1].position);
    }
    seqs[got[i].jobId].push_back(got[i].seq);
  }
  ASSERT_EQ(seqs.size(), size_t(kJobs));
  for (const auto& [job, list] : seqs) {
    ASSERT_EQ(list.size(), size_t(kRounds)) << job;
    for (int i = 0; i < kRounds; ++i) EXPECT_EQ(list[i], 3 + i) << job;
  }
  // Every job stayed QUEUED, so the filtered watcher got the same changes.
  EXPECT_EQ(drain(queuedOnly).size(), expected);
}

TEST_F(WorkspaceChangesTest, RetentionDeletesAnOldPrefixAndRaisesTheHorizon) {
  std::string job = createJob();
  sequenceWorkspaceChanges(connection());
  int64_t before = lastPosition();
  appendProgress(job);
  sequenceWorkspaceChanges(connection());
  int64_t after = lastPosition();
  Query(connection(),
        "UPDATE workspace_changes SET created_at = UTC_TIMESTAMP(3) - INTERVAL 2 DAY"
        " WHERE position <= ?")
      .bind(before)
      .execute();
  auto cut = Query(connection(), "SELECT UTC_TIMESTAMP(3) - INTERVAL 1 DAY AS cut").rows();
  cut->next();
  EXPECT_GE(pruneWorkspaceChanges(connection(), cut->getString("cut"), 2), 2);
  auto start = readWorkspaceLogStart(connection(), workspaceId);
  EXPECT_EQ(start.prunedThrough, before);  // this workspace's last deleted position
  EXPECT_EQ(start.lastPosition, after);
  auto rest = changesAfter(0, workspaceId);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].position, after);
}

}  // namespace rj::test
