// API token lookup against the harness's MariaDB: only live tokens count, and their lifetime is
// what the session cookie's Max-Age is cut to.
#include <gtest/gtest.h>

#include "app/serve.h"
#include "auth/guards.h"
#include "auth/token_cache.h"
#include "auth/token_store.h"
#include "support/guard_request.h"
#include "support/outcome.h"
#include "support/test_database.h"
#include "util/crypto.h"

namespace rj::test {

class Tokens : public DatabaseTest {
 protected:
  void setExpiry(const std::string& token, const std::string& expiresAtSql) {
    Query(connection(),
          "UPDATE api_tokens SET expires_at = " + expiresAtSql + " WHERE token_hash = ?")
        .bind(sha256Hex(token))
        .execute();
  }
};

TEST_F(Tokens, LiveTokenWithoutExpiryFindsItsUser) {
  auto live = TokenStore().findLive(member.token);
  ASSERT_TRUE(live.has_value());
  EXPECT_EQ(live->userId, member.userId);
  EXPECT_FALSE(live->secondsLeft.has_value());
}

TEST_F(Tokens, ExpiringTokenReportsTheSecondsLeft) {
  setExpiry(member.token, "UTC_TIMESTAMP(3) + INTERVAL 1 HOUR");
  auto live = TokenStore().findLive(member.token);
  ASSERT_TRUE(live.has_value());
  ASSERT_TRUE(live->secondsLeft.has_value());
  EXPECT_GT(*live->secondsLeft, 3500);
  EXPECT_LE(*live->secondsLeft, 3600);
}

TEST_F(Tokens, ExpiredTokenIsNotFound) {
  setExpiry(member.token, "UTC_TIMESTAMP(3) - INTERVAL 1 SECOND");
  EXPECT_FALSE(TokenStore().findLive(member.token).has_value());
}

TEST_F(Tokens, RevokedTokenIsNotFound) {
  Query(connection(), "UPDATE api_tokens SET revoked_at = UTC_TIMESTAMP(3) WHERE token_hash = ?")
      .bind(sha256Hex(member.token))
      .execute();
  EXPECT_FALSE(TokenStore().findLive(member.token).has_value());
  // Another user's token is untouched.
  EXPECT_TRUE(TokenStore().findLive(owner.token).has_value());
}

TEST_F(Tokens, UnknownOrSqlLookingTokenIsNotFound) {
  EXPECT_FALSE(TokenStore().findLive("rj_no_such_token").has_value());
  EXPECT_FALSE(TokenStore().findLive("' OR '1'='1").has_value());
  EXPECT_FALSE(TokenStore().findLive("").has_value());
  // The token's hash itself is not a token.
  EXPECT_FALSE(TokenStore().findLive(sha256Hex(member.token)).has_value());
}

TEST_F(Tokens, LookupWithAWorkspaceReadsTheUsersRoleThere) {
  auto live = TokenStore().findLive(owner.token, workspaceId);
  ASSERT_TRUE(live.has_value());
  ASSERT_TRUE(live->membership.has_value());
  EXPECT_EQ(live->membership->workspaceId, workspaceId);
  EXPECT_EQ(live->membership->role, Role::Owner);
  std::string other = createWorkspace("other");
  live = TokenStore().findLive(owner.token, other);
  ASSERT_TRUE(live.has_value());
  ASSERT_TRUE(live->membership.has_value());
  EXPECT_FALSE(live->membership->role.has_value());
  // Without a workspace there is no membership, and a dead token has none either.
  EXPECT_FALSE(TokenStore().findLive(owner.token)->membership.has_value());
  EXPECT_FALSE(TokenStore().findLive("rj_no_such_token", workspaceId).has_value());
}

TEST_F(Tokens, GuardsAnswerInTheirOrderFromTheOneLookup) {
  std::string other = createWorkspace("other");
  EXPECT_EQ(guard(Permission::WorkspaceAny, workspaceRequest(member.token, workspaceId)).role(),
            Role::Member);
  // 401 before 400 before 403, whatever else is wrong.
  EXPECT_EQ(
      codeOf([&] { guard(Permission::WorkspaceAny, workspaceRequest("rj_nope", "not-a-uuid")); }),
      "UNAUTHORIZED");
  EXPECT_EQ(codeOf([&] {
              guard(Permission::WorkspaceAny, workspaceRequest(member.token, "not-a-uuid"));
            }),
            "INVALID_WORKSPACE_ID");
  EXPECT_EQ(codeOf([&] { guard(Permission::WorkspaceAny, workspaceRequest(member.token, other)); }),
            "NOT_A_MEMBER");
  EXPECT_EQ(codeOf([&] {
              guard(Permission::WorkspaceAdmin, workspaceRequest(member.token, workspaceId));
            }),
            "ROLE_FORBIDDEN");
  // An upper-case workspace id names the same workspace.
  std::string upper = workspaceId;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(guard(Permission::WorkspaceAny, workspaceRequest(member.token, upper)).workspaceId(),
            workspaceId);
}

TEST_F(Tokens, RemovedMemberAndRevokedTokenAreRefusedAtTheirNextLookup) {
  auto request = workspaceRequest(member.token, workspaceId);
  guard(Permission::WorkspaceAny, request);
  // A session endpoint's request reads the membership with the token and does not check it; the
  // next request's check reads it again.
  guard(Permission::Authenticated, request);
  Query(connection(), "DELETE FROM workspace_members WHERE user_id = ? AND workspace_id = ?")
      .bind(member.userId)
      .bind(workspaceId)
      .execute();
  // What the lookup itself answers; how long the process's token cache may answer in its place
  // is tests/integration/token_cache.cpp's.
  TokenCache::process().clear();
  EXPECT_EQ(codeOf([&] { guard(Permission::WorkspaceAny, request); }), "NOT_A_MEMBER");
  EXPECT_EQ(codeOf([&] { requireMembership(member.userId, workspaceId); }), "NOT_A_MEMBER");
  Query(connection(), "UPDATE api_tokens SET revoked_at = UTC_TIMESTAMP(3) WHERE token_hash = ?")
      .bind(sha256Hex(owner.token))
      .execute();
  EXPECT_EQ(statusOf([&] {
              guard(Permission::WorkspaceAny, workspaceRequest(owner.token, workspaceId));
            }),
            401);
}

TEST_F(Tokens, MembershipCheckOfAnotherWorkspaceQueriesItself) {
  std::string other = createWorkspace("other");
  // The role read with the token is the one in the request's workspace, not in `other`.
  authenticateUser(workspaceRequest(owner.token, workspaceId));
  EXPECT_EQ(codeOf([&] { requireMembership(owner.userId, other); }), "NOT_A_MEMBER");
  authenticateUser(workspaceRequest(owner.token, other));
  EXPECT_EQ(requireMembership(owner.userId, workspaceId), Role::Owner);
}

}  // namespace rj::test
