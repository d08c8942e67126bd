#pragma once
// The bodies of the runner endpoints, validated (400 with NestJS messages, unknown fields too).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "events/event_type.h"

namespace rj {

constexpr int64_t kMaxClaimWaitSeconds = 30;
constexpr int64_t kMaxClaimBatch = 50;
constexpr size_t kMaxEventPayloadBytes = 64 * 1024;
constexpr size_t kMaxErrorLength = 10000;
constexpr size_t kMaxReleaseReasonLength = 500;
// A result is at most the whole body, which the server already caps (kMaxBodyBytes,
// http/request.h).
constexpr size_t kMaxResultBytes = 1024 * 1024;

// POST /api/runner/claim {types?, waitSeconds?, max?}
struct ClaimRequest {
  std::vector<std::string> types;  // empty: every type the runner accepts
  int64_t waitSeconds = 0;
  // Up to this many jobs, answered as a list; nullopt: one job, answered as the job itself.
  std::optional<int64_t> max;
};
ClaimRequest parseClaimRequest(const std::string& body);

// POST /api/runner/jobs/:id/events {type, payload?}
struct RunnerEvent {
  EventType type = EventType::StepOutput;  // one isRunnerEventType() accepts
  std::string payload = "{}";              // serialised JSON object
  // Decoded from the payload where the type needs it.
  std::optional<int64_t> progressPercent;  // job.progress
  std::optional<int64_t> stepOrdinal;      // step.*
  std::optional<std::string> stepName;     // step.started (required), others (optional)
};
RunnerEvent parseRunnerEvent(const std::string& body);

// POST /api/runner/jobs/:id/complete {result?}: the result serialised, nullopt when absent.
std::optional<std::string> parseCompletion(const std::string& body);
// POST /api/runner/jobs/:id/fail {error, retryable?}.
struct RunnerFailure {
  std::string error;
  bool retryable = false;  // try again after the backoff while attempts are left
};
RunnerFailure parseFailure(const std::string& body);
// POST /api/runner/jobs/:id/release {reason?}: why the runner gives the job back, if it says.
std::optional<std::string> parseRelease(const std::string& body);

}  // namespace rj
