// Which candidates a spreading claim (on a Galera node) takes.
#include "runners/claim_spread.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace rj {

TEST(ClaimSpread, TakesEveryCandidateWhenThereAreNoMoreThanWanted) {
  std::mt19937_64 random(1);
  EXPECT_EQ(spreadClaimChoice({5, 5, 3}, 3, random), (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(spreadClaimChoice({5}, 4, random), (std::vector<size_t>{0}));
  EXPECT_TRUE(spreadClaimChoice({}, 1, random).empty());
  EXPECT_TRUE(spreadClaimChoice({5, 5}, 0, random).empty());
}

TEST(ClaimSpread, HigherPrioritiesAlwaysGoFirst) {
  std::mt19937_64 random(2);
  // Wanted 3: the two of priority 9 always, then one of the four 5s, never a 1.
  const std::vector<int64_t> priorities = {9, 9, 5, 5, 5, 5, 1, 1};
  for (int round = 0; round < 200; ++round) {
    auto chosen = spreadClaimChoice(priorities, 3, random);
    ASSERT_EQ(chosen.size(), 3u);
    EXPECT_EQ(chosen[0], 0u);
    EXPECT_EQ(chosen[1], 1u);
    EXPECT_GE(chosen[2], 2u);
    EXPECT_LE(chosen[2], 5u);
  }
}

TEST(ClaimSpread, SpreadsOverTheTiedCandidatesInClaimOrder) {
  std::mt19937_64 random(3);
  const std::vector<int64_t> priorities(33, 5);
  std::map<size_t, int> taken;
  for (int round = 0; round < 3300; ++round) {
    auto chosen = spreadClaimChoice(priorities, 2, random);
    ASSERT_EQ(chosen.size(), 2u);
    EXPECT_LT(chosen[0], chosen[1]);  // in claim order, no index twice
    for (size_t index : chosen) ++taken[index];
  }
  // Every candidate is taken, none far more than its share (200 of 6,600).
  EXPECT_EQ(taken.size(), 33u);
  for (const auto& [index, count] : taken) {
    EXPECT_GT(count, 100) << index;
    EXPECT_LT(count, 300) << index;
  }
}

}  // namespace rj
