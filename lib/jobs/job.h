#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "events/job_event.h"

namespace rj {

// The statuses a job passes through; COMPLETED, FAILED and CANCELLED are terminal.
bool isJobStatus(const std::string& status);
bool isTerminalStatus(const std::string& status);

struct Job {
  std::string id;
  std::string workspaceId;
  std::string type;
  std::string status;
  int64_t priority = 5;
  int64_t progressPercent = 0;
  std::optional<std::string> data;    // serialised JSON object
  std::optional<std::string> result;  // serialised JSON value
  std::optional<std::string> error;
  std::optional<std::string> agentTaskId;
  std::optional<std::string> retryOfId;
  int64_t attempt = 1;
  std::string createdAt;
  std::string updatedAt;
  std::optional<std::string> startedAt;
  std::optional<std::string> completedAt;
};

struct JobStep {
  int64_t ordinal = 0;
  std::string name;
  std::string status;
  std::string startedAt;
  std::optional<std::string> completedAt;
};

struct JobDetail {
  Job job;
  std::vector<JobStep> steps;
  std::vector<JobEvent> events;
};

struct JobPage {
  std::vector<Job> jobs;
  int64_t total = 0;
  int64_t page = 1;
  int64_t limit = 50;
};

std::string toJson(const Job& job);
std::string toJson(const JobDetail& detail);
std::string toJson(const JobPage& page);

}  // namespace rj
