// The process's token cache against the harness's MariaDB: what the guards answer from it, and
// the bound on how long a revoked token, a removed member or a lowered role keeps working.
#include "auth/token_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "app/serve.h"
#include "auth/guards.h"
#include "support/eventually.h"
#include "support/guard_request.h"
#include "support/outcome.h"
#include "support/test_database.h"
#include "util/crypto.h"

namespace rj::test {

namespace {
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How long after `changedAt` the guard first answered the request with `status` (asking for at
// most twice the bound); nullopt when it never did.
std::optional<milliseconds> refusedAfter(Clock::time_point changedAt, Permission permission,
                                         const Request& request, int status) {
  return timeUntilStatus(
      changedAt, [&]() -> long { return statusOf([&] { guard(permission, request); }); }, status,
      2 * kTokenCacheMaxAge);
}

// The bound, and the time one last guard and the 50 ms between tries may take beyond it.
const milliseconds kRefusedBy = kTokenCacheMaxAge + milliseconds(500);
}  // namespace

using TokenCacheGuards = DatabaseTest;

TEST_F(TokenCacheGuards, AGuardWithinTheBoundSendsNoStatement) {
  auto request = workspaceRequest(member.token, workspaceId);
  EXPECT_EQ(guard(Permission::WorkspaceMember, request).role(), Role::Member);
  Context context;
  EXPECT_EQ(statementsOf([&] { context = guard(Permission::WorkspaceMember, request); }), 0);
  EXPECT_EQ(context.userId(), member.userId);
  EXPECT_EQ(context.role(), Role::Member);
  EXPECT_EQ(context.tokenHash(), sha256Hex(member.token));
}

TEST_F(TokenCacheGuards, RevokedTokenIsRefusedWithinTheBound) {
  auto request = workspaceRequest(member.token, workspaceId);
  guard(Permission::WorkspaceAny, request);
  auto changedAt = Clock::now();
  Query(connection(), "UPDATE api_tokens SET revoked_at = UTC_TIMESTAMP(3) WHERE token_hash = ?")
      .bind(sha256Hex(member.token))
      .execute();
  auto refused = refusedAfter(changedAt, Permission::WorkspaceAny, request, 401);
  ASSERT_TRUE(refused.has_value()) << "a revoked token still worked after twice the bound";
  EXPECT_LE(*refused, kRefusedBy);
  EXPECT_EQ(statusOf([&] { guard(Permission::WorkspaceAny, request); }), 401);
  EXPECT_EQ(statusOf([&] { authenticateUser(workspaceRequest(member.token, "")); }), 401);
}

TEST_F(TokenCacheGuards, ExpiredTokenIsRefusedWithinTheBound) {
  auto request = workspaceRequest(member.token, workspaceId);
  guard(Permission::WorkspaceAny, request);
  auto changedAt = Clock::now();
  Query(connection(),
        "UPDATE api_tokens SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND"
        " WHERE token_hash = ?")
      .bind(sha256Hex(member.token))
      .execute();
  auto refused = refusedAfter(changedAt, Permission::WorkspaceAny, request, 401);
  ASSERT_TRUE(refused.has_value());
  EXPECT_LE(*refused, kRefusedBy);
}

TEST_F(TokenCacheGuards, RemovedMemberIsRefusedWithinTheBound) {
  auto request = workspaceRequest(member.token, workspaceId);
  guard(Permission::WorkspaceAny, request);
  auto changedAt = Clock::now();
  Query(connection(), "DELETE FROM workspace_members WHERE user_id = ? AND workspace_id = ?")
      .bind(member.userId)
      .bind(workspaceId)
      .execute();
  auto refused = refusedAfter(changedAt, Permission::WorkspaceAny, request, 403);
  ASSERT_TRUE(refused.has_value());
  EXPECT_LE(*refused, kRefusedBy);
  EXPECT_EQ(codeOf([&] { guard(Permission::WorkspaceAny, request); }), "NOT_A_MEMBER");
}

TEST_F(TokenCacheGuards, LoweredRoleIsRefusedWithinTheBound) {
  auto request = workspaceRequest(member.token, workspaceId);
  guard(Permission::WorkspaceMember, request);
  auto changedAt = Clock::now();
  Query(connection(),
        "UPDATE workspace_members SET role = 'GUEST' WHERE user_id = ? AND workspace_id = ?")
      .bind(member.userId)
      .bind(workspaceId)
      .execute();
  auto refused = refusedAfter(changedAt, Permission::WorkspaceMember, request, 403);
  ASSERT_TRUE(refused.has_value());
  EXPECT_LE(*refused, kRefusedBy);
  EXPECT_EQ(codeOf([&] { guard(Permission::WorkspaceMember, request); }), "ROLE_FORBIDDEN");
  EXPECT_EQ(guard(Permission::WorkspaceAny, request).role(), Role::Guest);
}

TEST_F(TokenCacheGuards, AMemberAddedIsLetInAtOnce) {
  // A refusal is never remembered: the next request after the membership exists is let in.
  std::string other = createWorkspace("other");
  auto request = workspaceRequest(member.token, other);
  EXPECT_EQ(codeOf([&] { guard(Permission::WorkspaceAny, request); }), "NOT_A_MEMBER");
  Query(connection(),
        "INSERT INTO workspace_members (workspace_id, user_id, role) VALUES (?, ?, 'MEMBER')")
      .bind(other)
      .bind(member.userId)
      .execute();
  EXPECT_EQ(guard(Permission::WorkspaceAny, request).role(), Role::Member);
}

TEST_F(TokenCacheGuards, TheCachedRoleIsTheOneOfTheRequestsWorkspace) {
  std::string other = createWorkspace("other");
  Query(connection(),
        "INSERT INTO workspace_members (workspace_id, user_id, role) VALUES (?, ?, 'GUEST')")
      .bind(other)
      .bind(member.userId)
      .execute();
  for (int round = 0; round < 2; ++round) {  // the second round answers from the cache
    EXPECT_EQ(guard(Permission::WorkspaceAny, workspaceRequest(member.token, workspaceId)).role(),
              Role::Member);
    EXPECT_EQ(guard(Permission::WorkspaceAny, workspaceRequest(member.token, other)).role(),
              Role::Guest);
    EXPECT_EQ(
        codeOf([&] { guard(Permission::WorkspaceMember, workspaceRequest(member.token, other)); }),
        "ROLE_FORBIDDEN");
  }
}

TEST_F(TokenCacheGuards, ThreadsGuardingAtOnceAgree) {
  std::vector<SeededUser> users = {owner, member, guest};
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      useSuiteSchema();
      for (int i = 0; i < 300; ++i) {
        const SeededUser& user = users[static_cast<size_t>(t + i) % users.size()];
        Context context =
            guard(Permission::WorkspaceAny, workspaceRequest(user.token, workspaceId));
        if (context.userId() != user.userId) ++wrong;
        if (i % 100 == 0) TokenCache::process().clear();
      }
      discardThreadConnection();
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace rj::test
