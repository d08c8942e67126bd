#pragma once
// The types of job events, and their one spelling ("job.queued").
#include <optional>
#include <string_view>

namespace rj {

enum class EventType {
  JobCreated,
  JobQueued,
  JobStarted,
  JobProgress,
  JobCompleted,
  JobFailed,
  JobCancelled,
  StepStarted,
  StepOutput,
  StepCompleted,
  StepFailed,
  JobRetryScheduled,  // back in the queue after a retryable failure or a timeout, from runAt
  JobTimedOut,        // the run passed the job's timeoutSeconds
};

const char* eventTypeName(EventType type);
// The type spelled `name`; nullopt for anything else.
std::optional<EventType> parseEventType(std::string_view name);
// The types a runner may post (step.*, job.progress); the server writes the other job.* events.
bool isRunnerEventType(EventType type);
// "step.started, step.output, ...": the runner's types, for validation messages.
const char* runnerEventTypeNames();

}  // namespace rj
