// Browser sessions through lighttpd: POST/GET/DELETE /api/auth/session, the rj_session cookie as
// credentials, and the Origin check that keeps other sites from changing data with it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>

#include "auth/token_cache.h"
#include "support/eventually.h"
#include "support/stack.h"

namespace rj::test {

namespace {
const Stack& s() {
  return stack();
}

std::string cookieHeader(const std::string& token) {
  return "Cookie: rj_session=" + token;
}

// A request carrying only the cookie (as a browser does), with an Origin header unless empty.
HttpResponse cookieCall(const std::string& method, const std::string& path,
                        const std::string& token, const std::string& origin,
                        const std::string& body = "") {
  std::vector<std::string> headers = {cookieHeader(token), "X-Workspace-Id: " + s().workspace};
  if (!origin.empty()) headers.push_back("Origin: " + origin);
  return httpRequest(method, s().url + path, headers, body);
}

HttpResponse startSession(const std::string& token) {
  return httpRequest("POST", s().url + "/api/auth/session", {"Authorization: Bearer " + token});
}

int64_t jobCount() {
  auto response = s().call("GET", "/api/runner-jobs?limit=1", s().tokenMember, s().workspace);
  return response.json()["meta"]["total"].GetInt64();
}

std::string jobStatus(const std::string& id) {
  auto job = s().call("GET", "/api/runner-jobs/" + id, s().tokenMember, s().workspace).json();
  return job["status"].GetString();
}

std::string createJob(const std::string& type) {
  auto job = s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace,
                      R"({"type":")" + type + R"("})")
                 .json();
  return job["id"].GetString();
}

// A member of the demo workspace with a fresh token (rjadmin options for the token).
std::string newMemberToken(const std::string& tokenOptions = "") {
  static int counter = 0;
  std::string email =
      "session" + std::to_string(++counter) + "-" + std::to_string(::getpid()) + "@test.invalid";
  s().admin("create-user --email " + email);
  s().admin("add-member --workspace " + s().workspace + " --user " + email + " --role MEMBER");
  return s().admin("issue-token --user " + email + " " + tokenOptions);
}

int64_t maxAgeOf(const std::string& setCookie) {
  auto at = setCookie.find("Max-Age=");
  return at == std::string::npos ? -1 : std::stoll(setCookie.substr(at + 8));
}
}  // namespace

TEST(Session, PostSetsAnHttpOnlyStrictCookieAndDescribesTheUser) {
  auto response = startSession(s().tokenMember);
  ASSERT_EQ(response.status, 200) << response.body;
  std::string cookie = response.header("set-cookie");
  EXPECT_EQ(cookie.rfind("rj_session=" + s().tokenMember + ";", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos);
  EXPECT_NE(cookie.find("; Path=/api"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "plain HTTP: no Secure";
  EXPECT_EQ(maxAgeOf(cookie), 7 * 24 * 3600);
  EXPECT_EQ(response.header("cache-control"), "no-store");

  auto body = response.json();
  EXPECT_STREQ(body["user"]["email"].GetString(), "member@demo.test");
  bool found = false;
  for (const auto& workspace : body["workspaces"].GetArray()) {
    if (workspace["id"].GetString() == s().workspace) {
      found = true;
      EXPECT_STREQ(workspace["role"].GetString(), "MEMBER");
      EXPECT_STREQ(workspace["name"].GetString(), "Demo");
    }
    EXPECT_NE(workspace["id"].GetString(), s().otherWorkspace);
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(body.FindMember("token"), body.MemberEnd());
  EXPECT_EQ(response.body.find(s().tokenMember), std::string::npos) << "the body never echoes it";
}

TEST(Session, CookieLifetimeIsBoundedByTheTokenExpiry) {
  std::string token = newMemberToken("--expires 1h");
  ASSERT_FALSE(token.empty());
  auto response = startSession(token);
  ASSERT_EQ(response.status, 200);
  int64_t maxAge = maxAgeOf(response.header("set-cookie"));
  EXPECT_LE(maxAge, 3600);
  EXPECT_GT(maxAge, 3500);
}

TEST(Session, UnknownTokenIs401WithoutACookie) {
  auto response = startSession("rjt_nope");
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.header("set-cookie"), "");
  EXPECT_EQ(response.json()["statusCode"].GetInt(), 401);
}

TEST(Session, ExpiredTokenIs401) {
  std::string token = newMemberToken("--expires 1s");
  ASSERT_FALSE(token.empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_EQ(startSession(token).status, 401);
}

TEST(Session, CannotStartFromTheCookieAlone) {
  auto response = cookieCall("POST", "/api/auth/session", s().tokenMember, s().url);
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.header("set-cookie"), "");
}

TEST(Session, RunnerEndpointsDoNotTakeTheCookie) {
  // Even a runner token in the cookie does not authenticate a runner: runners send a bearer header.
  auto response = cookieCall("POST", "/api/runner/claim", s().runnerToken, s().url);
  EXPECT_EQ(response.status, 401) << response.body;
  auto bearer =
      httpRequest("POST", s().url + "/api/runner/claim",
                  {"Authorization: Bearer " + s().runnerToken}, R"({"types":["session.none"]})");
  EXPECT_EQ(bearer.status, 204) << bearer.body;
}

TEST(Session, BodyFieldsAre400) {
  auto response = httpRequest("POST", s().url + "/api/auth/session",
                              {"Authorization: Bearer " + s().tokenMember}, R"({"token":"x"})");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.header("set-cookie"), "");
  auto malformed = httpRequest("POST", s().url + "/api/auth/session",
                               {"Authorization: Bearer " + s().tokenMember}, "{nope");
  EXPECT_EQ(malformed.status, 400);
}

TEST(Session, OtherMethodsAre405) {
  auto response = httpRequest("PUT", s().url + "/api/auth/session", {});
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.header("allow"), "GET, POST, DELETE");
}

TEST(Session, CookieAuthenticatesReads) {
  EXPECT_EQ(cookieCall("GET", "/api/runner-jobs", s().tokenMember, "").status, 200);
  auto session = cookieCall("GET", "/api/auth/session", s().tokenMember, "");
  ASSERT_EQ(session.status, 200);
  EXPECT_STREQ(session.json()["user"]["email"].GetString(), "member@demo.test");
}

TEST(Session, GetWithoutCredentialsIs401) {
  EXPECT_EQ(httpRequest("GET", s().url + "/api/auth/session").status, 401);
}

TEST(Session, CookieGuardsStillApply) {
  EXPECT_EQ(cookieCall("GET", "/api/runner-jobs", "rjt_nope", "").status, 401);
  auto other =
      httpRequest("GET", s().url + "/api/runner-jobs",
                  {cookieHeader(s().tokenMember), "X-Workspace-Id: " + s().otherWorkspace});
  EXPECT_EQ(other.status, 403);
  auto guest = cookieCall("POST", "/api/runner-jobs", s().tokenGuest, s().url, R"({"type":"g"})");
  EXPECT_EQ(guest.status, 403);
}

TEST(OriginCheck, CookiePostWithoutOriginIs403AndChangesNothing) {
  int64_t before = jobCount();
  auto response =
      cookieCall("POST", "/api/runner-jobs", s().tokenMember, "", R"({"type":"csrf.none"})");
  EXPECT_EQ(response.status, 403);
  EXPECT_NE(response.json()["message"].GetString(), std::string());
  EXPECT_EQ(jobCount(), before);
}

TEST(OriginCheck, CookiePostFromAForeignOriginIs403AndChangesNothing) {
  int64_t before = jobCount();
  std::vector<std::string> origins = {"http://evil.example", "null", "https://127.0.0.1",
                                      s().url + ".evil.example", "http://localhost"};
  for (const auto& origin : origins) {
    auto response =
        cookieCall("POST", "/api/runner-jobs", s().tokenMember, origin, R"({"type":"csrf.x"})");
    EXPECT_EQ(response.status, 403) << origin;
  }
  EXPECT_EQ(jobCount(), before);

  std::string id = createJob("csrf.target");
  auto cancel = cookieCall("POST", "/api/runner-jobs/" + id + "/cancel", s().tokenMember,
                           "http://evil.example");
  EXPECT_EQ(cancel.status, 403);
  EXPECT_EQ(jobStatus(id), "QUEUED");
}

TEST(OriginCheck, CookiePostFromTheSameOriginWorks) {
  int64_t before = jobCount();
  auto created =
      cookieCall("POST", "/api/runner-jobs", s().tokenMember, s().url, R"({"type":"cookie.ok"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(jobCount(), before + 1);
  std::string id = created.json()["id"].GetString();
  auto cancel = cookieCall("POST", "/api/runner-jobs/" + id + "/cancel", s().tokenMember, s().url);
  EXPECT_EQ(cancel.status, 200) << cancel.body;
  EXPECT_EQ(jobStatus(id), "CANCELLED");
}

TEST(OriginCheck, BearerRequestsNeedNoOrigin) {
  auto response =
      httpRequest("POST", s().url + "/api/runner-jobs",
                  {"Authorization: Bearer " + s().tokenMember, "X-Workspace-Id: " + s().workspace,
                   cookieHeader(s().tokenGuest), "Origin: http://evil.example"},
                  R"({"type":"bearer.ok"})");
  EXPECT_EQ(response.status, 201) << "the header wins over the cookie; Origin is not checked";
}

TEST(SessionEnd, DeleteClearsTheCookie) {
  auto response = cookieCall("DELETE", "/api/auth/session", s().tokenMember, s().url);
  EXPECT_EQ(response.status, 204);
  std::string cookie = response.header("set-cookie");
  EXPECT_EQ(cookie.rfind("rj_session=;", 0), 0u) << cookie;
  EXPECT_EQ(maxAgeOf(cookie), 0);
  EXPECT_NE(cookie.find("; Path=/api"), std::string::npos);
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos);
}

TEST(SessionEnd, DeleteFromAForeignOriginIs403) {
  auto response = cookieCall("DELETE", "/api/auth/session", s().tokenMember, "http://evil.example");
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(response.header("set-cookie"), "");
}

TEST(SessionEnd, DeleteWorksWithAStaleCookieOrNone) {
  EXPECT_EQ(cookieCall("DELETE", "/api/auth/session", "rjt_gone", s().url).status, 204);
  EXPECT_EQ(httpRequest("DELETE", s().url + "/api/auth/session").status, 204);
}

TEST(SessionEnd, RevokedTokensCookieIs401WithinTheTokenCacheBound) {
  std::string token = newMemberToken();
  ASSERT_EQ(startSession(token).status, 200);
  ASSERT_EQ(cookieCall("GET", "/api/runner-jobs", token, "").status, 200);
  auto revokedAt = std::chrono::steady_clock::now();
  s().admin("revoke-token --token " + token);
  auto revokeCommitted = std::chrono::steady_clock::now();
  auto refused = timeUntilStatus(
      revokedAt, [&] { return cookieCall("GET", "/api/runner-jobs", token, "").status; }, 401,
      3 * kTokenCacheMaxAge);
  ASSERT_TRUE(refused.has_value());
  EXPECT_LE(refused->count(), (kTokenCacheMaxAge + std::chrono::milliseconds(1000)).count());
  // The session endpoint and create are other processes: past the bound they refuse it too.
  std::this_thread::sleep_until(revokeCommitted + kTokenCacheMaxAge);
  EXPECT_EQ(cookieCall("GET", "/api/auth/session", token, "").status, 401);
  EXPECT_EQ(cookieCall("POST", "/api/runner-jobs", token, s().url, R"({"type":"r"})").status, 401);
}

namespace {
// Runs a handler as plain CGI (how a server passes HTTPS=on without TLS in the test) with the
// settings file `config` and `body` on stdin.
std::string runHandlerCgi(const std::string& handler, const std::string& variables,
                          const std::string& config, const std::string& body = "") {
  std::string command = "printf '%s' '" + body + "' | env -i RJ_CONFIG='" + config +
                        "' ASAN_OPTIONS=\"$ASAN_OPTIONS\" LSAN_OPTIONS=\"$LSAN_OPTIONS\" "
                        "GATEWAY_INTERFACE=CGI/1.1 " +
                        variables + " '" + std::string(RJ_BUILD_DIR) + "/handlers/" + handler + "'";
  return commandOutput(command);
}

std::string runSessionCgi(const std::string& variables,
                          const std::string& config = s().var + "/db.conf") {
  return runHandlerCgi("auth_session",
                       "REQUEST_METHOD=POST REQUEST_URI=/api/auth/session "
                       "HTTP_AUTHORIZATION='Bearer " +
                           s().tokenMember + "' " + variables,
                       config);
}
}  // namespace

TEST(Session, CookieIsSecureOverHttps) {
  std::string secure = runSessionCgi("HTTPS=on");
  EXPECT_EQ(secure.rfind("Status: 200 OK\r\n", 0), 0u) << secure;
  EXPECT_NE(secure.find("; SameSite=Strict; Secure\r\n"), std::string::npos) << secure;
  std::string plain = runSessionCgi("");
  EXPECT_EQ(plain.rfind("Status: 200 OK\r\n", 0), 0u) << plain;
  EXPECT_EQ(plain.find("Secure"), std::string::npos) << plain;
}

}  // namespace rj::test

namespace rj::test {

namespace {
// The stack's settings plus RJ_PUBLIC_ORIGIN: a handler behind a proxy that ends TLS.
std::string publicOriginConfig() {
  std::string path = s().var + "/public-origin.conf";
  std::string command = "cp '" + s().var + "/db.conf' '" + path +
                        "' && echo RJ_PUBLIC_ORIGIN=https://public.example/ >>'" + path + "'";
  EXPECT_EQ(std::system(command.c_str()), 0);
  return path;
}

// A job created with the session cookie only, as the proxy passes it on: plain HTTP, the
// proxy's upstream Host, the browser's Origin.
std::string createWithCookieBehindProxy(const std::string& origin) {
  std::string body = R"({"type":"proxy.origin"})";
  return runHandlerCgi("jobs_create",
                       "REQUEST_METHOD=POST REQUEST_URI=/api/runner-jobs "
                       "CONTENT_TYPE=application/json CONTENT_LENGTH=" +
                           std::to_string(body.size()) + " HTTP_HOST=127.0.0.1:8080 " +
                           "HTTP_COOKIE=rj_session=" + s().tokenMember +
                           " HTTP_X_WORKSPACE_ID=" + s().workspace + " HTTP_ORIGIN=" + origin,
                       publicOriginConfig(), body);
}
}  // namespace

TEST(PublicOrigin, CookieIsSecureBehindAProxyThatEndsTls) {
  std::string output = runSessionCgi("HTTP_HOST=127.0.0.1:8080", publicOriginConfig());
  EXPECT_EQ(output.rfind("Status: 200 OK\r\n", 0), 0u) << output;
  EXPECT_NE(output.find("; SameSite=Strict; Secure\r\n"), std::string::npos) << output;
}

TEST(PublicOrigin, CookieWriteFromThePublicOriginIsAllowed) {
  std::string output = createWithCookieBehindProxy("https://public.example");
  EXPECT_EQ(output.rfind("Status: 201 Created\r\n", 0), 0u) << output;
}

TEST(PublicOrigin, CookieWriteFromAnyOtherOriginIs403) {
  for (const char* origin :
       {"https://other.example", "http://127.0.0.1:8080", "http://public.example"}) {
    std::string output = createWithCookieBehindProxy(origin);
    EXPECT_EQ(output.rfind("Status: 403 Forbidden\r\n", 0), 0u) << origin << output;
    EXPECT_NE(output.find("CROSS_ORIGIN_REFUSED"), std::string::npos) << output;
  }
}

}  // namespace rj::test
