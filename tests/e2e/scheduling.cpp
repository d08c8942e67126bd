// Scheduling, retries, unique jobs and concurrency limits through lighttpd with real HTTP
// clients: the create body's new fields, their validation, and the runner API obeying them.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "support/stack.h"
#include "util/crypto.h"
#include "util/time.h"

namespace rj::test {

namespace {
using namespace std::chrono_literals;

const Stack& s() {
  return stack();
}

HttpResponse create(const std::string& body) {
  return s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace, body);
}

HttpResponse claim(const std::string& token) {
  return s().call("POST", "/api/runner/claim", token, "", "");
}

HttpResponse getJob(const std::string& id) {
  return s().call("GET", "/api/runner-jobs/" + id, s().tokenMember, s().workspace);
}

int64_t millisecondsUntil(const char* isoTime) {
  return *parseIsoUtcMilliseconds(isoTime) - nowEpochMilliseconds();
}

void sleepMilliseconds(int64_t milliseconds) {
  if (milliseconds > 0) std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
}
}  // namespace

TEST(Scheduling, EveryFieldIsAcceptedAndShownOnTheJobAndInTheList) {
  std::string type = uniqueName("e2e.fields");
  auto created = create(R"({"type":")" + type +
                        R"(","runAt":"2099-01-01T00:00:00Z","maxAttempts":4,"backoffSeconds":7,)"
                        R"("timeoutSeconds":60,"uniqueKey":"k'; DROP TABLE runner_jobs; --",)"
                        R"("concurrencyKey":"smtp","concurrencyLimit":2})");
  // 2099 is more than 365 days ahead.
  ASSERT_EQ(created.status, 400) << created.body;
  created = create(R"({"type":")" + type +
                   R"(","delaySeconds":3600,"maxAttempts":4,"backoffSeconds":7,)"
                   R"("timeoutSeconds":60,"uniqueKey":"k'; DROP TABLE runner_jobs; --",)"
                   R"("concurrencyKey":"smtp","concurrencyLimit":2})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto job = created.json();
  EXPECT_STREQ(job["status"].GetString(), "QUEUED");
  int64_t untilDue = millisecondsUntil(job["runAt"].GetString());
  EXPECT_GT(untilDue, 3590000);
  EXPECT_LE(untilDue, 3600000);
  EXPECT_EQ(job["maxAttempts"].GetInt(), 4);
  EXPECT_EQ(job["backoffSeconds"].GetInt(), 7);
  EXPECT_EQ(job["timeoutSeconds"].GetInt(), 60);
  EXPECT_STREQ(job["uniqueKey"].GetString(), "k'; DROP TABLE runner_jobs; --");
  EXPECT_STREQ(job["concurrencyKey"].GetString(), "smtp");
  EXPECT_EQ(job["concurrencyLimit"].GetInt(), 2);
  std::string id = job["id"].GetString();
  EXPECT_STREQ(getJob(id).json()["runAt"].GetString(), job["runAt"].GetString());
  auto list = s().call("GET", "/api/runner-jobs?type=" + type, s().tokenMember, s().workspace);
  ASSERT_EQ(list.status, 200);
  EXPECT_STREQ(list.json()["data"][0]["runAt"].GetString(), job["runAt"].GetString());
  // A plain job shows its defaults.
  auto plain = create(R"({"type":")" + type + R"("})").json();
  EXPECT_EQ(plain["maxAttempts"].GetInt(), 3);
  EXPECT_EQ(plain["backoffSeconds"].GetInt(), 10);
  EXPECT_TRUE(plain["timeoutSeconds"].IsNull());
  EXPECT_TRUE(plain["uniqueKey"].IsNull());
  EXPECT_TRUE(plain["concurrencyKey"].IsNull());
  EXPECT_LT(std::abs(millisecondsUntil(plain["runAt"].GetString())), 5000);
  // A scheduled job can be cancelled.
  auto cancelled =
      s().call("POST", "/api/runner-jobs/" + id + "/cancel", s().tokenMember, s().workspace);
  EXPECT_EQ(cancelled.status, 200);
  EXPECT_STREQ(cancelled.json()["status"].GetString(), "CANCELLED");
}

TEST(Scheduling, BadValuesAre400WithAMessageAndCreateNothing) {
  std::string type = uniqueName("e2e.bad");
  const std::pair<const char*, const char*> cases[] = {
      {R"("runAt":"2026-01-01T00:00:00+02:00")",
       "runAt must be an ISO-8601 UTC timestamp (2026-01-31T12:00:00Z) at most 365 days ahead"},
      {R"("runAt":"tomorrow")",
       "runAt must be an ISO-8601 UTC timestamp (2026-01-31T12:00:00Z) at most 365 days ahead"},
      {R"("runAt":"2026-01-01T00:00:00Z","delaySeconds":1)",
       "runAt and delaySeconds cannot both be given"},
      {R"("delaySeconds":"60")", "delaySeconds must be an integer number"},
      {R"("delaySeconds":31536001)", "delaySeconds must not be greater than 31536000"},
      {R"("maxAttempts":26)", "maxAttempts must not be greater than 25"},
      {R"("backoffSeconds":0)", "backoffSeconds must not be less than 1"},
      {R"("timeoutSeconds":604801)", "timeoutSeconds must not be greater than 604800"},
      {R"("uniqueKey":7)", "uniqueKey must be a string"},
      {R"("concurrencyLimit":3)", "concurrencyLimit needs a concurrencyKey"},
      {R"("concurrencyKey":"k","concurrencyLimit":0)", "concurrencyLimit must not be less than 1"},
  };
  for (const auto& [fields, message] : cases) {
    auto response = create(R"({"type":")" + type + R"(",)" + fields + "}");
    EXPECT_EQ(response.status, 400) << fields;
    if (response.status != 400) continue;
    auto body = response.json();
    EXPECT_STREQ(body["code"].GetString(), "VALIDATION_FAILED");
    ASSERT_TRUE(body["message"].IsArray()) << response.body;
    EXPECT_STREQ(body["message"][0].GetString(), message) << fields;
  }
  auto list = s().call("GET", "/api/runner-jobs?type=" + type, s().tokenMember, s().workspace);
  EXPECT_EQ(list.json()["meta"]["total"].GetInt(), 0);
}

TEST(Scheduling, AScheduledJobIsClaimableOnlyFromItsRunAt) {
  std::string type = uniqueName("e2e.runat");
  std::string token = s().createRunner(type);
  auto created = create(R"({"type":")" + type + R"(","delaySeconds":2})");
  ASSERT_EQ(created.status, 201) << created.body;
  std::string runAt = created.json()["runAt"].GetString();
  sleepMilliseconds(millisecondsUntil(runAt.c_str()) - 1000);
  EXPECT_EQ(claim(token).status, 204) << "claimable a second before runAt";
  sleepMilliseconds(millisecondsUntil(runAt.c_str()) + 100);
  auto claimed = claim(token);
  ASSERT_EQ(claimed.status, 200) << claimed.body;
  EXPECT_STREQ(claimed.json()["id"].GetString(), created.json()["id"].GetString());
}

TEST(Scheduling, RetryableFailuresComeBackAfterTheBackoffAndTheLastFails) {
  std::string type = uniqueName("e2e.retry");
  std::string token = s().createRunner(type);
  auto created = create(R"({"type":")" + type + R"(","maxAttempts":2,"backoffSeconds":1})");
  ASSERT_EQ(created.status, 201);
  std::string id = created.json()["id"].GetString();
  std::string fail = "/api/runner/jobs/" + id + "/fail";
  ASSERT_EQ(claim(token).status, 200);
  auto wrongType = s().call("POST", fail, token, "", R"({"error":"x","retryable":"yes"})");
  EXPECT_EQ(wrongType.status, 400);
  auto retried = s().call("POST", fail, token, "", R"({"error":"busy","retryable":true})");
  ASSERT_EQ(retried.status, 200) << retried.body;
  auto job = retried.json();
  EXPECT_STREQ(job["status"].GetString(), "QUEUED");
  EXPECT_EQ(job["attempt"].GetInt(), 2);
  int64_t wait = millisecondsUntil(job["runAt"].GetString());
  EXPECT_GT(wait, 200);
  EXPECT_LE(wait, 1000);
  EXPECT_EQ(claim(token).status, 204) << "claimable during its backoff";
  sleepMilliseconds(wait + 100);
  ASSERT_EQ(claim(token).status, 200);
  auto failed = s().call("POST", fail, token, "", R"({"error":"busy again","retryable":true})");
  ASSERT_EQ(failed.status, 200);
  EXPECT_STREQ(failed.json()["status"].GetString(), "FAILED");
  auto detail = getJob(id).json();
  bool scheduled = false;
  for (const auto& event : detail["events"].GetArray()) {
    if (std::string(event["type"].GetString()) != "job.retry_scheduled") continue;
    scheduled = true;
    EXPECT_EQ(event["attempt"].GetInt(), 2);
    EXPECT_STREQ(event["error"].GetString(), "busy");
    EXPECT_STREQ(event["runAt"].GetString(), job["runAt"].GetString());
  }
  EXPECT_TRUE(scheduled);
}

TEST(Scheduling, EightRacingCreatesWithOneUniqueKeyMakeOneJobAndTheOthersNameIt) {
  std::string key = uniqueName("e2e.unique");
  std::string body = R"({"type":"e2e.unique","uniqueKey":")" + key + "\"}";
  std::mutex lock;
  std::vector<HttpResponse> answers;
  std::vector<std::thread> clients;
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&] {
      HttpResponse response = create(body);
      std::lock_guard<std::mutex> guard(lock);
      answers.push_back(std::move(response));
    });
  }
  for (auto& client : clients) client.join();
  std::set<std::string> created, named;
  for (const auto& answer : answers) {
    if (answer.status == 201) {
      created.insert(answer.json()["id"].GetString());
    } else {
      EXPECT_EQ(answer.status, 409) << answer.body;
      auto error = answer.json();
      EXPECT_STREQ(error["code"].GetString(), "JOB_NOT_UNIQUE");
      named.insert(error["jobId"].GetString());
    }
  }
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(named, created);
  // Free again once the job is terminal.
  s().call("POST", "/api/runner-jobs/" + *created.begin() + "/cancel", s().tokenMember,
           s().workspace);
  EXPECT_EQ(create(body).status, 201);
}

TEST(Scheduling, AConcurrencyKeyAtItsLimitIsPassedOverUntilASlotFrees) {
  std::string type = uniqueName("e2e.limit");
  std::string token = s().createRunner(type);
  // A key of its own: a job of an earlier run against the same database may still hold "db".
  std::string body = R"({"type":")" + type + R"(","concurrencyKey":")" + uniqueName("db") +
                     R"(","concurrencyLimit":1})";
  ASSERT_EQ(create(body).status, 201);
  ASSERT_EQ(create(body).status, 201);
  auto free = create(R"({"type":")" + type + R"(","priority":0})");
  auto first = claim(token);
  ASSERT_EQ(first.status, 200);
  // The second job under the key waits; the lower-priority job without a key runs meanwhile.
  auto next = claim(token);
  ASSERT_EQ(next.status, 200);
  EXPECT_STREQ(next.json()["id"].GetString(), free.json()["id"].GetString());
  EXPECT_EQ(claim(token).status, 204);
  std::string firstId = first.json()["id"].GetString();
  ASSERT_EQ(s().call("POST", "/api/runner/jobs/" + firstId + "/complete", token, "", "{}").status,
            200);
  EXPECT_EQ(claim(token).status, 200);
}

TEST(Scheduling, ATimedOutJobIsEndedWithNoRequestInBetween) {
  std::string type = uniqueName("e2e.timeout");
  std::string token = s().createRunner(type);
  auto created = create(R"({"type":")" + type + R"(","timeoutSeconds":2,"maxAttempts":1})");
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = created.json()["id"].GetString();
  auto claimed = claim(token);
  ASSERT_EQ(claimed.status, 200) << claimed.body;
  int64_t startedAt = *parseIsoUtcMilliseconds(claimed.json()["startedAt"].GetString());
  // The runner never heartbeats and nobody calls: the server's background work must end it
  // within 5 s of the deadline.
  sleepMilliseconds(startedAt + 2000 + 5000 + 300 - nowEpochMilliseconds());
  auto detail = getJob(id).json();
  EXPECT_STREQ(detail["status"].GetString(), "FAILED");
  int64_t timedOutAt = 0;
  for (const auto& event : detail["events"].GetArray()) {
    if (std::string(event["type"].GetString()) == "job.timed_out") {
      timedOutAt = *parseIsoUtcMilliseconds(event["timestamp"].GetString());
      EXPECT_EQ(event["timeoutSeconds"].GetInt(), 2);
    }
  }
  ASSERT_GT(timedOutAt, 0) << "no job.timed_out event";
  EXPECT_GE(timedOutAt - startedAt, 2000);
  EXPECT_LE(timedOutAt - startedAt, 7000);
  auto heartbeat = s().call("POST", "/api/runner/jobs/" + id + "/heartbeat", token, "", "");
  EXPECT_EQ(heartbeat.status, 409);
  EXPECT_STREQ(heartbeat.json()["code"].GetString(), "JOB_TIMED_OUT");
}

}  // namespace rj::test
