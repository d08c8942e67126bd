// Validation of the runner endpoints' bodies: NestJS messages, whitelist, types of fields.
#include "runners/runner_requests.h"

#include <gtest/gtest.h>

#include "errors/errors.h"

namespace rj {
namespace {

std::vector<std::string> messagesOf(const std::function<void()>& parse) {
  try {
    parse();
  } catch (const HttpError& error) {
    EXPECT_EQ(error.status(), 400);
    return error.messages();
  }
  ADD_FAILURE() << "no error";
  return {};
}

TEST(ClaimRequest, DefaultsToAnyTypeWithoutWaiting) {
  ClaimRequest request = parseClaimRequest("");
  EXPECT_TRUE(request.types.empty());
  EXPECT_EQ(request.waitSeconds, 0);
  request = parseClaimRequest(R"({"types":["demo.count","a:b"],"waitSeconds":30})");
  EXPECT_EQ(request.types, (std::vector<std::string>{"demo.count", "a:b"}));
  EXPECT_EQ(request.waitSeconds, 30);
  EXPECT_FALSE(request.max.has_value()) << "no max: the answer stays a single job";
}

TEST(ClaimRequest, MaxIsAnIntegerFrom1To50) {
  EXPECT_EQ(parseClaimRequest(R"({"max":1})").max, std::optional<int64_t>(1));
  EXPECT_EQ(parseClaimRequest(R"({"max":50,"waitSeconds":5})").max, std::optional<int64_t>(50));
  EXPECT_EQ(messagesOf([] { parseClaimRequest(R"({"max":0})"); }),
            (std::vector<std::string>{"max must not be less than 1"}));
  EXPECT_EQ(messagesOf([] { parseClaimRequest(R"({"max":51})"); }),
            (std::vector<std::string>{"max must not be greater than 50"}));
  EXPECT_EQ(messagesOf([] { parseClaimRequest(R"({"max":2.5})"); }),
            (std::vector<std::string>{"max must be an integer number"}));
  EXPECT_EQ(messagesOf([] { parseClaimRequest(R"({"max":"3"})"); }),
            (std::vector<std::string>{"max must be an integer number"}));
  EXPECT_EQ(messagesOf([] { parseClaimRequest(R"({"max":null})"); }).size(), 1u);
}

TEST(ClaimRequest, RejectsBadFields) {
  EXPECT_EQ(messagesOf([] { parseClaimRequest(R"({"waitSeconds":31})"); }),
            (std::vector<std::string>{"waitSeconds must not be greater than 30"}));
  EXPECT_EQ(messagesOf([] { parseClaimRequest(R"({"waitSeconds":"5"})"); }),
            (std::vector<std::string>{"waitSeconds must be an integer number"}));
  EXPECT_EQ(messagesOf([] { parseClaimRequest(R"({"types":"demo"})"); }),
            (std::vector<std::string>{"types must be an array"}));
  EXPECT_EQ(messagesOf([] { parseClaimRequest(R"({"types":[]})"); }),
            (std::vector<std::string>{"types should not be empty"}));
  EXPECT_EQ(messagesOf([] { parseClaimRequest(R"({"types":["has space"]})"); }).size(), 1u);
  EXPECT_EQ(messagesOf([] { parseClaimRequest(R"({"lease":5})"); }),
            (std::vector<std::string>{"property lease should not exist"}));
  EXPECT_EQ(messagesOf([] { parseClaimRequest("[1]"); }),
            (std::vector<std::string>{"request body must be a JSON object"}));
  EXPECT_THROW(parseClaimRequest("{nope"), HttpError);
}

TEST(RunnerEvent, DecodesTheFieldsTheServerActsOn) {
  RunnerEvent progress =
      parseRunnerEvent(R"({"type":"job.progress","payload":{"progressPercent":7,"note":"x"}})");
  EXPECT_EQ(*progress.progressPercent, 7);
  EXPECT_EQ(progress.payload, R"({"progressPercent":7,"note":"x"})");
  RunnerEvent started =
      parseRunnerEvent(R"({"type":"step.started","payload":{"ordinal":2,"name":"build"}})");
  EXPECT_EQ(*started.stepOrdinal, 2);
  EXPECT_EQ(*started.stepName, "build");
  RunnerEvent output = parseRunnerEvent(R"({"type":"step.output"})");
  EXPECT_EQ(output.payload, "{}");
  EXPECT_FALSE(output.stepOrdinal.has_value());
}

TEST(RunnerEvent, PayloadFieldsTheServerDoesNotReadAreTheRunnersOwn) {
  // "name" means nothing to job.progress or step.output, "ordinal" nothing to job.progress.
  RunnerEvent progress = parseRunnerEvent(
      R"({"type":"job.progress","payload":{"progressPercent":5,"name":"x","ordinal":0}})");
  EXPECT_EQ(*progress.progressPercent, 5);
  RunnerEvent output =
      parseRunnerEvent(R"({"type":"step.output","payload":{"name":"stdout","lines":["a"]}})");
  EXPECT_NE(output.payload.find("\"lines\""), std::string::npos);
}

TEST(RunnerEvent, RejectsBadTypesAndPayloads) {
  EXPECT_EQ(messagesOf([] { parseRunnerEvent(R"({"type":"job.completed"})"); }).size(), 1u);
  EXPECT_EQ(messagesOf([] { parseRunnerEvent(R"({"payload":{}})"); }),
            (std::vector<std::string>{"type should not be empty"}));
  EXPECT_EQ(messagesOf([] { parseRunnerEvent(R"({"type":"step.output","payload":[1]})"); }),
            (std::vector<std::string>{"payload must be an object"}));
  EXPECT_EQ(messagesOf([] {
              parseRunnerEvent(R"({"type":"job.progress","payload":{"progressPercent":101}})");
            }),
            (std::vector<std::string>{"payload.progressPercent must not be greater than 100"}));
  EXPECT_EQ(messagesOf([] { parseRunnerEvent(R"({"type":"job.progress","payload":{}})"); }),
            (std::vector<std::string>{"payload.progressPercent should not be empty"}));
  EXPECT_EQ(
      messagesOf([] { parseRunnerEvent(R"({"type":"step.started","payload":{"ordinal":1}})"); }),
      (std::vector<std::string>{"payload.name should not be empty"}));
  EXPECT_EQ(
      messagesOf([] { parseRunnerEvent(R"({"type":"step.completed","payload":{"ordinal":0}})"); }),
      (std::vector<std::string>{"payload.ordinal must not be less than 1"}));
  EXPECT_EQ(messagesOf([] { parseRunnerEvent(R"({"type":"step.output","extra":1})"); }),
            (std::vector<std::string>{"property extra should not exist"}));
}

TEST(Completion, ResultIsAnyJsonValueAndErrorIsRequired) {
  EXPECT_FALSE(parseCompletion("").has_value());
  EXPECT_FALSE(parseCompletion(R"({"result":null})").has_value());
  EXPECT_EQ(*parseCompletion(R"({"result":[1,"a"]})"), R"([1,"a"])");
  EXPECT_EQ(messagesOf([] { parseCompletion(R"({"status":"x"})"); }),
            (std::vector<std::string>{"property status should not exist"}));
  EXPECT_EQ(parseFailure(R"({"error":"exit status 1"})").error, "exit status 1");
  EXPECT_FALSE(parseFailure(R"({"error":"exit status 1"})").retryable);
  EXPECT_TRUE(parseFailure(R"({"error":"exit status 75","retryable":true})").retryable);
  EXPECT_EQ(messagesOf([] { parseFailure(R"({"error":"x","retryable":"yes"})"); }),
            std::vector<std::string>{"retryable must be a boolean value"});
  EXPECT_EQ(messagesOf([] { parseFailure("{}"); }),
            (std::vector<std::string>{"error should not be empty"}));
  EXPECT_EQ(messagesOf([] { parseFailure(R"({"error":5})"); }),
            (std::vector<std::string>{"error must be a string"}));
}

TEST(Release, NoBodyOrAReasonOfAtMost500Characters) {
  EXPECT_FALSE(parseRelease("").has_value());
  EXPECT_FALSE(parseRelease("{}").has_value());
  EXPECT_EQ(*parseRelease(R"({"reason":"runner stopping"})"), "runner stopping");
  EXPECT_EQ(parseRelease(R"({"reason":")" + std::string(500, 'x') + R"("})")->size(), 500u);
  EXPECT_EQ(messagesOf([] { parseRelease(R"({"reason":")" + std::string(501, 'x') + R"("})"); }),
            (std::vector<std::string>{"reason must be shorter than or equal to 500 characters"}));
  EXPECT_EQ(messagesOf([] { parseRelease(R"({"reason":""})"); }),
            (std::vector<std::string>{"reason must be longer than or equal to 1 characters"}));
  EXPECT_EQ(messagesOf([] { parseRelease(R"({"reason":3})"); }),
            (std::vector<std::string>{"reason must be a string"}));
  EXPECT_EQ(messagesOf([] { parseRelease(R"({"attempt":1})"); }),
            (std::vector<std::string>{"property attempt should not exist"}));
}

}  // namespace
}  // namespace rj
