#include "events/event_type.h"

#include "util/enum_names.h"

namespace rj {

namespace {
constexpr EnumName<EventType> kTypeNames[] = {
    {EventType::JobCreated, "job.created"},
    {EventType::JobQueued, "job.queued"},
    {EventType::JobStarted, "job.started"},
    {EventType::JobProgress, "job.progress"},
    {EventType::JobCompleted, "job.completed"},
    {EventType::JobFailed, "job.failed"},
    {EventType::JobCancelled, "job.cancelled"},
    {EventType::StepStarted, "step.started"},
    {EventType::StepOutput, "step.output"},
    {EventType::StepCompleted, "step.completed"},
    {EventType::StepFailed, "step.failed"},
    {EventType::JobRetryScheduled, "job.retry_scheduled"},
    {EventType::JobTimedOut, "job.timed_out"},
};
}  // namespace

const char* eventTypeName(EventType type) {
  return nameIn(kTypeNames, type, "job.created");
}

std::optional<EventType> parseEventType(std::string_view name) {
  return valueIn(kTypeNames, name);
}

bool isRunnerEventType(EventType type) {
  switch (type) {
    case EventType::StepStarted:
    case EventType::StepOutput:
    case EventType::StepCompleted:
    case EventType::StepFailed:
    case EventType::JobProgress:
      return true;
    default:
      return false;
  }
}

const char* runnerEventTypeNames() {
  return "step.started, step.output, step.completed, step.failed, job.progress";
}

}  // namespace rj
