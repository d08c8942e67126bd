// The list's kept totals: a large count is answered again while fresh, one caller has an expired
// one counted again while all keep answering it, nothing is answered past the maximum age, and a
// small count is never kept.
#include "util/kept_totals.h"

#include <gtest/gtest.h>

#include <string>

namespace rj {
namespace {

using std::chrono::milliseconds;
using Clock = KeptTotals::Clock;

const std::string kKey = "0f8e3c1a-3a52-4f0e-9d7b-2b8c6a1f4e10 s t a";

// What a caller is told: a kept total, or kCounts (count it).
constexpr int64_t kCounts = -1;
int64_t totalOf(const std::optional<KeptTotals::Count>& kept) {
  return kept ? kept->total : kCounts;
}

KeptTotals totals(size_t capacity = 16) {
  return KeptTotals(1000, milliseconds(1000), milliseconds(2000), capacity);
}

TEST(KeptTotals, NothingIsKeptBeforeACount) {
  KeptTotals kept = totals();
  EXPECT_EQ(totalOf(kept.kept(kKey, Clock::now())), kCounts);
  EXPECT_EQ(kept.size(), 0u);
}

TEST(KeptTotals, ALargeCountIsAnsweredAgainWhileFresh) {
  KeptTotals kept = totals();
  auto countedAt = Clock::now();
  kept.counted(kKey, 214000, countedAt);
  EXPECT_EQ(totalOf(kept.kept(kKey, countedAt)), 214000);
  auto count = kept.kept(kKey, countedAt);
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(count->countedAt, countedAt);
  EXPECT_EQ(totalOf(kept.kept(kKey, countedAt + milliseconds(999))), 214000);
  // Another thread's clock, read just before the count was taken, is within it too.
  EXPECT_EQ(totalOf(kept.kept(kKey, countedAt - milliseconds(5))), 214000);
}

TEST(KeptTotals, ASmallCountIsNeverKept) {
  KeptTotals kept = totals();
  auto countedAt = Clock::now();
  kept.counted(kKey, 999, countedAt);
  EXPECT_EQ(totalOf(kept.kept(kKey, countedAt)), kCounts);
  EXPECT_EQ(kept.size(), 0u);
  // A large count that became small is dropped: the next read counts.
  kept.counted(kKey, 5000, countedAt);
  kept.counted(kKey, 12, countedAt + milliseconds(10));
  EXPECT_EQ(totalOf(kept.kept(kKey, countedAt + milliseconds(20))), kCounts);
  // The threshold itself is large.
  kept.counted(kKey, 1000, countedAt);
  EXPECT_EQ(totalOf(kept.kept(kKey, countedAt)), 1000);
}

TEST(KeptTotals, TheFirstCallerToFindATotalExpiredHasItCountedAgainAndAllAnswerWithIt) {
  KeptTotals kept = totals();
  auto countedAt = Clock::now();
  kept.counted(kKey, 5000, countedAt);
  EXPECT_FALSE(kept.kept(kKey, countedAt + milliseconds(999)).value().countAgain);  // fresh
  auto expired = countedAt + milliseconds(1000);
  auto first = kept.kept(kKey, expired);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->total, 5000);
  EXPECT_TRUE(first->countAgain);  // this caller has it counted again
  auto second = kept.kept(kKey, expired + milliseconds(500));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->total, 5000);
  EXPECT_FALSE(second->countAgain);  // the others do not
  kept.counted(kKey, 5003, expired);
  auto recounted = kept.kept(kKey, expired + milliseconds(500));
  ASSERT_TRUE(recounted.has_value());
  EXPECT_EQ(recounted->total, 5003);
  EXPECT_FALSE(recounted->countAgain);
  // The new count expires in turn, and again one caller has it counted.
  EXPECT_TRUE(kept.kept(kKey, expired + milliseconds(1000)).value().countAgain);
  EXPECT_FALSE(kept.kept(kKey, expired + milliseconds(1001)).value().countAgain);
}

TEST(KeptTotals, NothingIsAnsweredPastTheMaximumAge) {
  KeptTotals kept = totals();
  auto countedAt = Clock::now();
  kept.counted(kKey, 5000, countedAt);
  EXPECT_TRUE(kept.kept(kKey, countedAt + milliseconds(1500)).value().countAgain);
  // The count asked for never came (its statement failed): past the maximum age every caller
  // counts.
  EXPECT_EQ(totalOf(kept.kept(kKey, countedAt + milliseconds(1999))), 5000);
  EXPECT_EQ(totalOf(kept.kept(kKey, countedAt + milliseconds(2000))), kCounts);
  EXPECT_EQ(totalOf(kept.kept(kKey, countedAt + milliseconds(2001))), kCounts);
}

TEST(KeptTotals, ACountThatBeganBeforeTheKeptOneDoesNotReplaceIt) {
  KeptTotals kept = totals();
  auto countedAt = Clock::now();
  kept.counted(kKey, 5000, countedAt);
  kept.counted(kKey, 4000, countedAt - milliseconds(100));
  EXPECT_EQ(totalOf(kept.kept(kKey, countedAt)), 5000);
  kept.counted(kKey, 6000, countedAt + milliseconds(100));
  EXPECT_EQ(totalOf(kept.kept(kKey, countedAt + milliseconds(100))), 6000);
}

TEST(KeptTotals, EachKeyHasItsOwnTotal) {
  KeptTotals kept = totals();
  auto countedAt = Clock::now();
  kept.counted(kKey, 5000, countedAt);
  kept.counted(kKey + " other", 7000, countedAt);
  EXPECT_EQ(totalOf(kept.kept(kKey, countedAt)), 5000);
  EXPECT_EQ(totalOf(kept.kept(kKey + " other", countedAt)), 7000);
  EXPECT_EQ(totalOf(kept.kept(kKey + " third", countedAt)), kCounts);
}

TEST(KeptTotals, AFullSetDropsWhatIsTooOldThenEverything) {
  KeptTotals kept = totals(2);
  auto countedAt = Clock::now();
  kept.counted("old", 5000, countedAt);
  kept.counted("young", 5000, countedAt + milliseconds(1500));
  kept.counted("new", 5000, countedAt + milliseconds(2000));  // "old" is past the maximum age
  EXPECT_EQ(kept.size(), 2u);
  EXPECT_EQ(totalOf(kept.kept("young", countedAt + milliseconds(2000))), 5000);
  kept.counted("newer", 5000, countedAt + milliseconds(2100));  // none too old: all go
  EXPECT_EQ(kept.size(), 1u);
  EXPECT_EQ(totalOf(kept.kept("newer", countedAt + milliseconds(2100))), 5000);
}

}  // namespace
}  // namespace rj
