#include "runners/runner_requests.h"

#include "errors/errors.h"
#include "jobs/list_query.h"
#include "json/json.h"
#include "json/validation.h"

namespace rj {

namespace {
constexpr size_t kMaxClaimTypes = 50;
constexpr size_t kMaxStepNameLength = 255;
constexpr int64_t kMaxStepOrdinal = 100000;

bool isRunnerEventName(const std::string& name) {
  auto type = parseEventType(name);
  return type && isRunnerEventType(*type);
}
}  // namespace

ClaimRequest parseClaimRequest(const std::string& body) {
  rapidjson::Document document = parseJsonBody(body);
  BodyValidator validator(document);
  ClaimRequest request;
  auto types = validator.stringArray("types", false, kMaxClaimTypes, 100, isJobType,
                                     "match /^[A-Za-z0-9._:-]+$/ regular expression");
  if (types && types->empty()) validator.fail("types should not be empty");
  auto wait = validator.integer("waitSeconds", false, 0, kMaxClaimWaitSeconds);
  request.max = validator.integer("max", false, 1, kMaxClaimBatch);
  validator.finish();
  if (types) request.types = *types;
  if (wait) request.waitSeconds = *wait;
  return request;
}

RunnerEvent parseRunnerEvent(const std::string& body) {
  rapidjson::Document document = parseJsonBody(body);
  BodyValidator validator(document);
  RunnerEvent event;
  static const std::string typeRule =
      std::string("be one of the following values: ") + runnerEventTypeNames();
  auto type = validator.string("type", true, 1, 32, isRunnerEventName, typeRule.c_str());
  auto payload = validator.object("payload", false, kMaxEventPayloadBytes);
  validator.finish();
  event.type = *parseEventType(*type);
  if (payload) event.payload = *payload;

  // The payload is free-form except for the fields the server acts on.
  rapidjson::Document fields = parseJsonBody(event.payload);
  BodyValidator payloadValidator(fields);
  if (event.type == EventType::JobProgress) {
    event.progressPercent = payloadValidator.integer("progressPercent", true, 0, 100);
  } else if (event.type != EventType::StepOutput) {
    event.stepOrdinal = payloadValidator.integer("ordinal", true, 1, kMaxStepOrdinal);
    event.stepName = payloadValidator.string("name", event.type == EventType::StepStarted, 1,
                                             kMaxStepNameLength);
  } else {
    event.stepOrdinal = payloadValidator.integer("ordinal", false, 1, kMaxStepOrdinal);
  }
  try {
    // Other payload fields are the runner's own: only the fields the server acts on are checked.
    payloadValidator.finishAllowingOtherFields();
  } catch (const HttpError& error) {
    std::vector<std::string> prefixed;
    for (const auto& message : error.messages()) prefixed.push_back("payload." + message);
    throw ValidationFailed(prefixed);
  }
  return event;
}

std::optional<std::string> parseCompletion(const std::string& body) {
  rapidjson::Document document = parseJsonBody(body);
  BodyValidator validator(document);
  auto result = validator.anyValue("result", false, kMaxResultBytes);
  validator.finish();
  if (result && *result == "null") return std::nullopt;
  return result;
}

RunnerFailure parseFailure(const std::string& body) {
  rapidjson::Document document = parseJsonBody(body);
  BodyValidator validator(document);
  auto error = validator.string("error", true, 1, kMaxErrorLength);
  auto retryable = validator.boolean("retryable", false);
  validator.finish();
  return RunnerFailure{*error, retryable.value_or(false)};
}

std::optional<std::string> parseRelease(const std::string& body) {
  rapidjson::Document document = parseJsonBody(body);
  BodyValidator validator(document);
  auto reason = validator.string("reason", false, 1, kMaxReleaseReasonLength);
  validator.finish();
  return reason;
}

}  // namespace rj
