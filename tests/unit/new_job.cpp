// Validation of the create-job body and the Idempotency-Key.
#include "jobs/new_job.h"

#include <gtest/gtest.h>

#include "errors/errors.h"

namespace rj {

namespace {
// The validation messages of a body, or an empty list when it is valid.
std::vector<std::string> messagesFor(const std::string& body) {
  try {
    parseNewJob(body);
    return {};
  } catch (const HttpError& error) {
    EXPECT_EQ(error.status(), 400);
    return error.messages();
  }
}

bool hasMessage(const std::vector<std::string>& messages, const std::string& expected) {
  for (const auto& message : messages) {
    if (message == expected) return true;
  }
  return false;
}
}  // namespace

TEST(NewJob, MinimalBodyGetsDefaults) {
  NewJob job = parseNewJob(R"({"type":"build.docker"})");
  EXPECT_EQ(job.type, "build.docker");
  EXPECT_EQ(job.priority, 5);
  EXPECT_FALSE(job.data);
  EXPECT_FALSE(job.agentTaskId);
}

TEST(NewJob, FullBodyIsAccepted) {
  NewJob job = parseNewJob(
      R"({"type":"a:b-c_d.e","priority":100,"data":{"k":[1,2]},"agentTaskId":"AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE"})");
  EXPECT_EQ(job.priority, 100);
  EXPECT_EQ(*job.data, R"({"k":[1,2]})");
  EXPECT_EQ(*job.agentTaskId, "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
}

TEST(NewJob, TypeIsRequired) {
  EXPECT_TRUE(hasMessage(messagesFor("{}"), "type should not be empty"));
  EXPECT_TRUE(hasMessage(messagesFor(""), "type should not be empty"));
}

TEST(NewJob, TypeMustBeAStringOfAllowedCharacters) {
  EXPECT_TRUE(hasMessage(messagesFor(R"({"type":5})"), "type must be a string"));
  EXPECT_TRUE(hasMessage(messagesFor(R"({"type":"has space"})"),
                         "type must match /^[A-Za-z0-9._:-]+$/ regular expression"));
  EXPECT_TRUE(hasMessage(messagesFor(R"({"type":"x'; DROP TABLE runner_jobs; --"})"),
                         "type must match /^[A-Za-z0-9._:-]+$/ regular expression"));
  EXPECT_FALSE(messagesFor(R"({"type":")" + std::string(100, 'a') + "\"}").size());
  EXPECT_TRUE(hasMessage(messagesFor(R"({"type":")" + std::string(101, 'a') + "\"}"),
                         "type must be shorter than or equal to 100 characters"));
  EXPECT_TRUE(hasMessage(messagesFor(R"({"type":""})"),
                         "type must be longer than or equal to 1 characters"));
}

TEST(NewJob, PriorityMustBeAnIntegerFrom0To100) {
  EXPECT_TRUE(messagesFor(R"({"type":"t","priority":0})").empty());
  EXPECT_TRUE(hasMessage(messagesFor(R"({"type":"t","priority":"5"})"),
                         "priority must be an integer number"));
  EXPECT_TRUE(hasMessage(messagesFor(R"({"type":"t","priority":5.5})"),
                         "priority must be an integer number"));
  EXPECT_TRUE(hasMessage(messagesFor(R"({"type":"t","priority":101})"),
                         "priority must not be greater than 100"));
  EXPECT_TRUE(
      hasMessage(messagesFor(R"({"type":"t","priority":-1})"), "priority must not be less than 0"));
  EXPECT_TRUE(hasMessage(messagesFor(R"({"type":"t","priority":null})"),
                         "priority must be an integer number"));
}

TEST(NewJob, DataMustBeAnObjectUpTo256KiB) {
  EXPECT_TRUE(hasMessage(messagesFor(R"({"type":"t","data":[1]})"), "data must be an object"));
  EXPECT_TRUE(hasMessage(messagesFor(R"({"type":"t","data":"x"})"), "data must be an object"));
  std::string big = R"({"type":"t","data":{"s":")" + std::string(256 * 1024, 'x') + "\"}}";
  EXPECT_TRUE(hasMessage(messagesFor(big), "data must not be larger than 262144 bytes"));
  std::string fits = R"({"type":"t","data":{"s":")" + std::string(200 * 1024, 'x') + "\"}}";
  EXPECT_TRUE(messagesFor(fits).empty());
}

TEST(NewJob, AgentTaskIdMustBeAUuid) {
  EXPECT_TRUE(hasMessage(messagesFor(R"({"type":"t","agentTaskId":"not-a-uuid"})"),
                         "agentTaskId must be longer than or equal to 36 characters"));
  EXPECT_TRUE(hasMessage(
      messagesFor(R"({"type":"t","agentTaskId":"zzzzzzzz-bbbb-4ccc-8ddd-eeeeeeeeeeee"})"),
      "agentTaskId must be a UUID"));
}

TEST(NewJob, UnknownFieldsAreRejected) {
  auto messages = messagesFor(R"({"type":"t","status":"COMPLETED","id":"x"})");
  EXPECT_TRUE(hasMessage(messages, "property status should not exist"));
  EXPECT_TRUE(hasMessage(messages, "property id should not exist"));
}

TEST(NewJob, NonObjectBodyIsRejected) {
  EXPECT_TRUE(hasMessage(messagesFor("[1,2]"), "request body must be a JSON object"));
  EXPECT_TRUE(hasMessage(messagesFor("\"type\""), "request body must be a JSON object"));
}

TEST(NewJob, MalformedJsonIs400WithAMessage) {
  try {
    parseNewJob(R"({"type": "t",)");
    FAIL() << "malformed JSON was accepted";
  } catch (const HttpError& error) {
    EXPECT_EQ(error.status(), 400);
    EXPECT_FALSE(error.isList());
    EXPECT_NE(std::string(error.what()).find("Malformed JSON"), std::string::npos);
  }
}

TEST(NewJob, EveryProblemIsReportedAtOnce) {
  EXPECT_EQ(messagesFor(R"({"type":1,"priority":"x","data":3,"extra":true})").size(), 4u);
}

TEST(NewJob, FingerprintIgnoresFormattingButNotContent) {
  EXPECT_EQ(fingerprint(parseNewJob(R"({"type":"t","data":{"a":1}})")),
            fingerprint(parseNewJob(R"({ "data" : { "a" : 1 }, "type" : "t" })")));
  EXPECT_EQ(fingerprint(parseNewJob(R"({"type":"t"})")),
            fingerprint(parseNewJob(R"({"type":"t","priority":5})")));
  EXPECT_NE(fingerprint(parseNewJob(R"({"type":"t","data":{"a":1}})")),
            fingerprint(parseNewJob(R"({"type":"t","data":{"a":2}})")));
}

TEST(IdempotencyKey, AcceptsPrintableUpTo255) {
  EXPECT_EQ(validateIdempotencyKey("order-42 retry"), "order-42 retry");
  EXPECT_NO_THROW(validateIdempotencyKey(std::string(255, 'k')));
  EXPECT_THROW(validateIdempotencyKey(std::string(256, 'k')), HttpError);
  EXPECT_THROW(validateIdempotencyKey(""), HttpError);
  EXPECT_THROW(validateIdempotencyKey("tab\there"), HttpError);
  EXPECT_THROW(validateIdempotencyKey("caf\xC3\xA9"), HttpError);
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
