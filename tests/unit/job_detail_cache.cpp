#include "jobs/job_detail_cache.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace rj {
namespace {

using std::chrono::milliseconds;

const std::string kWorkspace = "0f8e3c1a-3a52-4f0e-9d7b-2b8c6a1f4e10";
const std::string kOtherWorkspace = "11111111-2222-3333-4444-555555555555";
const std::string kJob = "01a23ab7-3c9a-7ac5-8d64-cc4d69c18aef";

JobVersion version(int64_t lastEventSeq, std::optional<std::string> writeId = "w1") {
  return JobVersion{"2026-12-03T07:03:40.156Z", lastEventSeq, std::move(writeId)};
}

TEST(JobVersion, EachPartTellsVersionsApart) {
  EXPECT_EQ(version(3), version(3));
  EXPECT_NE(version(3), version(4));
  EXPECT_NE(version(3), version(3, "w2"));
  EXPECT_NE(version(3), version(3, std::nullopt));
  JobVersion later = version(3);
  later.updatedAt = "2026-12-03T07:03:40.157Z";
  EXPECT_NE(version(3), later);
}

TEST(JobDetailCache, AnswersWithinMaxAgeAndNotAtIt) {
  JobDetailCache cache(milliseconds(2000));
  auto readAt = JobDetailCache::Clock::now();
  cache.remember(kWorkspace, kJob, version(3), "{\"id\":1}", readAt);
  auto found = cache.find(kWorkspace, kJob, readAt + milliseconds(1999));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->answer, "{\"id\":1}");
  EXPECT_EQ(found->version, version(3));
  EXPECT_FALSE(cache.find(kWorkspace, kJob, readAt + milliseconds(2000)).has_value());
}

TEST(JobDetailCache, AClockThatWentBackFindsNothing) {
  JobDetailCache cache;
  auto readAt = JobDetailCache::Clock::now();
  cache.remember(kWorkspace, kJob, version(3), "{}", readAt);
  EXPECT_FALSE(cache.find(kWorkspace, kJob, readAt - milliseconds(1)).has_value());
}

TEST(JobDetailCache, KeysByWorkspaceAndJob) {
  JobDetailCache cache;
  auto readAt = JobDetailCache::Clock::now();
  cache.remember(kWorkspace, kJob, version(3), "{}", readAt);
  EXPECT_TRUE(cache.find(kWorkspace, kJob, readAt).has_value());
  EXPECT_FALSE(cache.find(kOtherWorkspace, kJob, readAt).has_value());
  EXPECT_FALSE(cache.find(kWorkspace, kOtherWorkspace, readAt).has_value());
}

TEST(JobDetailCache, ANewerReadReplacesTheKeptOneAndForgetDropsIt) {
  JobDetailCache cache;
  auto readAt = JobDetailCache::Clock::now();
  cache.remember(kWorkspace, kJob, version(3), "three", readAt);
  cache.remember(kWorkspace, kJob, version(4), "four!", readAt + milliseconds(10));
  auto found = cache.find(kWorkspace, kJob, readAt + milliseconds(10));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->version, version(4));
  EXPECT_EQ(found->answer, "four!");
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.bytes(), 5u);
  cache.forget(kWorkspace, kJob);
  EXPECT_FALSE(cache.find(kWorkspace, kJob, readAt + milliseconds(10)).has_value());
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(JobDetailCache, TooLargeAnAnswerIsNotKeptAndDropsTheOlderOne) {
  JobDetailCache cache(milliseconds(2000), 16, 1024, 100);
  auto readAt = JobDetailCache::Clock::now();
  cache.remember(kWorkspace, kJob, version(3), std::string(100, 'x'), readAt);
  EXPECT_TRUE(cache.find(kWorkspace, kJob, readAt).has_value());
  cache.remember(kWorkspace, kJob, version(4), std::string(101, 'x'), readAt);
  EXPECT_FALSE(cache.find(kWorkspace, kJob, readAt).has_value());
  EXPECT_EQ(cache.bytes(), 0u);
}

std::string jobNumber(int i) {
  char id[37];
  snprintf(id, sizeof id, "00000000-0000-7000-8000-%012d", i);
  return id;
}

TEST(JobDetailCache, StaysWithinItsEntriesAndBytes) {
  JobDetailCache cache(milliseconds(2000), 8, 1000, 200);
  auto readAt = JobDetailCache::Clock::now();
  for (int i = 0; i < 100; ++i) {
    cache.remember(kWorkspace, jobNumber(i), version(i), std::string(150, 'x'), readAt);
    EXPECT_LE(cache.size(), 8u);
    EXPECT_LE(cache.bytes(), 1000u);
  }
  // The last one is always kept.
  EXPECT_TRUE(cache.find(kWorkspace, jobNumber(99), readAt).has_value());
}

TEST(JobDetailCache, AFullCacheDropsWhatIsTooOldFirst) {
  JobDetailCache cache(milliseconds(2000), 4, 1 << 20, 1 << 10);
  auto start = JobDetailCache::Clock::now();
  cache.remember(kWorkspace, jobNumber(0), version(0), "old", start);
  cache.remember(kWorkspace, jobNumber(1), version(1), "old", start);
  auto later = start + milliseconds(2500);
  cache.remember(kWorkspace, jobNumber(2), version(2), "new", later);
  cache.remember(kWorkspace, jobNumber(3), version(3), "new", later);
  cache.remember(kWorkspace, jobNumber(4), version(4), "new", later);  // full: the two old go
  EXPECT_EQ(cache.size(), 3u);
  for (int i = 2; i <= 4; ++i) EXPECT_TRUE(cache.find(kWorkspace, jobNumber(i), later));
}

TEST(JobDetailCache, ThreadsShareItSafely) {
  JobDetailCache cache(milliseconds(2000), 64, 1 << 16, 1 << 10);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 2000; ++i) {
        auto now = JobDetailCache::Clock::now();
        std::string job = jobNumber(i % 100);
        cache.remember(kWorkspace, job, version(i), std::string(10 + t, 'x'), now);
        auto found = cache.find(kWorkspace, job, now);
        if (found) {
          EXPECT_GE(found->answer.size(), 10u);
        }
        if (i % 50 == 0) cache.forget(kWorkspace, job);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(cache.size(), 64u);
  EXPECT_LE(cache.bytes(), size_t{1 << 16});
}

}  // namespace
}  // namespace rj
