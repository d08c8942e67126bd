// What the web server in front of the handlers decides: which handler a method and path reach,
// what unknown paths and wrong methods get, how large a body may be, and that the headers and the
// query string the handlers need arrive. Run against lighttpd here and against Apache and nginx
// by the web server fixtures (RJ_TEST_STACK_VAR).
#include <gtest/gtest.h>

#include "support/stack.h"

namespace rj::test {

namespace {
const Stack& s() {
  return stack();
}

void expectJsonError(const HttpResponse& response, long status) {
  EXPECT_EQ(response.status, status) << response.body;
  EXPECT_EQ(response.header("content-type").rfind("application/json", 0), 0u)
      << response.header("content-type");
  EXPECT_EQ(response.json()["statusCode"].GetInt(), status);
}

long total(const std::string& type) {
  auto response = s().call("GET", "/api/runner-jobs?type=" + type, s().tokenMember, s().workspace);
  EXPECT_EQ(response.status, 200) << response.body;
  return response.json()["meta"]["total"].GetInt();
}
}  // namespace

TEST(WebRouting, UnknownApiPathIs404Json) {
  expectJsonError(httpRequest("GET", s().url + "/api/no-such-endpoint"), 404);
  expectJsonError(httpRequest("GET", s().url + "/api"), 404);
  expectJsonError(httpRequest("POST", s().url + "/api/runner-jobs/x/y/z", {}, "{}"), 404);
  auto response = httpRequest("GET", s().url + "/api/no-such-endpoint");
  EXPECT_NE(response.json()["message"].GetString(), std::string());
}

TEST(WebRouting, TheServerDoesNotAdvertiseItsVersion) {
  for (const char* path : {"/api/health", "/api/no-such-endpoint", "/"}) {
    auto response = httpRequest("GET", s().url + path);
    std::string server = response.header("server");
    EXPECT_EQ(server.find_first_of("0123456789"), std::string::npos) << path << ": " << server;
  }
}

TEST(WebRouting, HeadOnAGetRouteAnswersItsHeadersWithoutTheBody) {
  auto health = httpRequest("HEAD", s().url + "/api/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.header("content-type").rfind("application/json", 0), 0u);
  EXPECT_EQ(health.body, "");
  auto created = s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace,
                          R"({"type":"routing.head"})");
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = created.json()["id"].GetString();
  auto job = s().call("HEAD", "/api/runner-jobs/" + id, s().tokenMember, s().workspace);
  EXPECT_EQ(job.status, 200);
  EXPECT_EQ(job.body, "");
  // The guards still apply, and a stream is not started (the answer ends at once).
  EXPECT_EQ(s().call("HEAD", "/api/runner-jobs/" + id, "", s().workspace).status, 401);
  auto stream =
      s().call("HEAD", "/api/runner-jobs/" + id + "/events/stream", s().tokenMember, s().workspace);
  EXPECT_EQ(stream.status, 200);
  EXPECT_EQ(stream.header("content-type").rfind("text/event-stream", 0), 0u);
  // A route without GET does not take HEAD either.
  auto claim = httpRequest("HEAD", s().url + "/api/runner/claim");
  EXPECT_EQ(claim.status, 405);
}

TEST(WebRouting, WrongMethodIs405WithAllow) {
  auto health = httpRequest("POST", s().url + "/api/health", {}, "{}");
  expectJsonError(health, 405);
  EXPECT_EQ(health.header("allow"), "GET");
  auto jobs = httpRequest("DELETE", s().url + "/api/runner-jobs");
  expectJsonError(jobs, 405);
  EXPECT_NE(jobs.header("allow").find("GET"), std::string::npos) << jobs.header("allow");
  EXPECT_NE(jobs.header("allow").find("POST"), std::string::npos) << jobs.header("allow");
  auto cancel = httpRequest("GET", s().url + "/api/runner-jobs/" + s().workspace + "/cancel");
  expectJsonError(cancel, 405);
  EXPECT_EQ(cancel.header("allow"), "POST");
}

TEST(WebRouting, EachMethodOfOnePathReachesItsOwnHandler) {
  auto created = s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace,
                          R"({"type":"e2e.routing"})");
  EXPECT_EQ(created.status, 201) << created.body;
  auto listed =
      s().call("GET", "/api/runner-jobs?type=e2e.routing", s().tokenMember, s().workspace);
  EXPECT_EQ(listed.status, 200) << listed.body;
  EXPECT_TRUE(listed.json()["data"].IsArray());
}

TEST(WebRouting, TrailingSlashIsTheSameEndpoint) {
  EXPECT_EQ(s().call("GET", "/api/runner-jobs/", s().tokenMember, s().workspace).status, 200);
  EXPECT_EQ(httpRequest("GET", s().url + "/api/health/").status, 200);
}

TEST(WebRouting, AuthorizationHeaderReachesTheHandler) {
  // Apache hides Authorization from FastCGI and CGI programs unless configured to pass it.
  EXPECT_EQ(s().call("GET", "/api/runner-jobs", s().tokenMember, s().workspace).status, 200);
  EXPECT_EQ(s().call("GET", "/api/runner-jobs", "", s().workspace).status, 401);
  EXPECT_EQ(s().call("GET", "/api/runner-jobs", s().tokenOther, s().workspace).status, 403);
}

TEST(WebRouting, QueryStringReachesTheHandler) {
  for (int i = 0; i < 2; ++i) {
    s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace, R"({"type":"e2e.query"})");
  }
  auto page =
      s().call("GET", "/api/runner-jobs?type=e2e.query&limit=1", s().tokenMember, s().workspace);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.json()["data"].Size(), 1u);
  EXPECT_GE(page.json()["meta"]["total"].GetInt(), 2);
  EXPECT_EQ(s().call("GET", "/api/runner-jobs?limit=abc", s().tokenMember, s().workspace).status,
            400);
}

TEST(WebRouting, BodyOverOneMebibyteIs413AndChangesNothing) {
  std::string padding(1536 * 1024, 'x');
  std::string body = R"({"type":"e2e.toolarge","data":{"padding":")" + padding + R"("}})";
  expectJsonError(s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace, body), 413);
  EXPECT_EQ(total("e2e.toolarge"), 0);
}

TEST(WebRouting, BodiesUnderOneMebibyteReachTheHandler) {
  // Both are past mod_fcgid's default 128 KiB request limit, which the deployment raises.
  std::string fits(200 * 1024, 'x');
  auto created = s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace,
                          R"({"type":"e2e.large","data":{"padding":")" + fits + R"("}})");
  EXPECT_EQ(created.status, 201) << created.body.substr(0, 300);
  // Over the 256 KiB data limit: the handler's own validation answers, not the web server.
  std::string tooMuchData(900 * 1024, 'x');
  expectJsonError(s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace,
                           R"({"type":"e2e.large","data":{"padding":")" + tooMuchData + R"("}})"),
                  400);
}

TEST(WebRouting, HandlerProgramsAreNotServedByTheirOwnPath) {
  // The shared-hosting layout keeps the handler wrappers under /rj-bin/; elsewhere that is no path.
  for (const char* path : {"/rj-bin/jobs_list", "/rj-bin/health", "/rj-bin/.htaccess"}) {
    auto response = httpRequest("GET", s().url + path);
    EXPECT_TRUE(response.status == 403 || response.status == 404) << path << " " << response.status;
    EXPECT_EQ(response.body.find("\"data\""), std::string::npos);
  }
}

}  // namespace rj::test
