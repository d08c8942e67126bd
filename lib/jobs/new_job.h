#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace rj {

constexpr size_t kMaxJobDataBytes = 256 * 1024;
// The furthest a job can be scheduled ahead: delaySeconds, and runAt from now.
constexpr int64_t kMaxDelaySeconds = 31536000;
constexpr int64_t kDefaultMaxAttempts = 3;
constexpr int64_t kDefaultBackoffSeconds = 10;

struct NewJob {
  std::string type;
  int64_t priority = 5;
  std::optional<std::string> data;  // serialised JSON object
  std::optional<std::string> agentTaskId;
  // Not claimable before this ("2026-11-24 12:00:00.000", UTC) or this many seconds from now.
  std::optional<std::string> runAt;
  std::optional<int64_t> delaySeconds;
  int64_t maxAttempts = kDefaultMaxAttempts;
  int64_t backoffSeconds = kDefaultBackoffSeconds;
  std::optional<int64_t> timeoutSeconds;
  std::optional<std::string> uniqueKey;
  std::optional<std::string> concurrencyKey;
  std::optional<int64_t> concurrencyLimit;  // set whenever concurrencyKey is (default 1)
};

// A job of `type` with the given fields and every other setting at its default.
NewJob makeNewJob(std::string type, int64_t priority = 5, std::optional<std::string> data = {},
                  std::optional<std::string> agentTaskId = {});

// Validates a create body {type, priority?, data?, agentTaskId?, runAt? | delaySeconds?,
// maxAttempts?, backoffSeconds?, timeoutSeconds?, uniqueKey?, concurrencyKey?, concurrencyLimit?}:
// 400 with every message.
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
