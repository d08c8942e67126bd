// The body of POST /api/recurring-jobs: validated like a job's, plus the schedule's own fields.
#include "recurring/recurring_job.h"

#include <gtest/gtest.h>

#include "errors/errors.h"

namespace rj {

namespace {
std::vector<std::string> messages(const std::string& body) {
  try {
    parseNewRecurringJob(body);
  } catch (const HttpError& error) {
    EXPECT_EQ(error.status(), 400);
    return error.messages();
  }
  return {};
}
bool contains(const std::vector<std::string>& all, const std::string& message) {
  for (const auto& each : all) {
    if (each == message) return true;
  }
  return false;
}
}  // namespace

TEST(NewRecurringJob, CronScheduleWithEveryField) {
  auto schedule = parseNewRecurringJob(
      R"({"name":"nightly","type":"report.build","priority":7,"data":{"a":1},"cron":"0 3 * * *","timezone":"+02:00"})");
  EXPECT_EQ(schedule.name, "nightly");
  EXPECT_EQ(schedule.job.type, "report.build");
  EXPECT_EQ(schedule.job.priority, 7);
  EXPECT_EQ(schedule.job.data, R"({"a":1})");
  EXPECT_EQ(schedule.cron, "0 3 * * *");
  EXPECT_EQ(schedule.everySeconds, std::nullopt);
  EXPECT_EQ(schedule.timezone, "+02:00");
}

TEST(NewRecurringJob, IntervalScheduleWithDefaults) {
  auto schedule = parseNewRecurringJob(R"({"name":"tick","type":"t","everySeconds":2})");
  EXPECT_EQ(schedule.everySeconds, 2);
  EXPECT_EQ(schedule.cron, std::nullopt);
  EXPECT_EQ(schedule.job.priority, 5);
  EXPECT_EQ(schedule.job.data, std::nullopt);
  EXPECT_EQ(schedule.timezone, "UTC");
}

TEST(NewRecurringJob, JobFieldsUseTheJobRules) {
  auto all =
      messages(R"({"name":"x","type":"bad type!","priority":101,"data":[],"everySeconds":5})");
  EXPECT_TRUE(contains(all, "type must match /^[A-Za-z0-9._:-]+$/ regular expression"));
  EXPECT_TRUE(contains(all, "priority must not be greater than 100"));
  EXPECT_TRUE(contains(all, "data must be an object"));
}

TEST(NewRecurringJob, ExactlyOneOfCronAndEverySeconds) {
  EXPECT_TRUE(contains(messages(R"({"name":"x","type":"t"})"),
                       "exactly one of cron and everySeconds must be given"));
  EXPECT_TRUE(contains(messages(R"({"name":"x","type":"t","cron":"* * * * *","everySeconds":5})"),
                       "exactly one of cron and everySeconds must be given"));
}

TEST(NewRecurringJob, BadValuesAndUnknownFieldsAre400) {
  EXPECT_TRUE(contains(messages(R"({"name":"","type":"t","everySeconds":5})"),
                       "name must be longer than or equal to 1 characters"));
  EXPECT_TRUE(contains(messages(R"({"name":"x","type":"t","everySeconds":0})"),
                       "everySeconds must not be less than 1"));
  EXPECT_TRUE(contains(messages(R"({"name":"x","type":"t","everySeconds":86401})"),
                       "everySeconds must not be greater than 86400"));
  EXPECT_TRUE(contains(messages(R"({"name":"x","type":"t","cron":"61 * * * *"})"),
                       "cron minute field: 61 is out of range 0-59"));
  EXPECT_TRUE(contains(messages(R"({"name":"x","type":"t","cron":"0 0 30 2 *"})"),
                       "cron never matches a day of the calendar"));
  EXPECT_TRUE(
      contains(messages(R"({"name":"x","type":"t","everySeconds":5,"timezone":"Mars/Base"})"),
               "timezone must be an IANA time zone name like Europe/Berlin, UTC, or a fixed offset "
               "like +02:00"));
  EXPECT_TRUE(contains(messages(R"({"name":"x","type":"t","everySeconds":5,"agentTaskId":"a"})"),
                       "property agentTaskId should not exist"));
}

TEST(RecurringJobJson, HasEveryFieldInOrder) {
  RecurringJob schedule;
  schedule.id = "i";
  schedule.workspaceId = "w";
  schedule.name = "n";
  schedule.type = "t";
  schedule.everySeconds = 2;
  schedule.nextRunAt = "2026-11-25T10:00:02.000Z";
  schedule.createdAt = "2026-11-25T10:00:00.000Z";
  EXPECT_EQ(
      toJson(schedule),
      R"({"id":"i","workspaceId":"w","name":"n","type":"t","data":null,"priority":5,)"
      R"("cron":null,"everySeconds":2,"timezone":"UTC","nextRunAt":"2026-11-25T10:00:02.000Z",)"
      R"("lastRunAt":null,"createdAt":"2026-11-25T10:00:00.000Z"})");
}

}  // namespace rj
