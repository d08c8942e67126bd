// Per-key caps on what the requests of one process hold at once.
#include "util/concurrency_caps.h"

#include <gtest/gtest.h>

namespace rj {

TEST(ConcurrencyCaps, RefusesPastTheCapOfAnyKeyAndFreesOnRelease) {
  ConcurrencyCaps caps;
  auto first = caps.take({{"user:a", 2}, {"workspace:w", 3}});
  auto second = caps.take({{"user:a", 2}, {"workspace:w", 3}});
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(caps.take({{"user:a", 2}, {"workspace:w", 3}}));  // the user's cap
  auto other = caps.take({{"user:b", 2}, {"workspace:w", 3}});
  ASSERT_TRUE(other);
  EXPECT_FALSE(caps.take({{"user:c", 2}, {"workspace:w", 3}}));  // the workspace's cap
  EXPECT_EQ(caps.held("workspace:w"), 3);
  // A refusal takes nothing.
  EXPECT_EQ(caps.held("user:c"), 0);
  second.reset();
  EXPECT_EQ(caps.held("user:a"), 1);
  EXPECT_TRUE(caps.take({{"user:c", 2}, {"workspace:w", 3}}));
}

TEST(ConcurrencyCaps, CapBelowOneMeansNoLimit) {
  ConcurrencyCaps caps;
  std::vector<std::unique_ptr<ConcurrencyCaps::Slot>> slots;
  for (int i = 0; i < 100; ++i) {
    slots.push_back(caps.take({{"runner:r", 0}}));
    ASSERT_TRUE(slots.back());
  }
  EXPECT_EQ(caps.held("runner:r"), 100);
  slots.clear();
  EXPECT_EQ(caps.held("runner:r"), 0);
}

}  // namespace rj
