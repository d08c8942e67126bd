// Every guard outcome, through lighttpd, in the order auth -> workspace -> role.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "auth/token_cache.h"
#include "support/eventually.h"
#include "support/stack.h"

namespace rj::test {

namespace {
const Stack& s() {
  return stack();
}

long listStatus(const std::string& token, const std::string& workspace) {
  return s().call("GET", "/api/runner-jobs", token, workspace).status;
}

// A new user of the demo workspace with `role`; returns the e-mail.
std::string newMember(const std::string& role) {
  static int counter = 0;
  std::string email =
      "guard" + std::to_string(++counter) + "-" + std::to_string(::getpid()) + "@test.invalid";
  s().admin("create-user --email " + email);
  s().admin("add-member --workspace " + s().workspace + " --user " + email + " --role " + role);
  return email;
}

// A user of the demo workspace with `role` and a token made with extra rjadmin options.
std::string newMemberToken(const std::string& role, const std::string& tokenOptions = "") {
  return s().admin("issue-token --user " + newMember(role) + " " + tokenOptions);
}
}  // namespace

TEST(Guards, MissingTokenIs401InTheNestShape) {
  auto response = s().call("GET", "/api/runner-jobs", "", s().workspace);
  EXPECT_EQ(response.status, 401);
  auto body = response.json();
  EXPECT_EQ(body["statusCode"].GetInt(), 401);
  EXPECT_STREQ(body["error"].GetString(), "Unauthorized");
  EXPECT_TRUE(body["message"].IsString());
  EXPECT_STREQ(body["code"].GetString(), "UNAUTHORIZED");
}

TEST(Guards, EveryRefusalNamesItsCode) {
  auto code = [](const HttpResponse& response) {
    auto body = response.json();
    return body.IsObject() && body.HasMember("code") ? std::string(body["code"].GetString())
                                                     : std::string("(none)");
  };
  EXPECT_EQ(code(s().call("GET", "/api/runner-jobs", s().tokenMember, "")), "INVALID_WORKSPACE_ID");
  EXPECT_EQ(code(s().call("GET", "/api/runner-jobs", s().tokenOther, s().workspace)),
            "NOT_A_MEMBER");
  EXPECT_EQ(code(s().call("POST", "/api/runner-jobs", s().tokenGuest, s().workspace,
                          R"({"type":"guest.try"})")),
            "ROLE_FORBIDDEN");
  EXPECT_EQ(code(s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace,
                          R"({"type":"x","bogus":1})")),
            "VALIDATION_FAILED");
  EXPECT_EQ(code(s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace, "{nope")),
            "INVALID_JSON");
  EXPECT_EQ(code(s().call("GET", "/api/runner-jobs/not-a-uuid", s().tokenMember, s().workspace)),
            "INVALID_ID");
  EXPECT_EQ(code(s().call("GET", "/api/runner-jobs/00000000-0000-4000-8000-000000000000",
                          s().tokenMember, s().workspace)),
            "JOB_NOT_FOUND");
  EXPECT_EQ(code(s().call("DELETE", "/api/runner-jobs", s().tokenMember, s().workspace)),
            "METHOD_NOT_ALLOWED");
}

TEST(Guards, UnknownTokenIs401) {
  EXPECT_EQ(listStatus("rjt_nope", s().workspace), 401);
}

TEST(Guards, NonBearerAuthorizationIs401) {
  auto response =
      httpRequest("GET", s().url + "/api/runner-jobs",
                  {"Authorization: Basic dXNlcjpwYXNz", "X-Workspace-Id: " + s().workspace});
  EXPECT_EQ(response.status, 401);
}

TEST(Guards, ExpiredTokenIs401) {
  std::string token = newMemberToken("MEMBER", "--expires 1s");
  ASSERT_FALSE(token.empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_EQ(listStatus(token, s().workspace), 401);
}

TEST(Guards, RjadminRefusesATokenThatIsDeadWhenIssued) {
  // rjadmin prints no token, says why on stderr and exits 2 (a usage error).
  auto refused =
      s().runAdmin("issue-token --user " + newMember("MEMBER") + " --expires 2020-01-01");
  EXPECT_EQ(refused.exitStatus, 2);
  EXPECT_EQ(refused.output, "");
  EXPECT_NE(refused.errors.find("--expires must be a time in the future"), std::string::npos)
      << refused.errors;
}

TEST(Guards, RevokedTokenIs401WithinTheTokenCacheBound) {
  std::string token = newMemberToken("MEMBER");
  // Every handler process of the list reads the token, and may remember it.
  for (int i = 0; i < 4; ++i) ASSERT_EQ(listStatus(token, s().workspace), 200);
  auto revokedAt = std::chrono::steady_clock::now();
  s().admin("revoke-token --token " + token);
  auto revokeCommitted = std::chrono::steady_clock::now();
  auto refused = timeUntilStatus(
      revokedAt, [&] { return listStatus(token, s().workspace); }, 401, 3 * kTokenCacheMaxAge);
  ASSERT_TRUE(refused.has_value()) << "the revoked token still worked after three times the bound";
  EXPECT_LE(refused->count(), (kTokenCacheMaxAge + std::chrono::milliseconds(1000)).count());
  // The first refusal may come from a process that had not remembered the token; one that had
  // may answer from its cache until the bound has passed since the revoke committed. From then on
  // every process refuses it.
  std::this_thread::sleep_until(revokeCommitted + kTokenCacheMaxAge);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(listStatus(token, s().workspace), 401);
}

TEST(Guards, TokenWithFutureExpiryIsAdmitted) {
  EXPECT_EQ(listStatus(newMemberToken("GUEST", "--expires 30d"), s().workspace), 200);
}

TEST(Guards, AuthIsCheckedBeforeTheWorkspace) {
  EXPECT_EQ(listStatus("rjt_nope", ""), 401);
  EXPECT_EQ(listStatus("", "not-a-uuid"), 401);
}

TEST(Guards, MissingWorkspaceIs400) {
  EXPECT_EQ(listStatus(s().tokenMember, ""), 400);
}

TEST(Guards, MalformedWorkspaceIs400) {
  EXPECT_EQ(listStatus(s().tokenMember, "not-a-uuid"), 400);
  EXPECT_EQ(listStatus(s().tokenMember, "' OR 1=1 --"), 400);
}

TEST(Guards, WorkspaceFromTheQueryParameter) {
  auto response =
      s().call("GET", "/api/runner-jobs?workspaceId=" + s().workspace, s().tokenMember, "");
  EXPECT_EQ(response.status, 200);
}

TEST(Guards, HeaderWinsOverQueryParameter) {
  auto response = s().call("GET", "/api/runner-jobs?workspaceId=" + s().otherWorkspace,
                           s().tokenMember, s().workspace);
  EXPECT_EQ(response.status, 200);
}

TEST(Guards, NonMemberIs403) {
  EXPECT_EQ(listStatus(s().tokenOther, s().workspace), 403);
  EXPECT_EQ(listStatus(s().tokenMember, s().otherWorkspace), 403);
}

TEST(Guards, UnknownWorkspaceIs403) {
  EXPECT_EQ(listStatus(s().tokenMember, "00000000-0000-4000-8000-000000000000"), 403);
}

TEST(Guards, GuestMayReadButNotWrite) {
  EXPECT_EQ(listStatus(s().tokenGuest, s().workspace), 200);
  auto create = s().call("POST", "/api/runner-jobs", s().tokenGuest, s().workspace,
                         R"({"type":"guest.try"})");
  EXPECT_EQ(create.status, 403);
  auto job = s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace,
                      R"({"type":"guest.target"})")
                 .json();
  std::string id = job["id"].GetString();
  EXPECT_EQ(
      s().call("POST", "/api/runner-jobs/" + id + "/cancel", s().tokenGuest, s().workspace).status,
      403);
  EXPECT_EQ(
      s().call("POST", "/api/runner-jobs/" + id + "/retry", s().tokenGuest, s().workspace).status,
      403);
  EXPECT_EQ(s().call("GET", "/api/runner-jobs/" + id, s().tokenGuest, s().workspace).status, 200);
}

TEST(Guards, OwnerMayWrite) {
  EXPECT_EQ(
      s().call("POST", "/api/runner-jobs", s().tokenOwner, s().workspace, R"({"type":"owner.try"})")
          .status,
      201);
}

TEST(Guards, HealthNeedsNoToken) {
  auto response = httpRequest("GET", s().url + "/api/health");
  EXPECT_EQ(response.status, 200);
  EXPECT_STREQ(response.json()["database"].GetString(), "ok");
}

}  // namespace rj::test
