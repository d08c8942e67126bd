// The pure parts of scheduling: ISO-8601 UTC times, the backoff, and the create body's new fields.
#include <gtest/gtest.h>

#include <set>

#include "errors/errors.h"
#include "jobs/backoff.h"
#include "jobs/new_job.h"
#include "util/time.h"

namespace rj {

namespace {
std::vector<std::string> messagesFor(const std::string& body) {
  try {
    parseNewJob(body);
    return {};
  } catch (const HttpError& error) {
    return error.messages();
  }
}
}  // namespace

TEST(IsoTime, ParsesUtcTimestampsToEpochMilliseconds) {
  EXPECT_EQ(parseIsoUtcMilliseconds("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parseIsoUtcMilliseconds("2026-11-25T16:11:21Z"), 1795623081000);
  EXPECT_EQ(parseIsoUtcMilliseconds("2026-11-25T16:11:21.5Z"), 1795623081500);
  EXPECT_EQ(parseIsoUtcMilliseconds("2026-11-25T16:11:21.123456789+00:00"), 1795623081123);
  EXPECT_EQ(parseIsoUtcMilliseconds("2024-02-29 23:59:59z"), 1709251199000);
}

TEST(IsoTime, RefusesOtherZonesAndImpossibleDates) {
  for (const char* text :
       {"", "2026-11-25", "2026-11-25T16:11:21", "2026-11-25T16:11:21+01:00",
        "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
        "2026-11-25T24:00:00Z", "2026-11-25T16:60:00Z", "2026-11-25T16:11:60Z",
        "1969-12-31T23:59:59Z", "2026-11-25T16:11:21.Z", "2026-11-25T16:11:21.1234567890Z",
        "2026-11-25X16:11:21Z", "2026-11-25T16:11:21Z ", "+026-11-25T16:11:21Z",
        "2026-1a-25T16:11:21Z"}) {
    EXPECT_FALSE(parseIsoUtcMilliseconds(text).has_value()) << text;
  }
}

TEST(IsoTime, DatabaseTimeIsTheInverse) {
  EXPECT_EQ(toDatabaseTime(0), "1970-01-01 00:00:00.000");
  EXPECT_EQ(toDatabaseTime(1709251199999), "2024-02-29 23:59:59.999");
  for (int64_t at : {int64_t{951782400000}, int64_t{4102444799123}, int64_t{1795623081500}}) {
    std::string iso = toIsoTimestamp(toDatabaseTime(at));
    EXPECT_EQ(parseIsoUtcMilliseconds(iso), at) << iso;
  }
}

TEST(Backoff, DoublesPerAttemptUpToAnHourWithJitterInTheUpperHalf) {
  EXPECT_EQ(backoffCeilingMilliseconds(10, 1), 10000);
  EXPECT_EQ(backoffCeilingMilliseconds(10, 2), 20000);
  EXPECT_EQ(backoffCeilingMilliseconds(10, 4), 80000);
  EXPECT_EQ(backoffCeilingMilliseconds(10, 25), 3600000);
  EXPECT_EQ(backoffCeilingMilliseconds(86400, 1), 3600000);
  std::set<int64_t> seen;
  for (int i = 0; i < 200; ++i) {
    int64_t delay = backoffMilliseconds(10, 3);
    EXPECT_GE(delay, 20000);
    EXPECT_LE(delay, 40000);
    seen.insert(delay);
  }
  EXPECT_GT(seen.size(), 50u) << "no jitter";
}

TEST(NewJobScheduling, DefaultsAndEveryField) {
  NewJob plain = parseNewJob(R"({"type":"t"})");
  EXPECT_FALSE(plain.runAt);
  EXPECT_FALSE(plain.delaySeconds);
  EXPECT_EQ(plain.maxAttempts, 3);
  EXPECT_EQ(plain.backoffSeconds, 10);
  EXPECT_FALSE(plain.timeoutSeconds);
  EXPECT_FALSE(plain.uniqueKey);
  EXPECT_FALSE(plain.concurrencyKey);
  NewJob full = parseNewJob(
      R"({"type":"t","runAt":"2026-11-25T16:11:21.5Z","maxAttempts":25,"backoffSeconds":86400,)"
      R"("timeoutSeconds":604800,"uniqueKey":"report:42","concurrencyKey":"smtp","concurrencyLimit":1000})");
  EXPECT_EQ(*full.runAt, "2026-11-25 16:11:21.500");
  EXPECT_EQ(full.maxAttempts, 25);
  EXPECT_EQ(full.backoffSeconds, 86400);
  EXPECT_EQ(*full.timeoutSeconds, 604800);
  EXPECT_EQ(*full.uniqueKey, "report:42");
  EXPECT_EQ(*full.concurrencyKey, "smtp");
  EXPECT_EQ(*full.concurrencyLimit, 1000);
  EXPECT_EQ(*parseNewJob(R"({"type":"t","delaySeconds":0})").delaySeconds, 0);
  EXPECT_EQ(*parseNewJob(R"({"type":"t","concurrencyKey":"k"})").concurrencyLimit, 1);
}

TEST(NewJobScheduling, BadValuesAreRefusedWithAMessageEach) {
  EXPECT_EQ(messagesFor(R"({"type":"t","runAt":"2026-11-25T16:11:21Z","delaySeconds":5})"),
            std::vector<std::string>{"runAt and delaySeconds cannot both be given"});
  EXPECT_EQ(messagesFor(R"({"type":"t","concurrencyLimit":2})"),
            std::vector<std::string>{"concurrencyLimit needs a concurrencyKey"});
  const std::string runAtRule =
      "runAt must be an ISO-8601 UTC timestamp (2026-01-31T12:00:00Z) at most 365 days ahead";
  EXPECT_EQ(messagesFor(R"({"type":"t","runAt":"2026-11-25T16:11:21+02:00"})"),
            std::vector<std::string>{runAtRule});
  EXPECT_EQ(messagesFor(R"({"type":"t","runAt":"9999-01-01T00:00:00Z"})"),
            std::vector<std::string>{runAtRule});
  EXPECT_EQ(messagesFor(R"({"type":"t","runAt":1795623081})"),
            std::vector<std::string>{"runAt must be a string"});
  EXPECT_EQ(messagesFor(R"({"type":"t","delaySeconds":31536001})"),
            std::vector<std::string>{"delaySeconds must not be greater than 31536000"});
  EXPECT_EQ(messagesFor(R"({"type":"t","delaySeconds":-1})"),
            std::vector<std::string>{"delaySeconds must not be less than 0"});
  EXPECT_EQ(messagesFor(R"({"type":"t","maxAttempts":0})"),
            std::vector<std::string>{"maxAttempts must not be less than 1"});
  EXPECT_EQ(messagesFor(R"({"type":"t","maxAttempts":26})"),
            std::vector<std::string>{"maxAttempts must not be greater than 25"});
  EXPECT_EQ(messagesFor(R"({"type":"t","backoffSeconds":86401})"),
            std::vector<std::string>{"backoffSeconds must not be greater than 86400"});
  EXPECT_EQ(messagesFor(R"({"type":"t","timeoutSeconds":0})"),
            std::vector<std::string>{"timeoutSeconds must not be less than 1"});
  EXPECT_EQ(messagesFor(R"({"type":"t","timeoutSeconds":"60"})"),
            std::vector<std::string>{"timeoutSeconds must be an integer number"});
  EXPECT_EQ(messagesFor(R"({"type":"t","uniqueKey":""})"),
            std::vector<std::string>{"uniqueKey must be longer than or equal to 1 characters"});
  EXPECT_EQ(messagesFor(R"({"type":"t","uniqueKey":")" + std::string(256, 'k') + "\"}"),
            std::vector<std::string>{"uniqueKey must be shorter than or equal to 255 characters"});
  EXPECT_EQ(messagesFor(R"({"type":"t","concurrencyKey":"k","concurrencyLimit":1001})"),
            std::vector<std::string>{"concurrencyLimit must not be greater than 1000"});
}

TEST(NewJobScheduling, TheFingerprintCoversTheNewFields) {
  EXPECT_NE(fingerprint(parseNewJob(R"({"type":"t"})")),
            fingerprint(parseNewJob(R"({"type":"t","delaySeconds":5})")));
  EXPECT_NE(fingerprint(parseNewJob(R"({"type":"t","uniqueKey":"a"})")),
            fingerprint(parseNewJob(R"({"type":"t","uniqueKey":"b"})")));
}

}  // namespace rj
