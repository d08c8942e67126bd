// The read-back after a COMMIT on a cluster node (events/event_confirmation.h): a write whose
// events the cluster does not hold after an acknowledged COMMIT runs again, once; a kept one
// runs once.
#include <gtest/gtest.h>

#include "db/retry.h"
#include "db/transaction.h"
#include "events/event_confirmation.h"
#include "events/event_store.h"
#include "support/cluster.h"

namespace rj::test {

namespace {

// Appends one step.output event to `jobId` inside withRetry, as the services do; `dropFirst`
// deletes the first attempt's event right after its COMMIT, which is what the cluster sometimes
// does to an acknowledged commit. Returns the seq answered and counts the attempts.
int64_t appendConfirmed(const std::string& jobId, bool dropFirst, int& attempts) {
  attempts = 0;
  return withRetry([&](Connection& connection) {
    ++attempts;
    Transaction transaction(connection);
    int64_t seq = appendEvent(connection, jobId, EventType::StepOutput,
                              R"({"attempt":)" + std::to_string(attempts) + "}");
    transaction.commit();
    if (dropFirst && attempts == 1) {
      Query(connection, "DELETE FROM job_events WHERE job_id = ? AND seq = ?")
          .bind(jobId)
          .bind(seq)
          .execute();
    }
    confirmEventsKept(connection);
    return seq;
  });
}

}  // namespace

TEST(CommitConfirmation, AWriteWhoseEventTheClusterDroppedRunsAgain) {
  std::string id = createJobs(uniqueName("cluster.confirm"), 1, 1).at(0);
  ASSERT_TRUE(threadConnection().clusterNode()) << "not a cluster: " << stack().var;
  int attempts = 0;
  int64_t seq = appendConfirmed(id, true, attempts);
  EXPECT_EQ(attempts, 2);
  auto stored = storedEvents(id);
  ASSERT_FALSE(stored.empty());
  EXPECT_EQ(stored.back().seq, seq);
  EXPECT_EQ(stored.back().payload, R"({"attempt":2})");
  EXPECT_EQ(seq, 4);  // created, queued, the dropped 3, then 4
}

TEST(CommitConfirmation, AKeptWriteRunsOnce) {
  std::string id = createJobs(uniqueName("cluster.confirm"), 1, 1).at(0);
  int attempts = 0;
  int64_t seq = appendConfirmed(id, false, attempts);
  EXPECT_EQ(attempts, 1);
  auto stored = storedEvents(id);
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(stored.back().seq, seq);
  EXPECT_EQ(stored.back().payload, R"({"attempt":1})");
}

}  // namespace rj::test
