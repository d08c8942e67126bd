#include "jobs/new_job.h"

#include "errors/errors.h"
#include "jobs/list_query.h"
#include "json/json.h"
#include "json/validation.h"
#include "util/crypto.h"
#include "util/civil_time.h"
#include "util/time.h"
#include "util/uuid.h"

namespace rj {

NewJob makeNewJob(std::string type, int64_t priority, std::optional<std::string> data,
                  std::optional<std::string> agentTaskId) {
  NewJob job;
  job.type = std::move(type);
  job.priority = priority;
  job.data = std::move(data);
  job.agentTaskId = std::move(agentTaskId);
  return job;
}

NewJob parseNewJob(const std::string& body) {
  rapidjson::Document document = parseJsonBody(body);
  BodyValidator validator(document);
  NewJob job;
  JobTemplateFields fields = readJobTemplateFields(validator);
  job.data = fields.data;
  auto agentTaskId = validator.string(
      "agentTaskId", false, 36, 36, [](const std::string& text) { return isUuid(text); },
      "be a UUID");
  auto runAt = validator.string(
      "runAt", false, 1, 64,
      [](const std::string& text) {
        auto at = parseIsoUtcMilliseconds(text);
        return at && *at <= nowEpochMilliseconds() + kMaxDelaySeconds * 1000;
      },
      "be an ISO-8601 UTC timestamp (2026-01-31T12:00:00Z) at most 365 days ahead");
  job.delaySeconds = validator.integer("delaySeconds", false, 0, kMaxDelaySeconds);
  auto maxAttempts = validator.integer("maxAttempts", false, 1, 25);
  auto backoffSeconds = validator.integer("backoffSeconds", false, 1, 86400);
  job.timeoutSeconds = validator.integer("timeoutSeconds", false, 1, 604800);
  job.uniqueKey = validator.string("uniqueKey", false, 1, 255);
  job.concurrencyKey = validator.string("concurrencyKey", false, 1, 255);
  job.concurrencyLimit = validator.integer("concurrencyLimit", false, 1, 1000);
  if (runAt && job.delaySeconds) validator.fail("runAt and delaySeconds cannot both be given");
  if (job.concurrencyLimit && !job.concurrencyKey) {
    validator.fail("concurrencyLimit needs a concurrencyKey");
  }
  validator.finish();
  job.type = *fields.type;
  if (fields.priority) job.priority = *fields.priority;
  if (agentTaskId) job.agentTaskId = normalizeUuid(*agentTaskId);
  if (runAt) job.runAt = toDatabaseTime(*parseIsoUtcMilliseconds(*runAt));
  if (maxAttempts) job.maxAttempts = *maxAttempts;
  if (backoffSeconds) job.backoffSeconds = *backoffSeconds;
  if (job.concurrencyKey && !job.concurrencyLimit) job.concurrencyLimit = 1;
  return job;
}

std::string fingerprint(const NewJob& job) {
  JsonWriter out;
  out.startObject();
  out.key("type").string(job.type);
  out.key("priority").integer(job.priority);
  out.key("data").raw(job.data);
  out.key("agentTaskId").optionalString(job.agentTaskId);
  out.key("runAt").optionalString(job.runAt);
  out.key("delaySeconds").optionalInteger(job.delaySeconds);
  out.key("maxAttempts").integer(job.maxAttempts);
  out.key("backoffSeconds").integer(job.backoffSeconds);
  out.key("timeoutSeconds").optionalInteger(job.timeoutSeconds);
  out.key("uniqueKey").optionalString(job.uniqueKey);
  out.key("concurrencyKey").optionalString(job.concurrencyKey);
  out.key("concurrencyLimit").optionalInteger(job.concurrencyLimit);
  out.endObject();
  return sha256Hex(out.take());
}

std::string validateIdempotencyKey(const std::string& key) {
  if (key.empty() || key.size() > 255) {
    throw BadRequest(ErrorCode::InvalidIdempotencyKey,
                     "Idempotency-Key must be 1 to 255 printable characters");
  }
  for (unsigned char c : key) {
    if (c < 0x20 || c > 0x7E) {
      throw BadRequest(ErrorCode::InvalidIdempotencyKey,
                       "Idempotency-Key must be 1 to 255 printable characters");
    }
  }
  return key;
}

JobTemplateFields readJobTemplateFields(BodyValidator& validator) {
  JobTemplateFields fields;
  fields.type = validator.string("type", true, 1, 100, isJobType,
                                 "match /^[A-Za-z0-9._:-]+$/ regular expression");
  fields.priority = validator.integer("priority", false, 0, 100);
  fields.data = validator.object("data", false, kMaxJobDataBytes);
  return fields;
}

}  // namespace rj
