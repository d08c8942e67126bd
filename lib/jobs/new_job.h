#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace rj {

constexpr size_t kMaxJobDataBytes = 256 * 1024;

struct NewJob {
  std::string type;
  int64_t priority = 5;
  std::optional<std::string> data;  // serialised JSON object
  std::optional<std::string> agentTaskId;
};

// Validates a create body {type, priority?, data?, agentTaskId?}: 400 with every message.
NewJob parseNewJob(const std::string& body);

// A stable digest of the validated request, to tell a repeat from a different request that
// reuses an Idempotency-Key.
std::string fingerprint(const NewJob& job);

// An Idempotency-Key is 1..255 printable ASCII characters; 400 otherwise.
std::string validateIdempotencyKey(const std::string& key);

// The fields a job's request shares with a recurring schedule's, read by the same rules: `type`
// (required), `priority` and `data`. Each is nullopt when absent or refused (the validator has
// the message) until the validator finishes.
class BodyValidator;
struct JobTemplateFields {
  std::optional<std::string> type;
  std::optional<int64_t> priority;
  std::optional<std::string> data;
};
JobTemplateFields readJobTemplateFields(BodyValidator& validator);

}  // namespace rj
