// Races across the nodes of a 3-node Galera cluster, where row locks do not span nodes: claims
// from runners on both front ends take every job exactly once, and events appended to one job
// through both front ends reach a reconnecting stream reader exactly once, in order.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "support/cluster.h"
#include "support/resuming_reader.h"

namespace rj::test {

namespace {
using namespace std::chrono_literals;
}  // namespace

TEST(ClusterRace, EightRunnersOnTwoFrontEndsClaimTwoThousandJobsEachOnce) {
  ASSERT_EQ(stack().frontEnds().size(), 2u) << "not a cluster: " << stack().var;
  const std::string type = uniqueName("cluster.race");
  constexpr int kJobs = 2000;
  auto started = std::chrono::steady_clock::now();
  auto created = createJobs(type, kJobs, 8);
  ASSERT_EQ(created.size(), size_t(kJobs));
  auto createdIn = std::chrono::steady_clock::now() - started;
  started = std::chrono::steady_clock::now();
  auto race = runClaimRace(type, kJobs, 4, 300s);
  auto racedIn = std::chrono::steady_clock::now() - started;
  std::printf("created %d jobs in %.1f s; 8 runners claimed and completed them in %.1f s\n", kJobs,
              std::chrono::duration<double>(createdIn).count(),
              std::chrono::duration<double>(racedIn).count());
  EXPECT_EQ(race.completed, kJobs);
  EXPECT_EQ(race.leaseLost, 0);
  std::multiset<std::string> claimed;
  for (size_t runner = 0; runner < race.claimedBy.size(); ++runner) {
    EXPECT_FALSE(race.claimedBy[runner].empty()) << "runner " << runner << " claimed nothing";
    claimed.insert(race.claimedBy[runner].begin(), race.claimedBy[runner].end());
  }
  EXPECT_EQ(claimed.size(), size_t(kJobs));
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()),
            std::set<std::string>(created.begin(), created.end()));
  JobCounts counts = countJobs(type);
  EXPECT_EQ(counts.jobs, kJobs);
  EXPECT_EQ(counts.completed, kJobs) << ::testing::PrintToString(counts.unfinished);
  EXPECT_EQ(counts.startedTwice, 0);
  EXPECT_EQ(counts.leaseExpiries, 0);
}

TEST(ClusterRace, FourWritersOnBothFrontEndsAndAReconnectingReaderLoseNothing) {
  const auto frontEnds = stack().frontEnds();
  ASSERT_EQ(frontEnds.size(), 2u);
  const std::string type = uniqueName("cluster.events");
  std::string runner = stack().createRunner(type);
  std::string id = createJobs(type, 1, 1).at(0);
  auto claim = runnerCall(frontEnds[0], runner, "/api/runner/claim", R"({"waitSeconds":2})");
  ASSERT_EQ(claim.status, 200) << claim.body;
  ASSERT_EQ(std::string(claim.json()["id"].GetString()), id);
  constexpr int kWriters = 4;
  constexpr int kPerWriter = 125;
  std::thread writers([&] {
    LeaseKeeper lease(frontEnds[0], runner, id);
    std::vector<std::thread> threads;
    for (int writer = 0; writer < kWriters; ++writer) {
      threads.emplace_back([&, writer] {
        for (int n = 0; n < kPerWriter;) {
          auto appended =
              runnerCall(frontEnds[writer % 2], runner, "/api/runner/jobs/" + id + "/events",
                         R"({"type":"step.output","payload":{"writer":)" + std::to_string(writer) +
                             R"(,"n":)" + std::to_string(n) + "}}");
          if (appended.status >= 500 || appended.status == 0) continue;  // sent again
          ASSERT_EQ(appended.status, 201) << appended.body;
          ++n;
        }
      });
    }
    for (auto& thread : threads) thread.join();
    auto done = runnerCall(frontEnds[1], runner, "/api/runner/jobs/" + id + "/complete");
    EXPECT_EQ(done.status, 200) << done.body;
  });
  ResumingReader reader;
  int connection = 0;
  // Each connection goes to the other front end, so the cursor crosses nodes at every resume.
  reader.run(
      [&] { return frontEnds[connection++ % 2] + "/api/runner-jobs/" + id + "/events/stream"; },
      {"Authorization: Bearer " + stack().tokenMember, "X-Workspace-Id: " + stack().workspace}, 90,
      5, 180s);
  writers.join();
  ASSERT_TRUE(reader.completedWith.has_value()) << "the stream never completed";
  EXPECT_EQ(*reader.completedWith, R"({"status":"COMPLETED"})");
  EXPECT_GE(reader.connections, 6);
  auto seqs = sequenceNumbers(reader.events);
  // created, queued, started, the 500 appended, completed.
  const int64_t total = 3 + kWriters * kPerWriter + 1;
  ASSERT_EQ(seqs.size(), size_t(total));
  for (int64_t i = 0; i < total; ++i) ASSERT_EQ(seqs[i], i + 1) << "at position " << i;
  std::set<std::string> written;
  for (const auto& event : reader.events) {
    if (event.type != "step.output") continue;
    size_t at = event.data.find("\"writer\":");
    written.insert(event.data.substr(at, event.data.find('}', at) - at));
  }
  EXPECT_EQ(written.size(), size_t(kWriters * kPerWriter));
}

}  // namespace rj::test
