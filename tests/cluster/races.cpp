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
  EventRace race;
  runEventRace(race, 125, 0ms, 90);
  const ResumingReader& reader = race.reader;
  ASSERT_TRUE(reader.completedWith.has_value()) << "the stream never completed";
  EXPECT_EQ(*reader.completedWith, R"({"status":"COMPLETED"})");
  EXPECT_GE(reader.connections, 6);
  auto seqs = sequenceNumbers(reader.events);
  // created, queued, started, the 500 appended, completed: first in the database, then in what
  // the stream delivered of it, so that a failure says which of the two lost an event.
  const int64_t total = 3 + EventRace::kWriters * race.perWriter + 1;
  std::vector<int64_t> expected(total);
  for (int64_t i = 0; i < total; ++i) expected[i] = i + 1;
  auto storedRows = storedEvents(race.jobId);
  EXPECT_EQ(misplacedAppends(race, storedRows), "");
  auto stored = storedEventSeqs(race.jobId);
  EXPECT_EQ(stored, expected) << "job " << race.jobId
                              << " stored: " << describeSeqDifference(expected, stored);
  ASSERT_EQ(seqs, stored) << "delivered: " << describeSeqDifference(stored, seqs);
  auto outputs = writerOutputs(reader.events);
  EXPECT_EQ(outputs.count, size_t(EventRace::kWriters * race.perWriter));
  EXPECT_EQ(outputs.distinct.size(), outputs.count);
}

}  // namespace rj::test
