#include "jobs/new_job.h"

#include "errors/errors.h"
#include "jobs/list_query.h"
#include "json/json.h"
#include "json/validation.h"
#include "util/crypto.h"
#include "util/uuid.h"

namespace rj {

NewJob parseNewJob(const std::string& body) {
  rapidjson::Document document = parseJsonBody(body);
  BodyValidator validator(document);
  NewJob job;
  JobTemplateFields fields = readJobTemplateFields(validator);
  job.data = fields.data;
  auto agentTaskId = validator.string(
      "agentTaskId", false, 36, 36, [](const std::string& text) { return isUuid(text); },
      "be a UUID");
  validator.finish();
  job.type = *fields.type;
  if (fields.priority) job.priority = *fields.priority;
  if (agentTaskId) job.agentTaskId = normalizeUuid(*agentTaskId);
  return job;
}

std::string fingerprint(const NewJob& job) {
  JsonWriter out;
  out.startObject();
  out.key("type").string(job.type);
  out.key("priority").integer(job.priority);
  out.key("data").raw(job.data);
  out.key("agentTaskId").optionalString(job.agentTaskId);
  out.endObject();
  return sha256Hex(out.take());
}

std::string validateIdempotencyKey(const std::string& key) {
  if (key.empty() || key.size() > 255) {
    throw BadRequest(ErrorCode::InvalidIdempotencyKey, "Idempotency-Key must be 1 to 255 printable characters");
  }
  for (unsigned char c : key) {
    if (c < 0x20 || c > 0x7E) {
      throw BadRequest(ErrorCode::InvalidIdempotencyKey, "Idempotency-Key must be 1 to 255 printable characters");
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
