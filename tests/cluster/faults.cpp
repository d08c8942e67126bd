// A database node killed (kill -9) in the middle of the races: front end 2's preferred node goes
// away while 8 runners claim 2,000 jobs and 4 writers append to one job under a reconnecting
// reader. No job is claimed twice, every job ends, no event is lost or repeated, the stream
// resumes by Last-Event-ID, front end 2 answers again within seconds (from its next node), and
// the killed node rejoins.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "support/cluster.h"
#include "support/resuming_reader.h"

namespace rj::test {

namespace {
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
}  // namespace

TEST(ClusterFault, NodeKilledMidRaceLosesAndRepeatsNothing) {
  const auto frontEnds = stack().frontEnds();
  ASSERT_EQ(frontEnds.size(), 2u) << "not a cluster: " << stack().var;
  ASSERT_EQ(clusterSize(), 3);
  const std::string type = uniqueName("cluster.fault");
  constexpr int kJobs = 2000;
  auto created = createJobs(type, kJobs, 8);
  ASSERT_EQ(created.size(), size_t(kJobs));

  // The event race: a job claimed through front end 1, 4 writers on both front ends.
  const std::string eventsType = uniqueName("cluster.fault-events");
  std::string eventRunner = stack().createRunner(eventsType);
  std::string eventJob = createJobs(eventsType, 1, 1).at(0);
  auto claim = runnerCall(frontEnds[0], eventRunner, "/api/runner/claim", R"({"waitSeconds":2})");
  ASSERT_EQ(claim.status, 200) << claim.body;
  constexpr int kWriters = 4;
  constexpr int kPerWriter = 125;
  std::thread writers([&] {
    std::vector<std::thread> threads;
    for (int writer = 0; writer < kWriters; ++writer) {
      threads.emplace_back([&, writer] {
        for (int n = 0; n < kPerWriter;) {
          auto appended = runnerCall(
              frontEnds[writer % 2], eventRunner, "/api/runner/jobs/" + eventJob + "/events",
              R"({"type":"step.output","payload":{"writer":)" + std::to_string(writer) +
                  R"(,"n":)" + std::to_string(n) + "}}");
          if (appended.status >= 500 || appended.status == 0) {
            std::this_thread::sleep_for(100ms);
            continue;
          }
          ASSERT_EQ(appended.status, 201) << appended.body;
          ++n;
          // Spread over the claim race, so that the kill falls in the middle of both.
          std::this_thread::sleep_for(40ms);
        }
      });
    }
    for (auto& thread : threads) thread.join();
    for (;;) {
      auto done =
          runnerCall(frontEnds[1], eventRunner, "/api/runner/jobs/" + eventJob + "/complete");
      if (done.status >= 500 || done.status == 0) continue;
      EXPECT_EQ(done.status, 200) << done.body;
      break;
    }
  });
  ResumingReader reader;
  std::thread readerThread([&] {
    int connection = 0;
    reader.run(
        [&] {
          return frontEnds[connection++ % 2] + "/api/runner-jobs/" + eventJob + "/events/stream";
        },
        {"Authorization: Bearer " + stack().tokenMember, "X-Workspace-Id: " + stack().workspace},
        80, 5, 240s);
  });

  std::atomic<bool> killed{false};
  std::thread killer;
  auto race = runClaimRace(type, kJobs, 4, 300s, [&](int completed) {
    if (completed == kJobs * 3 / 10 && !killed.exchange(true)) {
      killer = std::thread([] {
        std::printf("killing node 2 (front end 2's first node)\n");
        killNode(2);
      });
    }
  });
  if (killer.joinable()) killer.join();
  writers.join();
  readerThread.join();
  EXPECT_TRUE(killed.load());

  // Jobs: each claimed once, all completed.
  EXPECT_EQ(race.completed, kJobs);
  std::multiset<std::string> claimed;
  for (const auto& ids : race.claimedBy) claimed.insert(ids.begin(), ids.end());
  EXPECT_EQ(claimed.size(), size_t(kJobs));
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()),
            std::set<std::string>(created.begin(), created.end()));
  JobCounts counts = countJobs(type);
  EXPECT_EQ(counts.completed, kJobs) << ::testing::PrintToString(counts.unfinished);
  EXPECT_EQ(counts.startedTwice, 0);
  std::printf("front end 2's longest run of errors: %lld ms\n",
              static_cast<long long>(race.longestOutageOnFrontEnd2.count()));
  EXPECT_LT(race.longestOutageOnFrontEnd2, 10s);

  // Events: 1..504 exactly once, in order, through the reconnects.
  ASSERT_TRUE(reader.completedWith.has_value()) << "the stream never completed";
  EXPECT_GE(reader.connections, 6);
  auto seqs = sequenceNumbers(reader.events);
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

  // The node comes back and rejoins.
  auto restarted = Clock::now();
  startNode(2);
  std::printf("node 2 rejoined in %.1f s\n",
              std::chrono::duration<double>(Clock::now() - restarted).count());
  EXPECT_EQ(clusterSize(), 3);
}

}  // namespace rj::test
