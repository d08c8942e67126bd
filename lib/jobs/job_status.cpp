#include "jobs/job_status.h"

#include "util/enum_names.h"

namespace rj {

namespace {
constexpr EnumName<JobStatus> kStatusNames[] = {
    {JobStatus::Pending, "PENDING"}, {JobStatus::Queued, "QUEUED"},
    {JobStatus::Running, "RUNNING"}, {JobStatus::Completed, "COMPLETED"},
    {JobStatus::Failed, "FAILED"},   {JobStatus::Cancelled, "CANCELLED"},
};
}  // namespace

const char* statusName(JobStatus status) {
  return nameIn(kStatusNames, status, "PENDING");
}

std::optional<JobStatus> parseJobStatus(std::string_view name) {
  return valueIn(kStatusNames, name);
}

bool isTerminal(JobStatus status) {
  return status == JobStatus::Completed || status == JobStatus::Failed ||
         status == JobStatus::Cancelled;
}

const char* allStatusNames() {
  return "PENDING, QUEUED, RUNNING, COMPLETED, FAILED, CANCELLED";
}

}  // namespace rj
