#pragma once
// The statuses a job (and a step) passes through, and their one spelling.
#include <optional>
#include <string_view>

namespace rj {

// PENDING is reserved (accepted in list filters, never set); COMPLETED, FAILED and CANCELLED are
// terminal. A step is RUNNING, COMPLETED or FAILED.
enum class JobStatus { Pending, Queued, Running, Completed, Failed, Cancelled };

// "QUEUED" for JobStatus::Queued.
const char* statusName(JobStatus status);
// The status spelled `name` (exactly, upper case); nullopt for anything else.
std::optional<JobStatus> parseJobStatus(std::string_view name);
bool isTerminal(JobStatus status);
// "PENDING, QUEUED, ...": every status, for validation messages.
const char* allStatusNames();

}  // namespace rj
