// Recurring schedules through lighttpd: create/list/delete with their guards and validation, and
// a schedule that makes its jobs while nobody calls the API (the background maintenance of the
// long-lived handler processes), raced by `rjadmin maintain --for`, never twice for a due time.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "support/stack.h"
#include "util/civil_time.h"

namespace rj::test {

namespace {
const Stack& s() {
  return stack();
}

HttpResponse create(const std::string& token, const std::string& body) {
  return s().call("POST", "/api/recurring-jobs", token, s().workspace, body);
}

std::string intervalBody(const std::string& name, const std::string& type, int every) {
  return R"({"name":")" + name + R"(","type":")" + type + R"(","everySeconds":)" +
         std::to_string(every) + "}";
}

// The scheduledFor of every job of `type`, in milliseconds, with repeats kept.
std::vector<int64_t> dueTimesOf(const std::string& type, const std::string& scheduleId) {
  auto response =
      s().call("GET", "/api/runner-jobs?limit=100&type=" + type, s().tokenMember, s().workspace);
  EXPECT_EQ(response.status, 200) << response.body;
  auto page = response.json();
  std::vector<int64_t> times;
  for (const auto& job : page["data"].GetArray()) {
    EXPECT_STREQ(job["recurringJobId"].GetString(), scheduleId.c_str());
    std::string iso = job["scheduledFor"].GetString();  // 2026-11-25T10:00:02.000Z
    iso[10] = ' ';
    times.push_back(parseDatabaseTime(iso.substr(0, 23)).value_or(0));
  }
  std::sort(times.begin(), times.end());
  return times;
}
}  // namespace

TEST(RecurringJobs, OwnerCreatesListsAndDeletes) {
  std::string name = uniqueName("nightly");
  auto created = create(
      s().tokenOwner,
      R"({"name":")" + name +
          R"(","type":"e2e.report","priority":7,"data":{"k":"v"},"cron":"30 2 * * MON-FRI","timezone":"+02:00"})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto schedule = created.json();
  std::string id = schedule["id"].GetString();
  EXPECT_STREQ(schedule["workspaceId"].GetString(), s().workspace.c_str());
  EXPECT_STREQ(schedule["name"].GetString(), name.c_str());
  EXPECT_STREQ(schedule["type"].GetString(), "e2e.report");
  EXPECT_EQ(schedule["priority"].GetInt(), 7);
  EXPECT_STREQ(schedule["data"]["k"].GetString(), "v");
  EXPECT_STREQ(schedule["cron"].GetString(), "30 2 * * MON-FRI");
  EXPECT_TRUE(schedule["everySeconds"].IsNull());
  EXPECT_STREQ(schedule["timezone"].GetString(), "+02:00");
  // 02:30 at +02:00 is 00:30 UTC.
  EXPECT_EQ(std::string(schedule["nextRunAt"].GetString()).substr(11), "00:30:00.000Z");
  EXPECT_TRUE(schedule["lastRunAt"].IsNull());
  EXPECT_EQ(std::string(schedule["createdAt"].GetString()).size(), 24u);

  auto again = create(s().tokenOwner, intervalBody(name, "e2e.report", 60));
  EXPECT_EQ(again.status, 409);
  EXPECT_STREQ(again.json()["code"].GetString(), "RECURRING_JOB_EXISTS");

  // Any member lists, the guest too.
  auto listed = s().call("GET", "/api/recurring-jobs", s().tokenGuest, s().workspace);
  ASSERT_EQ(listed.status, 200) << listed.body;
  bool found = false;
  auto listedBody = listed.json();  // kept: the loop reads into it
  for (const auto& each : listedBody["data"].GetArray()) {
    found = found || each["id"].GetString() == id;
  }
  EXPECT_TRUE(found);
  auto elsewhere = s().call("GET", "/api/recurring-jobs", s().tokenOther, s().otherWorkspace);
  auto elsewhereBody = elsewhere.json();
  for (const auto& each : elsewhereBody["data"].GetArray()) {
    EXPECT_NE(each["id"].GetString(), id);
  }

  EXPECT_EQ(
      s().call("DELETE", "/api/recurring-jobs/" + id, s().tokenOther, s().otherWorkspace).status,
      404);
  EXPECT_EQ(s().call("DELETE", "/api/recurring-jobs/" + id, s().tokenMember, s().workspace).status,
            403);
  auto deleted = s().call("DELETE", "/api/recurring-jobs/" + id, s().tokenOwner, s().workspace);
  EXPECT_EQ(deleted.status, 204) << deleted.body;
  auto gone = s().call("DELETE", "/api/recurring-jobs/" + id, s().tokenOwner, s().workspace);
  EXPECT_EQ(gone.status, 404);
  EXPECT_STREQ(gone.json()["code"].GetString(), "RECURRING_JOB_NOT_FOUND");
}

TEST(RecurringJobs, GuardsAndBadRequests) {
  std::string body = intervalBody(uniqueName("guarded"), "e2e.guarded", 60);
  EXPECT_EQ(create(s().tokenMember, body).status, 403);
  EXPECT_EQ(create(s().tokenGuest, body).status, 403);
  EXPECT_EQ(s().call("POST", "/api/recurring-jobs", "", s().workspace, body).status, 401);
  EXPECT_EQ(s().call("POST", "/api/recurring-jobs", s().tokenOther, s().workspace, body).status,
            403);
  EXPECT_EQ(s().call("GET", "/api/recurring-jobs", s().tokenMember, "").status, 400);
  auto badId = s().call("DELETE", "/api/recurring-jobs/not-a-uuid", s().tokenOwner, s().workspace);
  EXPECT_EQ(badId.status, 400);

  auto invalid =
      create(s().tokenOwner, R"({"name":"","type":"bad type","cron":"61 * * * *","everySeconds":0,)"
                             R"("timezone":"Mars/Base","extra":1})");
  ASSERT_EQ(invalid.status, 400);
  auto error = invalid.json();
  EXPECT_STREQ(error["code"].GetString(), "VALIDATION_FAILED");
  std::set<std::string> messages;
  for (const auto& message : error["message"].GetArray()) messages.insert(message.GetString());
  EXPECT_TRUE(messages.count("name must be longer than or equal to 1 characters"));
  EXPECT_TRUE(messages.count("type must match /^[A-Za-z0-9._:-]+$/ regular expression"));
  EXPECT_TRUE(messages.count("cron minute field: 61 is out of range 0-59"));
  EXPECT_TRUE(messages.count("everySeconds must not be less than 1"));
  EXPECT_TRUE(messages.count("exactly one of cron and everySeconds must be given"));
  EXPECT_TRUE(
      messages.count("timezone must be an IANA time zone name like Europe/Berlin, UTC, or a fixed "
                     "offset like +02:00"));
  EXPECT_TRUE(messages.count("property extra should not exist"));
  EXPECT_EQ(create(s().tokenOwner, "{").status, 400);
}

TEST(RecurringJobs, RjadminAddsListsAndDeletes) {
  std::string name = uniqueName("admin");
  std::string id = s().admin("recurring add --workspace " + s().workspace + " --name " + name +
                             " --type e2e.admin --cron '0 3 * * *' --timezone Europe/Berlin" +
                             " --priority 9 --data '{\"x\":1}'");
  ASSERT_EQ(id.size(), 36u) << id;
  auto listed = s().call("GET", "/api/recurring-jobs", s().tokenMember, s().workspace).json();
  bool found = false;
  for (const auto& each : listed["data"].GetArray()) {
    if (each["id"].GetString() != id) continue;
    found = true;
    EXPECT_STREQ(each["name"].GetString(), name.c_str());
    EXPECT_STREQ(each["timezone"].GetString(), "Europe/Berlin");
    EXPECT_EQ(each["priority"].GetInt(), 9);
    EXPECT_EQ(each["data"]["x"].GetInt(), 1);
  }
  EXPECT_TRUE(found);
  EXPECT_NE(s().admin("recurring list --workspace " + s().workspace).find(id + "\t" + name),
            std::string::npos);
  // Refused as the API refuses it: nothing on stdout, the reason on stderr.
  auto refused =
      s().runAdmin("recurring add --workspace " + s().workspace + " --name x --type t --every 0");
  EXPECT_NE(refused.exitStatus, 0);
  EXPECT_EQ(refused.output, "");
  EXPECT_NE(refused.errors.find("everySeconds must not be less than 1"), std::string::npos)
      << refused.errors;
  s().admin("recurring delete --workspace " + s().workspace + " --id " + id);
  EXPECT_EQ(s().admin("recurring list --workspace " + s().workspace).find(id), std::string::npos);
}

TEST(RecurringJobs, JobsAreMadeWithoutRequestsAndNoDueTimeTwice) {
  std::string type = uniqueName("e2e.recurring");
  auto created = create(s().tokenOwner, intervalBody(uniqueName("every2"), type, 2));
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = created.json()["id"].GetString();
  // No request for 5 s: the handler processes' background maintenance makes the jobs.
  std::this_thread::sleep_for(std::chrono::seconds(5));
  auto early = dueTimesOf(type, id);
  EXPECT_GE(early.size(), 2u);
  // Then a cron-style `rjadmin maintain --for` races the background thread.
  s().admin("maintain --for 6");
  auto times = dueTimesOf(type, id);
  EXPECT_EQ(std::set<int64_t>(times.begin(), times.end()).size(), times.size())
      << "a due time got two jobs";
  EXPECT_GE(times.size(), 5u);
  for (size_t i = 1; i < times.size(); ++i) EXPECT_EQ(times[i] - times[i - 1], 2000);
  EXPECT_EQ(s().call("DELETE", "/api/recurring-jobs/" + id, s().tokenOwner, s().workspace).status,
            204);
}

}  // namespace rj::test
