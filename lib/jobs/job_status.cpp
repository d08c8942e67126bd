#include "jobs/job_status.h"

namespace rj {

namespace {
struct StatusName {
  JobStatus status;
  const char* name;
};
constexpr StatusName kStatusNames[] = {
    {JobStatus::Pending, "PENDING"}, {JobStatus::Queued, "QUEUED"},
    {JobStatus::Running, "RUNNING"}, {JobStatus::Completed, "COMPLETED"},
    {JobStatus::Failed, "FAILED"},   {JobStatus::Cancelled, "CANCELLED"},
};
}  // namespace

const char* statusName(JobStatus status) {
  for (const auto& entry : kStatusNames) {
    if (entry.status == status) return entry.name;
  }
  return "PENDING";
}

std::optional<JobStatus> parseJobStatus(std::string_view name) {
  for (const auto& entry : kStatusNames) {
    if (name == entry.name) return entry.status;
  }
  return std::nullopt;
}

bool isTerminal(JobStatus status) {
  return status == JobStatus::Completed || status == JobStatus::Failed ||
         status == JobStatus::Cancelled;
}

const char* allStatusNames() {
  return "PENDING, QUEUED, RUNNING, COMPLETED, FAILED, CANCELLED";
}

}  // namespace rj
