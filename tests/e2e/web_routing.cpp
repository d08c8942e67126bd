// What the web server in front of the handlers decides: which handler a method and path reach,
// what unknown paths and wrong methods get, how large a body may be, and that the headers and the
// query string the handlers need arrive. Run against lighttpd here and against Apache and nginx
// by the web server fixtures (RJ_TEST_STACK_VAR).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <thread>

#include "errors/errors.h"
#include "support/handler_processes.h"
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

// An error the web server made itself, in the API's shape with a code.
void expectServerMadeJsonError(const HttpResponse& response, long status, const std::string& code) {
  expectJsonError(response, status);
  EXPECT_EQ(response.json()["code"].GetString(), code) << response.body;
}

// A spawn-fcgi pool (Apache mod_proxy_fcgi, nginx) has nothing that restarts a dead handler, and
// the suites after this one still need it; lighttpd, mod_fcgid and CGI start a new one themselves.
// The pool is the one docs/DEPLOY.md's blocks installed and started
// (tests/support/webserver-fixture: the install in var/prefix, its settings in var/etc, its sockets
// in var/run).
void restartPooledHandler(const std::string& name) {
  if (access((s().var + "/run/" + name + ".pid").c_str(), F_OK) != 0) return;
  std::string prefix = s().var + "/prefix";
  commandOutput("RJ_CONFIG='" + s().var + "/etc/db.conf' '" + prefix +
                "/deploy/spawn-fcgi/runner-jobs-pool' start '" + prefix + "/handlers' '" + s().var +
                "/run' " + name + " >&2");
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

TEST(WebRouting, BodyPastTheWebServersOwnLimitIs413Json) {
  // mod_fcgid ignores LimitRequestBody's refusal and starts the handler with an empty body (a 400
  // "type should not be empty", checked on 2.4.71 with mod_fcgid 2.3.9); docs/DEPLOY.md.
  if (s().var.size() >= 13 && s().var.compare(s().var.size() - 13, 13, "/apache-fcgid") == 0) {
    GTEST_SKIP() << "mod_fcgid passes a body past LimitRequestBody on as an empty one";
  }
  // Past the 4 MiB every configuration lets through, the web server refuses the body itself
  // (or the handler does from Content-Length first, as under mod_proxy_fcgi): 413 JSON either way.
  std::string padding(4608 * 1024, 'x');
  std::string body = R"({"type":"e2e.waytoolarge","data":{"padding":")" + padding + R"("}})";
  expectServerMadeJsonError(
      s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace, body), 413,
      "PAYLOAD_TOO_LARGE");
  EXPECT_EQ(total("e2e.waytoolarge"), 0);
}

TEST(WebRouting, AHandlerThatDiesBeforeAnsweringIs5xxJson) {
  // A claim that waits holds its handler; the handler's processes are killed under it, and the
  // web server answers for the handler.
  auto waiting = std::async(std::launch::async, [] {
    return s().call("POST", "/api/runner/claim", s().runnerToken, "",
                    R"({"types":["e2e.never-queued"],"waitSeconds":20})");
  });
  std::vector<pid_t> killed;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  // Under CGI the process exists only once the request reached it.
  while (killed.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    killed = handlerProcesses(s().var, "runner_claim");
  }
  ASSERT_FALSE(killed.empty()) << "no runner_claim process of " << s().var;
  for (pid_t pid : killed) kill(pid, SIGKILL);
  auto response = waiting.get();
  restartPooledHandler("runner_claim");
  ASSERT_GE(response.status, 500) << response.body;
  expectServerMadeJsonError(response, response.status,
                            response.status == 503 ? "SERVICE_UNAVAILABLE" : "INTERNAL_ERROR");

  // The handler serves again (started anew by the server, or by the pool above).
  long status = 0;
  for (int attempt = 0; attempt < 50 && status != 204; ++attempt) {
    if (attempt) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    status = s().call("POST", "/api/runner/claim", s().runnerToken, "",
                      R"({"types":["e2e.never-queued"]})")
                 .status;
  }
  EXPECT_EQ(status, 204);
}

TEST(WebRouting, TheHandlersOwnErrorsPassThroughUnchanged) {
  // The web server's error pages apply only to what it makes itself, not to the handlers' JSON.
  auto missing = s().call("GET", "/api/runner-jobs/00000000-0000-4000-8000-000000000000",
                          s().tokenMember, s().workspace);
  expectServerMadeJsonError(missing, 404, "JOB_NOT_FOUND");
  // A status the servers have an error page for: the handler's own 413 keeps its own message.
  std::string padding(1536 * 1024, 'x');
  auto tooLarge = s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace,
                           R"({"type":"e2e.toolarge","data":{"padding":")" + padding + R"("}})");
  expectServerMadeJsonError(tooLarge, 413, "PAYLOAD_TOO_LARGE");
  EXPECT_EQ(tooLarge.json()["message"].GetString(), PayloadTooLarge().messages().front());
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

namespace rj::test {

// Every answer names itself with X-Request-Id, so a client's report finds the handler's log line.
TEST(RequestIds, EveryAnswerCarriesAFreshId) {
  auto health = httpRequest("GET", s().url + "/api/health");
  auto unknown = httpRequest("GET", s().url + "/api/no-such-endpoint");
  EXPECT_EQ(unknown.status, 404);
  for (const auto& response : {health, unknown}) {
    std::string id = response.header("x-request-id");
    EXPECT_EQ(id.size(), 32u) << id;
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
  }
  EXPECT_NE(health.header("x-request-id"), unknown.header("x-request-id"));
}

TEST(RequestIds, AWellFormedIdIsEchoed) {
  std::string id = "client." + std::string(57, 'x');  // 64 characters, the most kept
  auto response = s().call("GET", "/api/runner-jobs?limit=1", s().tokenMember, s().workspace, "",
                           {"X-Request-Id: " + id});
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("x-request-id"), id);
  auto refused = httpRequest("GET", s().url + "/api/runner-jobs", {"X-Request-Id: Run_42-b"});
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.header("x-request-id"), "Run_42-b");
}

TEST(RequestIds, AnIllFormedIdIsReplaced) {
  for (const std::string& id : {std::string(65, 'x'), std::string("two words"),
                                std::string("semi;colon"), std::string("<b>")}) {
    auto response = httpRequest("GET", s().url + "/api/health", {"X-Request-Id: " + id});
    std::string answered = response.header("x-request-id");
    EXPECT_EQ(answered.size(), 32u) << id << " -> " << answered;
    EXPECT_NE(answered, id);
  }
}

}  // namespace rj::test
