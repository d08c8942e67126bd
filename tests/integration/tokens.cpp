// API token lookup against the harness's MariaDB: only live tokens count, and their lifetime is
// what the session cookie's Max-Age is cut to.
#include <gtest/gtest.h>

#include "auth/token_store.h"
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

}  // namespace rj::test
