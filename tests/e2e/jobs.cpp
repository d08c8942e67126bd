// The job endpoints through lighttpd: routing, bodies, validation, tenancy, idempotency.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "support/stack.h"

namespace rj::test {

namespace {
const Stack& s() {
  return stack();
}

HttpResponse create(const std::string& body, std::vector<std::string> headers = {}) {
  return s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace, body,
                  std::move(headers));
}

std::string createdId(const std::string& body) {
  auto response = create(body);
  EXPECT_EQ(response.status, 201) << response.body;
  return response.json()["id"].GetString();
}

HttpResponse get(const std::string& path) {
  return s().call("GET", path, s().tokenMember, s().workspace);
}
}  // namespace

TEST(Routing, UnknownPathIs404) {
  auto response = get("/api/nothing-here");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.json()["statusCode"].GetInt(), 404);
}

TEST(Routing, WrongMethodIs405WithAllow) {
  auto response = s().call("DELETE", "/api/runner-jobs", s().tokenMember, s().workspace);
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.header("allow"), "GET, POST");
  auto cancel = s().call("GET", "/api/runner-jobs/00000000-0000-4000-8000-000000000000/cancel",
                         s().tokenMember, s().workspace);
  EXPECT_EQ(cancel.status, 405);
  EXPECT_EQ(cancel.header("allow"), "POST");
}

TEST(CreateJob, Answers201WithTheQueuedJob) {
  auto response = create(R"({"type":"e2e.create","priority":9,"data":{"n":1}})");
  ASSERT_EQ(response.status, 201);
  EXPECT_EQ(response.header("content-type"), "application/json; charset=utf-8");
  auto job = response.json();
  EXPECT_STREQ(job["status"].GetString(), "QUEUED");
  EXPECT_EQ(job["priority"].GetInt(), 9);
  EXPECT_EQ(job["data"]["n"].GetInt(), 1);
  EXPECT_STREQ(job["workspaceId"].GetString(), s().workspace.c_str());
  std::string createdAt = job["createdAt"].GetString();
  EXPECT_EQ(createdAt.size(), 24u);
  EXPECT_EQ(createdAt.back(), 'Z');
}

TEST(CreateJob, MalformedJsonIs400) {
  auto response = create(R"({"type": )");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.json()["statusCode"].GetInt(), 400);
}

TEST(CreateJob, DeeplyNestedBodyIs400AndTheHandlerLivesOn) {
  // 200,000 levels once overflowed the parser's stack and killed the handler process.
  std::string deep = R"({"x":)" + std::string(200000, '[') + std::string(200000, ']') + "}";
  auto response = create(deep);
  ASSERT_EQ(response.status, 400) << response.body.substr(0, 200);
  EXPECT_EQ(response.header("content-type"), "application/json; charset=utf-8");
  auto body = response.json();
  EXPECT_EQ(body["statusCode"].GetInt(), 400);
  EXPECT_STREQ(body["message"].GetString(), "JSON nesting exceeds 64 levels");
  EXPECT_STREQ(body["code"].GetString(), "INVALID_JSON");
  std::string atLimit =
      R"({"type":"e2e.deep","data":{"x":)" + std::string(62, '[') + std::string(62, ']') + "}}";
  EXPECT_EQ(create(atLimit).status, 201);
  EXPECT_EQ(create(R"({"type":"e2e.deep"})").status, 201);
}

TEST(CreateJob, EveryEndpointThatReadsABodyRefusesDeepNesting) {
  std::string deep = R"({"x":)" + std::string(200000, '[') + std::string(200000, ']') + "}";
  std::string id = create(R"({"type":"e2e.deep"})").json()["id"].GetString();
  const std::vector<std::string> userPosts = {"/api/runner-jobs/" + id + "/cancel",
                                              "/api/runner-jobs/" + id + "/retry",
                                              "/api/auth/session"};
  for (const auto& path : userPosts) {
    auto response = s().call("POST", path, s().tokenMember, s().workspace, deep);
    EXPECT_EQ(response.status, 400) << path << ": " << response.body.substr(0, 200);
    EXPECT_NE(response.body.find("INVALID_JSON"), std::string::npos) << path;
  }
  const std::vector<std::string> runnerPosts = {"/api/runner/claim",
                                                "/api/runner/jobs/" + id + "/heartbeat",
                                                "/api/runner/jobs/" + id + "/events",
                                                "/api/runner/jobs/" + id + "/complete",
                                                "/api/runner/jobs/" + id + "/fail",
                                                "/api/runner/jobs/" + id + "/release"};
  for (const auto& path : runnerPosts) {
    auto response = httpRequest(
        "POST", s().url + path,
        {"Authorization: Bearer " + s().runnerToken, "Content-Type: application/json"}, deep);
    EXPECT_EQ(response.status, 400) << path << ": " << response.body.substr(0, 200);
    EXPECT_NE(response.body.find("INVALID_JSON"), std::string::npos) << path;
  }
  // A deep payload inside an otherwise fine runner event is refused the same way.
  std::string deepEvent = R"({"type":"step.output","payload":{"x":)" + std::string(100, '[') +
                          std::string(100, ']') + "}}";
  auto event = httpRequest(
      "POST", s().url + "/api/runner/jobs/" + id + "/events",
      {"Authorization: Bearer " + s().runnerToken, "Content-Type: application/json"}, deepEvent);
  EXPECT_EQ(event.status, 400) << event.body;
  // Every handler process is still there.
  EXPECT_EQ(s().call("GET", "/api/runner-jobs/" + id, s().tokenMember, s().workspace).status, 200);
  EXPECT_EQ(
      s().call("POST", "/api/runner-jobs/" + id + "/cancel", s().tokenMember, s().workspace).status,
      200);
}

TEST(CreateJob, WrongTypesAndUnknownFieldsAre400WithMessages) {
  auto response = create(R"({"type":"t","priority":"5","bogus":1})");
  ASSERT_EQ(response.status, 400);
  auto body = response.json();
  ASSERT_TRUE(body["message"].IsArray());
  std::set<std::string> messages;
  for (const auto& message : body["message"].GetArray()) messages.insert(message.GetString());
  EXPECT_TRUE(messages.count("priority must be an integer number"));
  EXPECT_TRUE(messages.count("property bogus should not exist"));
}

TEST(CreateJob, PriorityOver100Is400) {
  auto response = create(R"({"type":"t","priority":101})");
  ASSERT_EQ(response.status, 400);
  EXPECT_STREQ(response.json()["message"][0].GetString(), "priority must not be greater than 100");
}

TEST(CreateJob, BodyOver1MiBIs413AndCreatesNothing) {
  std::string before = get("/api/runner-jobs?type=e2e.huge").body;
  std::string body = R"({"type":"e2e.huge","data":{"s":")" + std::string(1100 * 1024, 'x') + "\"}}";
  auto response = create(body);
  EXPECT_EQ(response.status, 413);
  EXPECT_EQ(response.json()["statusCode"].GetInt(), 413);
  EXPECT_EQ(get("/api/runner-jobs?type=e2e.huge").json()["meta"]["total"].GetInt(), 0);
}

TEST(CreateJob, NonJsonContentTypeIs415) {
  auto response = create(R"({"type":"t"})", {"Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(response.status, 415);
}

TEST(CreateJob, SqlLookingAndUnicodeStringsRoundTrip) {
  std::string data = R"({"q":"'; DROP TABLE runner_jobs; --","u":"日本語 🚀 ä"})";
  std::string id = createdId(R"({"type":"e2e.verbatim","data":)" + data + "}");
  auto job = get("/api/runner-jobs/" + id).json();
  EXPECT_STREQ(job["data"]["q"].GetString(), "'; DROP TABLE runner_jobs; --");
  EXPECT_STREQ(job["data"]["u"].GetString(), "日本語 🚀 ä");
  EXPECT_EQ(get("/api/runner-jobs").status, 200);
}

TEST(CreateJob, SameIdempotencyKeyReturnsTheFirstJob) {
  std::string key = "Idempotency-Key: " + uniqueName("e2e");
  auto first = create(R"({"type":"e2e.idem"})", {key});
  auto second = create(R"({"type":"e2e.idem"})", {key});
  ASSERT_EQ(first.status, 201);
  ASSERT_EQ(second.status, 200);
  EXPECT_STREQ(first.json()["id"].GetString(), second.json()["id"].GetString());
  EXPECT_EQ(create(R"({"type":"e2e.other"})", {key}).status, 422);
  EXPECT_EQ(create(R"({"type":"e2e.idem"})", {"Idempotency-Key: " + std::string(256, 'k')}).status,
            400);
}

TEST(CreateJob, EightConcurrentIdempotentRequestsMakeOneJob) {
  // Unique per run: the suites may run again against the same database.
  std::string key = "Idempotency-Key: " + uniqueName("race");
  std::string type = uniqueName("e2e.idem.race");
  std::vector<std::thread> threads;
  std::vector<long> statuses(8);
  std::vector<std::string> ids(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto response = create(R"({"type":")" + type + R"("})", {key});
      statuses[i] = response.status;
      ids[i] = response.json()["id"].GetString();
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 7);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1u);
  EXPECT_EQ(get("/api/runner-jobs?type=" + type).json()["meta"]["total"].GetInt(), 1);
}

TEST(ListJobs, PaginationEdges) {
  std::string type = uniqueName("e2e.page");
  for (int i = 0; i < 3; ++i) createdId(R"({"type":")" + type + R"("})");
  auto page = get("/api/runner-jobs?type=" + type + "&limit=2&page=2").json();
  EXPECT_EQ(page["meta"]["total"].GetInt(), 3);
  EXPECT_EQ(page["meta"]["totalPages"].GetInt(), 2);
  EXPECT_EQ(page["data"].Size(), 1u);
  auto past = get("/api/runner-jobs?type=" + type + "&limit=2&page=9");
  EXPECT_EQ(past.status, 200);
  EXPECT_EQ(past.json()["data"].Size(), 0u);
  EXPECT_EQ(get("/api/runner-jobs?limit=0").status, 400);
  EXPECT_EQ(get("/api/runner-jobs?limit=101").status, 400);
  EXPECT_EQ(get("/api/runner-jobs?limit=abc").status, 400);
  EXPECT_EQ(get("/api/runner-jobs?page=0").status, 400);
  EXPECT_EQ(get("/api/runner-jobs?limit=100").status, 200);
}

TEST(ListJobs, StatusFilterTakesACommaList) {
  std::string type = uniqueName("e2e.status");
  std::string id = createdId(R"({"type":")" + type + R"("})");
  s().call("POST", "/api/runner-jobs/" + id + "/cancel", s().tokenMember, s().workspace);
  createdId(R"({"type":")" + type + R"("})");
  EXPECT_EQ(
      get("/api/runner-jobs?type=" + type + "&status=CANCELLED").json()["meta"]["total"].GetInt(),
      1);
  EXPECT_EQ(get("/api/runner-jobs?type=" + type + "&status=CANCELLED,QUEUED")
                .json()["meta"]["total"]
                .GetInt(),
            2);
  EXPECT_EQ(get("/api/runner-jobs?status=DONE").status, 400);
}

TEST(GetJob, IncludesStepsAndEvents) {
  std::string id = createdId(R"({"type":"e2e.detail"})");
  auto job = get("/api/runner-jobs/" + id).json();
  ASSERT_TRUE(job["steps"].IsArray());
  ASSERT_EQ(job["events"].Size(), 2u);
  EXPECT_STREQ(job["events"][0]["type"].GetString(), "job.created");
  EXPECT_EQ(job["events"][1]["seq"].GetInt(), 2);
}

TEST(GetJob, MalformedIdIs400AndUnknownIs404) {
  EXPECT_EQ(get("/api/runner-jobs/not-a-uuid").status, 400);
  EXPECT_EQ(get("/api/runner-jobs/%27%20OR%201%3D1").status, 400);
  auto missing = get("/api/runner-jobs/00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(missing.status, 404);
  EXPECT_STREQ(missing.json()["message"].GetString(),
               "Runner job with ID 00000000-0000-4000-8000-000000000000 not found");
}

TEST(GetJob, AnotherWorkspacesJobIs404) {
  auto foreign = s().call("POST", "/api/runner-jobs", s().tokenOther, s().otherWorkspace,
                          R"({"type":"e2e.foreign"})");
  ASSERT_EQ(foreign.status, 201);
  std::string id = foreign.json()["id"].GetString();
  EXPECT_EQ(get("/api/runner-jobs/" + id).status, 404);
  EXPECT_EQ(
      s().call("POST", "/api/runner-jobs/" + id + "/cancel", s().tokenMember, s().workspace).status,
      404);
  EXPECT_EQ(s().call("GET", "/api/runner-jobs/" + id, s().tokenOther, s().otherWorkspace)
                .json()["status"]
                .GetString(),
            std::string("QUEUED"));
}

TEST(CancelAndRetry, CancelThenRetryThenConflicts) {
  std::string id = createdId(R"({"type":"e2e.cancel","priority":3,"data":{"k":"v"}})");
  EXPECT_EQ(
      s().call("POST", "/api/runner-jobs/" + id + "/retry", s().tokenMember, s().workspace).status,
      409);
  auto cancelled =
      s().call("POST", "/api/runner-jobs/" + id + "/cancel", s().tokenMember, s().workspace);
  ASSERT_EQ(cancelled.status, 200);
  EXPECT_STREQ(cancelled.json()["status"].GetString(), "CANCELLED");
  auto again =
      s().call("POST", "/api/runner-jobs/" + id + "/cancel", s().tokenMember, s().workspace);
  EXPECT_EQ(again.status, 409);
  EXPECT_STREQ(again.json()["error"].GetString(), "Conflict");
  auto retried =
      s().call("POST", "/api/runner-jobs/" + id + "/retry", s().tokenMember, s().workspace);
  ASSERT_EQ(retried.status, 201);
  auto job = retried.json();
  EXPECT_STREQ(job["retryOfId"].GetString(), id.c_str());
  EXPECT_EQ(job["attempt"].GetInt(), 2);
  EXPECT_EQ(job["priority"].GetInt(), 3);
  EXPECT_STREQ(job["data"]["k"].GetString(), "v");
  EXPECT_EQ(
      s().call("POST", "/api/runner-jobs/bad-id/cancel", s().tokenMember, s().workspace).status,
      400);
}

TEST(CancelAndRetry, BodiesWithFieldsAre400AndChangeNothing) {
  std::string id = createdId(R"({"type":"e2e.cancel.body"})");
  auto response = s().call("POST", "/api/runner-jobs/" + id + "/cancel", s().tokenMember,
                           s().workspace, R"({"force":true})");
  EXPECT_EQ(response.status, 400);
  EXPECT_STREQ(response.json()["message"][0].GetString(), "property force should not exist");
  EXPECT_STREQ(get("/api/runner-jobs/" + id).json()["status"].GetString(), "QUEUED");
  EXPECT_EQ(
      s().call("POST", "/api/runner-jobs/" + id + "/cancel", s().tokenMember, s().workspace, "{}")
          .status,
      200);
}

}  // namespace rj::test
