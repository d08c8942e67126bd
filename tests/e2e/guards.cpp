// Every guard outcome through lighttpd.
#include <gtest/gtest.h>

#include "support/stack.h"

namespace rj::test {

TEST(Guards, MissingTokenIs401) {
  auto response = stack().call("GET", "/api/runner-jobs", "", stack().workspace);
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.json()["statusCode"].GetInt(), 401);
  EXPECT_STREQ(response.json()["error"].GetString(), "Unauthorized");
}

TEST(Guards, UnknownTokenIs401) {
  EXPECT_EQ(stack().call("GET", "/api/runner-jobs", "rjt_nope", stack().workspace).status, 401);
}

TEST(Guards, MissingWorkspaceIs400) {
  EXPECT_EQ(stack().call("GET", "/api/runner-jobs", stack().tokenMember, "").status, 400);
}

TEST(Guards, NonMemberIs403) {
  EXPECT_EQ(stack().call("GET", "/api/runner-jobs", stack().tokenOther, stack().workspace).status,
            403);
}

TEST(Guards, MemberIsAdmitted) {
  EXPECT_EQ(stack().call("GET", "/api/runner-jobs", stack().tokenMember, stack().workspace).status,
            200);
}

}  // namespace rj::test
