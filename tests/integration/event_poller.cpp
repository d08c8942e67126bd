// The per-process event poller against a real MariaDB: each watcher gets exactly the events past
// its own cursor, completion comes only after the last event, and a vanished job fails its
// watchers for good.
#include "sse/event_poller.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <thread>

#include "db/transaction.h"
#include "events/event_store.h"
#include "jobs/job_store.h"
#include "support/test_database.h"
#include "util/crypto.h"

namespace rj::test {

namespace {
using namespace std::chrono_literals;

// Collects batches until `done` says so or two seconds pass.
std::vector<StreamBatch> collect(EventWatch& watch,
                                 const std::function<bool(const StreamBatch&)>& done) {
  std::vector<StreamBatch> batches;
  auto until = std::chrono::steady_clock::now() + 2s;
  while (std::chrono::steady_clock::now() < until) {
    StreamBatch batch = watch->next(until);
    batches.push_back(batch);
    if (done(batch)) break;
  }
  return batches;
}

std::vector<int64_t> seqsOf(const std::vector<StreamBatch>& batches) {
  std::vector<int64_t> seqs;
  for (const auto& batch : batches) {
    for (const auto& event : batch.events) seqs.push_back(event.seq);
  }
  return seqs;
}
}  // namespace

class EventPollerTest : public DatabaseTest {
 protected:
  std::string createJob() {
    return JobStore().create(workspaceId, makeNewJob("poller.test", 5, "{}"), std::nullopt).job.id;
  }
  void append(const std::string& jobId, int count) {
    for (int i = 0; i < count; ++i) {
      Transaction transaction(connection());
      appendEvent(connection(), jobId, EventType::StepOutput, R"({"n":1})");
      transaction.commit();
    }
  }
  EventPoller poller{PollerSettings{5ms, 20ms}};
};

TEST_F(EventPollerTest, EachWatcherGetsTheEventsPastItsOwnCursor) {
  std::string job = createJob();  // seq 1 and 2
  std::string other = createJob();
  EventWatch fromStart(poller, job, 0, -1);
  EventWatch fromTwo(poller, job, 2, -1);
  EventWatch elsewhere(poller, other, 2, -1);
  append(job, 3);  // seq 3..5
  auto all = collect(fromStart, [](const StreamBatch&) { return false; });
  auto later = collect(fromTwo, [](const StreamBatch&) { return false; });
  EXPECT_EQ(seqsOf(all), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(seqsOf(later), (std::vector<int64_t>{3, 4, 5}));
  // The last batch of each timed out: nothing more came, and the job is not terminal.
  EXPECT_TRUE(all.back().timedOut);
  auto quiet = elsewhere->next(std::chrono::steady_clock::now() + 200ms);
  EXPECT_TRUE(quiet.timedOut);
  EXPECT_TRUE(quiet.events.empty());
}

TEST_F(EventPollerTest, CompletionComesWithTheTerminalEvent) {
  std::string job = createJob();
  EventWatch watch(poller, job, 2, -1);
  JobStore().cancel(workspaceId, job);  // seq 3, terminal
  auto batches =
      collect(watch, [](const StreamBatch& batch) { return batch.completedStatus.has_value(); });
  ASSERT_TRUE(batches.back().completedStatus.has_value());
  EXPECT_EQ(*batches.back().completedStatus, JobStatus::Cancelled);
  EXPECT_EQ(seqsOf(batches), (std::vector<int64_t>{3}));
}

TEST_F(EventPollerTest, AVanishedJobFailsItsWatchersForGood) {
  std::string job = createJob();
  EventWatch watch(poller, job, 2, -1);
  Query(connection(), "DELETE FROM runner_jobs WHERE id = ?").bind(job).execute();
  auto batches = collect(watch, [](const StreamBatch& batch) { return batch.failure.has_value(); });
  ASSERT_TRUE(batches.back().failure.has_value());
  EXPECT_FALSE(batches.back().failure->retryable);
}

TEST_F(EventPollerTest, AHungUpConnectionIsNoticedWithoutAWrite) {
  std::string job = createJob();
  int sockets[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sockets), 0);
  EventWatch watch(poller, job, 2, sockets[0]);
  close(sockets[1]);  // the web server's end goes away
  auto batches = collect(watch, [](const StreamBatch& batch) { return batch.clientGone; });
  EXPECT_TRUE(batches.back().clientGone);
  close(sockets[0]);
}

TEST_F(EventPollerTest, AStreamOutlivingItsTokenOrMembershipEndsForGood) {
  EventPoller checking{PollerSettings{5ms, 20ms, 100ms}};
  std::string job = createJob();
  SeededUser revoked = createMember(workspaceId, Role::Guest);
  SeededUser leaving = createMember(workspaceId, Role::Guest);
  EventWatch kept(checking, job, 2, -1, StreamCredential{sha256Hex(member.token), workspaceId});
  EventWatch ofRevoked(checking, job, 2, -1,
                       StreamCredential{sha256Hex(revoked.token), workspaceId});
  EventWatch ofLeaving(checking, job, 2, -1,
                       StreamCredential{sha256Hex(leaving.token), workspaceId});
  Query(connection(), "UPDATE api_tokens SET revoked_at = UTC_TIMESTAMP(3) WHERE token_hash = ?")
      .bind(sha256Hex(revoked.token))
      .execute();
  Query(connection(), "DELETE FROM workspace_members WHERE user_id = ? AND workspace_id = ?")
      .bind(leaving.userId)
      .bind(workspaceId)
      .execute();
  for (EventWatch* ended : {&ofRevoked, &ofLeaving}) {
    auto batches =
        collect(*ended, [](const StreamBatch& batch) { return batch.failure.has_value(); });
    ASSERT_TRUE(batches.back().failure.has_value());
    EXPECT_FALSE(batches.back().failure->retryable);
  }
  // The member with a live token goes on getting events.
  append(job, 1);
  auto batches = collect(kept, [](const StreamBatch& batch) { return !batch.events.empty(); });
  EXPECT_EQ(seqsOf(batches), (std::vector<int64_t>{3}));
  EXPECT_FALSE(batches.back().failure.has_value());
}

// Past readAllUpTo watched jobs a tick reads the jobs written lately, the newly watched ones and a
// slice of the rest.
class ManyJobsPollerTest : public EventPollerTest {
 protected:
  // Starts the test's poller, which reads every job at least once every `sweepTicks` ticks.
  EventPoller& startPoller(int sweepTicks) {
    PollerSettings settings{5ms, 20ms};
    settings.readAllUpTo = 0;  // every count of jobs is "many"
    settings.sweepTicks = sweepTicks;
    slicedPoller = std::make_unique<EventPoller>(settings);
    return *slicedPoller;
  }
  // Appends one event whose write looks older than the recent read's window: a COMMIT that came
  // long after its statements.
  void appendLateCommit(const std::string& jobId) {
    Transaction transaction(connection());
    appendEvent(connection(), jobId, EventType::StepOutput, R"({"late":true})");
    Query(connection(),
          "UPDATE runner_jobs SET updated_at = updated_at - INTERVAL 10 SECOND WHERE id = ?")
        .bind(jobId)
        .execute();
    transaction.commit();
  }
  // Creates `count` jobs, each watched from seq 2 on.
  void watchNewJobs(EventPoller& poller, int count) {
    for (int i = 0; i < count; ++i) {
      jobs.push_back(createJob());
      watches.push_back(std::make_unique<EventWatch>(poller, jobs.back(), 2, -1));
    }
  }
  std::unique_ptr<EventPoller> slicedPoller;  // first: it outlives the watches
  std::vector<std::string> jobs;
  std::vector<std::unique_ptr<EventWatch>> watches;
};

TEST_F(ManyJobsPollerTest, ARecentWriteArrivesBeforeTheSweepComesRound) {
  // One job a tick in the sweep: going round 400 jobs takes 400 ticks (8 s and more).
  EventPoller& poller = startPoller(1000);
  watchNewJobs(poller, 400);
  std::this_thread::sleep_for(100ms);  // the new jobs' first reads are done
  auto started = std::chrono::steady_clock::now();
  append(jobs[150], 1);
  auto batches =
      collect(*watches[150], [](const StreamBatch& batch) { return !batch.events.empty(); });
  EXPECT_EQ(seqsOf(batches), (std::vector<int64_t>{3}));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
}

TEST_F(ManyJobsPollerTest, AWriteCommittedTooLateForTheRecentReadComesWithTheSweep) {
  EventPoller& poller = startPoller(4);
  watchNewJobs(poller, 8);
  std::this_thread::sleep_for(100ms);
  appendLateCommit(jobs[5]);
  auto batches =
      collect(*watches[5], [](const StreamBatch& batch) { return !batch.events.empty(); });
  EXPECT_EQ(seqsOf(batches), (std::vector<int64_t>{3}));
}

TEST_F(ManyJobsPollerTest, ANewWatcherGetsWhatWasWrittenBeforeItCame) {
  EventPoller& poller = startPoller(1000);
  watchNewJobs(poller, 400);
  std::string job = createJob();
  appendLateCommit(job);  // seq 3, not among the recent writes
  auto started = std::chrono::steady_clock::now();
  EventWatch late(poller, job, 2, -1);
  auto batches = collect(late, [](const StreamBatch& batch) { return !batch.events.empty(); });
  EXPECT_EQ(seqsOf(batches), (std::vector<int64_t>{3}));
  // On the first tick after it came, not when the sweep comes round to it.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
}

TEST_F(ManyJobsPollerTest, AVanishedJobIsFoundByTheSweep) {
  EventPoller& poller = startPoller(4);
  watchNewJobs(poller, 8);
  std::this_thread::sleep_for(100ms);
  Query(connection(), "DELETE FROM runner_jobs WHERE id = ?").bind(jobs[3]).execute();
  auto batches =
      collect(*watches[3], [](const StreamBatch& batch) { return batch.failure.has_value(); });
  ASSERT_TRUE(batches.back().failure.has_value());
  EXPECT_FALSE(batches.back().failure->retryable);
}

}  // namespace rj::test
