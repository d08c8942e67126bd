#include "auth/token_cache.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace rj {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const std::string kHash(64, 'a');
const std::string kWorkspace = "0f8e3c1a-3a52-4f0e-9d7b-2b8c6a1f4e10";

LiveToken memberToken(std::optional<int64_t> secondsLeft = std::nullopt,
                      std::optional<Role> role = Role::Member) {
  return LiveToken{"user-1", kHash, secondsLeft, WorkspaceMembership{kWorkspace, role}};
}

TEST(TokenCache, AnswersWithinMaxAgeAndNotAtIt) {
  TokenCache cache(milliseconds(2000));
  auto readAt = TokenCache::Clock::now();
  cache.remember(memberToken(), readAt);
  auto found = cache.find(kHash, kWorkspace, readAt + milliseconds(1999));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->userId, "user-1");
  ASSERT_TRUE(found->membership.has_value());
  EXPECT_EQ(found->membership->role, Role::Member);
  EXPECT_FALSE(cache.find(kHash, kWorkspace, readAt + milliseconds(2000)).has_value());
  EXPECT_FALSE(cache.find(kHash, kWorkspace, readAt + seconds(60)).has_value());
}

TEST(TokenCache, KeysByWorkspace) {
  TokenCache cache;
  auto readAt = TokenCache::Clock::now();
  cache.remember(memberToken(), readAt);
  EXPECT_TRUE(cache.find(kHash, kWorkspace, readAt).has_value());
  EXPECT_FALSE(cache.find(kHash, std::string("11111111-2222-3333-4444-555555555555"), readAt));
  EXPECT_FALSE(cache.find(kHash, std::nullopt, readAt).has_value());
  EXPECT_FALSE(cache.find(std::string(64, 'b'), kWorkspace, readAt).has_value());

  LiveToken withoutWorkspace{"user-1", kHash, std::nullopt, std::nullopt};
  cache.remember(withoutWorkspace, readAt);
  auto found = cache.find(kHash, std::nullopt, readAt);
  ASSERT_TRUE(found.has_value());
  EXPECT_FALSE(found->membership.has_value());
}

TEST(TokenCache, NeverKeepsANonMember) {
  // A member added a moment later must be let in at once.
  TokenCache cache;
  auto readAt = TokenCache::Clock::now();
  cache.remember(memberToken(std::nullopt, std::nullopt), readAt);
  EXPECT_FALSE(cache.find(kHash, kWorkspace, readAt).has_value());
  EXPECT_EQ(cache.size(), 0u);
}

TEST(TokenCache, CountsTheSecondsLeftDownAndDropsATokenThatMayHaveExpired) {
  TokenCache cache(milliseconds(2000));
  auto readAt = TokenCache::Clock::now();
  cache.remember(memberToken(int64_t{2}), readAt);
  auto found = cache.find(kHash, kWorkspace, readAt);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->secondsLeft, 2);
  found = cache.find(kHash, kWorkspace, readAt + milliseconds(1));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->secondsLeft, 1);  // up to the next whole second: on the safe side
  // At 1.001 s, two seconds may have gone of a token that had "2" (at most 2.999) left.
  EXPECT_FALSE(cache.find(kHash, kWorkspace, readAt + milliseconds(1001)).has_value());

  cache.remember(memberToken(int64_t{0}), readAt);  // expires within the second
  EXPECT_FALSE(cache.find(kHash, kWorkspace, readAt).has_value());
}

TEST(TokenCache, AClockThatWentBackIsNoAnswer) {
  TokenCache cache;
  auto readAt = TokenCache::Clock::now();
  cache.remember(memberToken(), readAt);
  EXPECT_FALSE(cache.find(kHash, kWorkspace, readAt - milliseconds(1)).has_value());
}

TEST(TokenCache, StaysWithinItsCapacity) {
  TokenCache cache(milliseconds(2000), 8);
  auto readAt = TokenCache::Clock::now();
  for (int i = 0; i < 100; ++i) {
    LiveToken token{"user", std::to_string(i), std::nullopt, std::nullopt};
    cache.remember(token, readAt + milliseconds(i));
    EXPECT_LE(cache.size(), 8u);
  }
  // The newest is always kept.
  EXPECT_TRUE(cache.find("99", std::nullopt, readAt + milliseconds(99)).has_value());
}

TEST(TokenCache, AFullCacheDropsOnlyWhatIsTooOldWhenThatIsEnough) {
  TokenCache cache(milliseconds(2000), 4);
  auto start = TokenCache::Clock::now();
  for (int i = 0; i < 3; ++i)
    cache.remember(LiveToken{"user", "old" + std::to_string(i), std::nullopt, std::nullopt}, start);
  cache.remember(LiveToken{"user", "young", std::nullopt, std::nullopt}, start + seconds(3));
  cache.remember(LiveToken{"user", "newest", std::nullopt, std::nullopt}, start + seconds(3));
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.find("young", std::nullopt, start + seconds(3)).has_value());
  EXPECT_TRUE(cache.find("newest", std::nullopt, start + seconds(3)).has_value());
}

TEST(TokenCache, ThreadsShareItSafely) {
  TokenCache cache(milliseconds(2000), 64);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 2000; ++i) {
        auto now = TokenCache::Clock::now();
        std::string hash = std::to_string((t * 7 + i) % 100);
        cache.remember(LiveToken{"user", hash, int64_t{100}, std::nullopt}, now);
        auto found = cache.find(hash, std::nullopt, now);
        if (found) {
          EXPECT_EQ(found->tokenHash, hash);
        }
        if (i % 500 == 0) cache.clear();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(cache.size(), 64u);
}

}  // namespace
}  // namespace rj
