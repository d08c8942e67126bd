#include "util/answer_cache.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "jobs/answer_caches.h"

namespace rj {
namespace {

using std::chrono::milliseconds;
using Cache = AnswerCache<int>;

const std::string kKey =
    "0f8e3c1a-3a52-4f0e-9d7b-2b8c6a1f4e10 01a23ab7-3c9a-7ac5-8d64-cc4d69c18aef";

Cache cache(size_t capacity = 16, size_t bytes = 1 << 20, size_t largest = 1 << 10) {
  return Cache(milliseconds(2000), capacity, bytes, largest);
}

std::string keyNumber(int i) {
  char key[32];
  std::snprintf(key, sizeof key, "key-%d", i);
  return key;
}

TEST(AnswerCache, AnswersWithinMaxAgeAndNotAtIt) {
  Cache kept = cache();
  auto readAt = Cache::Clock::now();
  kept.remember(kKey, {3, "{\"id\":1}", false, std::nullopt}, readAt);
  auto found = kept.find(kKey, readAt + milliseconds(1999));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->answer, "{\"id\":1}");
  EXPECT_EQ(found->version, 3);
  EXPECT_FALSE(found->changing);
  EXPECT_FALSE(kept.find(kKey, readAt + milliseconds(2000)).has_value());
}

TEST(AnswerCache, AClockThatWentBackFindsNothing) {
  Cache kept = cache();
  auto readAt = Cache::Clock::now();
  kept.remember(kKey, {3, "{}", false, std::nullopt}, readAt);
  EXPECT_FALSE(kept.find(kKey, readAt - milliseconds(1)).has_value());
}

TEST(AnswerCache, ANewerReadReplacesTheKeptOneAndForgetDropsIt) {
  Cache kept = cache();
  auto readAt = Cache::Clock::now();
  kept.remember(kKey, {3, "three", false, std::nullopt}, readAt);
  kept.remember(kKey, {4, "four!", true, std::nullopt}, readAt + milliseconds(10));
  auto found = kept.find(kKey, readAt + milliseconds(10));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->version, 4);
  EXPECT_EQ(found->answer, "four!");
  EXPECT_TRUE(found->changing);
  EXPECT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept.bytes(), 5u);
  kept.forget(kKey);
  EXPECT_FALSE(kept.find(kKey, readAt + milliseconds(10)).has_value());
  EXPECT_EQ(kept.size(), 0u);
  EXPECT_EQ(kept.bytes(), 0u);
}

TEST(AnswerCache, TooLargeAnAnswerIsNotKeptAndDropsTheOlderOne) {
  Cache kept = cache(16, 1024, 100);
  auto readAt = Cache::Clock::now();
  kept.remember(kKey, {3, std::string(100, 'x'), false, std::nullopt}, readAt);
  EXPECT_TRUE(kept.find(kKey, readAt).has_value());
  kept.remember(kKey, {4, std::string(101, 'x'), false, std::nullopt}, readAt);
  EXPECT_FALSE(kept.find(kKey, readAt).has_value());
  EXPECT_EQ(kept.bytes(), 0u);
}

TEST(AnswerCache, StaysWithinItsEntriesAndBytes) {
  Cache kept = cache(8, 1000, 200);
  auto readAt = Cache::Clock::now();
  for (int i = 0; i < 100; ++i) {
    kept.remember(keyNumber(i), {i, std::string(150, 'x'), false, std::nullopt}, readAt);
    EXPECT_LE(kept.size(), 8u);
    EXPECT_LE(kept.bytes(), 1000u);
  }
  EXPECT_TRUE(kept.find(keyNumber(99), readAt).has_value());  // the last one is always kept
}

TEST(AnswerCache, AFullCacheDropsWhatIsTooOldFirst) {
  Cache kept = cache(4);
  auto start = Cache::Clock::now();
  kept.remember(keyNumber(0), {0, "old", false, std::nullopt}, start);
  kept.remember(keyNumber(1), {1, "old", false, std::nullopt}, start);
  auto later = start + milliseconds(2500);
  for (int i = 2; i <= 4; ++i) kept.remember(keyNumber(i), {i, "new", false, std::nullopt}, later);
  EXPECT_EQ(kept.size(), 3u);  // full at the fifth: the two old ones went, not the new
  for (int i = 2; i <= 4; ++i) EXPECT_TRUE(kept.find(keyNumber(i), later).has_value());
}

TEST(AnswerCache, ThreadsShareItSafely) {
  Cache kept = cache(64, 1 << 16, 1 << 10);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&kept, t] {
      for (int i = 0; i < 2000; ++i) {
        auto now = Cache::Clock::now();
        std::string key = keyNumber(i % 100);
        kept.remember(key, {i, std::string(10 + t, 'x'), false, std::nullopt}, now);
        auto found = kept.find(key, now);
        if (found) {
          EXPECT_GE(found->answer.size(), 10u);
        }
        if (i % 50 == 0) kept.forget(key);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(kept.size(), 64u);
  EXPECT_LE(kept.bytes(), size_t{1 << 16});
}

// The database as answer() sees it: the stored version ("v1" its answer), and the reads made.
struct StoredAnswer {
  int stored = 1;
  int versionReads = 0;
  int fullReads = 0;

  int readVersion() {
    ++versionReads;
    return stored;
  }
  Cache::FullRead readAnswer() {
    ++fullReads;
    return Cache::FullRead{stored, "v" + std::to_string(stored), std::nullopt};
  }
  // Version reads, then full reads, so far.
  std::pair<int, int> reads() const { return std::make_pair(versionReads, fullReads); }
};

// answer(): which reads a request makes, with the stored version standing in for the database.
TEST(AnswerCache, AnswerReadsTheVersionAloneWhileItHoldsAndInFullOnceAfterAChange) {
  Cache kept = cache();
  StoredAnswer database;
  auto readVersion = [&] { return database.readVersion(); };
  auto readAnswer = [&] { return database.readAnswer(); };
  auto ask = [&] { return kept.answer(kKey, readVersion, readAnswer); };
  EXPECT_EQ(ask(), "v1");  // nothing kept: in full
  EXPECT_EQ(database.reads(), std::make_pair(0, 1));
  EXPECT_EQ(ask(), "v1");  // kept: the version alone
  EXPECT_EQ(database.reads(), std::make_pair(1, 1));
  database.stored = 2;
  EXPECT_EQ(ask(), "v2");  // moved: the version, then in full, kept as changing
  EXPECT_EQ(database.reads(), std::make_pair(2, 2));
  EXPECT_TRUE(kept.find(kKey, Cache::Clock::now())->changing);
  EXPECT_EQ(ask(), "v2");  // changing: straight to a full read, which finds it settled
  EXPECT_EQ(database.reads(), std::make_pair(2, 3));
  EXPECT_FALSE(kept.find(kKey, Cache::Clock::now())->changing);
  EXPECT_EQ(ask(), "v2");  // settled: the version alone again
  EXPECT_EQ(database.reads(), std::make_pair(3, 3));
}

// With the front end's write count: a kept answer goes out without its version while the count
// has not moved since it was read or its version last held.
TEST(AnswerCache, AnswerSkipsTheVersionWhileTheWriteCountHasNotMoved) {
  Cache kept = cache();
  uint64_t writes = 7;
  StoredAnswer database;
  auto readVersion = [&] { return database.readVersion(); };
  auto readAnswer = [&] { return database.readAnswer(); };
  auto ask = [&] { return kept.answer(kKey, writes, readVersion, readAnswer); };
  EXPECT_EQ(ask(), "v1");  // nothing kept: in full, kept with count 7
  EXPECT_EQ(database.reads(), std::make_pair(0, 1));
  EXPECT_EQ(ask(), "v1");  // count unchanged: no read at all
  EXPECT_EQ(ask(), "v1");
  EXPECT_EQ(database.reads(), std::make_pair(0, 1));
  writes = 8;              // a write that left this answer's version alone
  EXPECT_EQ(ask(), "v1");  // the version, which holds: kept with count 8 from now on
  EXPECT_EQ(database.reads(), std::make_pair(1, 1));
  EXPECT_EQ(kept.find(kKey, Cache::Clock::now())->writes, std::optional<uint64_t>(8));
  EXPECT_EQ(ask(), "v1");
  EXPECT_EQ(database.reads(), std::make_pair(1, 1));
  database.stored = 2;
  writes = 9;              // a write that moved it
  EXPECT_EQ(ask(), "v2");  // the version, then in full, kept as changing
  EXPECT_EQ(database.reads(), std::make_pair(2, 2));
  EXPECT_EQ(ask(), "v2");  // changing: in full even with the count unchanged
  EXPECT_EQ(database.reads(), std::make_pair(2, 3));
  EXPECT_EQ(ask(), "v2");  // settled, count unchanged: no read
  EXPECT_EQ(database.reads(), std::make_pair(2, 3));
  // Without a count (none configured) every kept answer asks for its version.
  EXPECT_EQ(kept.answer(kKey, readVersion, readAnswer), "v2");
  EXPECT_EQ(database.reads(), std::make_pair(3, 3));
}

TEST(AnswerCache, TheWriteCountDoesNotKeepAnAnswerPastItsAge) {
  Cache kept = cache();
  const auto readAt = Cache::Clock::now();
  kept.remember(kKey, {1, "old", false, 5}, readAt - milliseconds(2000));
  int fullReads = 0;
  std::string answer = kept.answer(
      kKey, uint64_t{5}, [] { return 1; },
      [&] {
        ++fullReads;
        return Cache::FullRead{1, "new", std::nullopt};
      });
  EXPECT_EQ(answer, "new");
  EXPECT_EQ(fullReads, 1);
}

TEST(AnswerCache, ConfirmingLeavesAnAnswerAnotherReadReplaced) {
  Cache kept = cache();
  const auto readAt = Cache::Clock::now();
  kept.remember(kKey, {2, "two", false, 3}, readAt);
  kept.confirm(kKey, 1, 9);  // a read of version 1 that ran before the one that kept version 2
  EXPECT_EQ(kept.find(kKey, readAt)->writes, std::optional<uint64_t>(3));
  kept.confirm(kKey, 2, 9);
  EXPECT_EQ(kept.find(kKey, readAt)->writes, std::optional<uint64_t>(9));
  kept.confirm("another key", 2, 10);
  EXPECT_EQ(kept.size(), 1u);
}

TEST(AnswerCache, AnAnswerWithoutAVersionIsNotKeptAndDropsTheKeptOne) {
  Cache kept = cache();
  kept.remember(kKey, {1, "old", true, std::nullopt}, Cache::Clock::now());
  std::string answer = kept.answer(
      kKey, [] { return 1; },
      [] {
        return Cache::FullRead{std::nullopt, "new", std::nullopt};
      });
  EXPECT_EQ(answer, "new");
  EXPECT_EQ(kept.size(), 0u);
}

TEST(AnswerCache, AnAnswerWithAPartFreshForLessIsKeptOnlyWhileThatPartIsFresh) {
  Cache kept = cache();
  const auto readAt = Cache::Clock::now();
  kept.remember(kKey, {1, "with a kept total", false, std::nullopt}, readAt,
                readAt + milliseconds(700));
  EXPECT_TRUE(kept.find(kKey, readAt + milliseconds(699)).has_value());
  EXPECT_FALSE(kept.find(kKey, readAt + milliseconds(700)).has_value());
  // A part fresh for longer does not keep the answer past maxAge.
  kept.remember(kKey, {1, "answer", false, std::nullopt}, readAt, readAt + milliseconds(3000));
  EXPECT_TRUE(kept.find(kKey, readAt + milliseconds(1999)).has_value());
  EXPECT_FALSE(kept.find(kKey, readAt + milliseconds(2000)).has_value());
  // One no longer fresh is not kept at all.
  kept.remember(kKey, {1, "stale", false, std::nullopt}, readAt, readAt);
  EXPECT_EQ(kept.size(), 0u);
  // answer() keeps a full read's answer until its freshUntil.
  std::string answer = kept.answer(
      kKey, [] { return 1; },
      [&] {
        return Cache::FullRead{1, "read", Cache::Clock::now() + milliseconds(500)};
      });
  EXPECT_EQ(answer, "read");
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_FALSE(kept.find(kKey, Cache::Clock::now() + milliseconds(600)).has_value());
}

TEST(AnswerCaches, EachPartOfAJobVersionTellsVersionsApart) {
  JobVersion base{"2026-12-03T07:03:40.156Z", 3, std::string("w1")};
  EXPECT_EQ(base, (JobVersion{"2026-12-03T07:03:40.156Z", 3, std::string("w1")}));
  EXPECT_NE(base, (JobVersion{"2026-12-03T07:03:40.157Z", 3, std::string("w1")}));
  EXPECT_NE(base, (JobVersion{"2026-12-03T07:03:40.156Z", 4, std::string("w1")}));
  EXPECT_NE(base, (JobVersion{"2026-12-03T07:03:40.156Z", 3, std::string("w2")}));
  EXPECT_NE(base, (JobVersion{"2026-12-03T07:03:40.156Z", 3, std::nullopt}));
  WorkspaceChangesVersion changes{10, 2};
  EXPECT_EQ(changes, (WorkspaceChangesVersion{10, 2}));
  EXPECT_NE(changes, (WorkspaceChangesVersion{11, 2}));
  EXPECT_NE(changes, (WorkspaceChangesVersion{10, 3}));
}

TEST(AnswerCaches, NoTwoListQueriesShareAKey) {
  const std::string workspace = "0f8e3c1a-3a52-4f0e-9d7b-2b8c6a1f4e10";
  std::vector<JobListQuery> queries(8);
  queries[1].statuses = {JobStatus::Queued};
  queries[2].statuses = {JobStatus::Queued, JobStatus::Running};
  queries[3].type = "a";
  queries[4].agentTaskId = "a";  // the same text as a type: still another query
  queries[5].type = "a t1:b";    // a type that looks like the key's own separators
  queries[6].page = 2;
  queries[7].limit = 10;
  std::set<std::string> keys;
  for (const auto& query : queries) keys.insert(jobPageKey(workspace, query));
  keys.insert(jobPageKey("11111111-2222-3333-4444-555555555555", queries[0]));
  EXPECT_EQ(keys.size(), queries.size() + 1);
  EXPECT_EQ(jobPageKey(workspace, queries[2]), jobPageKey(workspace, queries[2]));
}

}  // namespace
}  // namespace rj
