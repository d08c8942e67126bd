#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "jobs/job_status.h"

namespace rj {

struct JobListQuery {
  std::vector<JobStatus> statuses;  // empty: any
  std::optional<std::string> type;
  std::optional<std::string> agentTaskId;
  int64_t page = 1;
  int64_t limit = 50;
};

// Validates the query parameters status (one or comma-separated), type, agentTaskId, page and
// limit; 400 with the list of messages otherwise. Other query parameters (workspaceId, cache
// busters) are ignored.
JobListQuery parseJobListQuery(const std::map<std::string, std::string>& query);

// `type` of a job: 1..100 characters of [A-Za-z0-9._:-].
bool isJobType(const std::string& type);

}  // namespace rj
