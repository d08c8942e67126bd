#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "events/job_event.h"
#include "jobs/job_status.h"

namespace rj {

// A list item carries data and result up to this size; GET by id always has them whole.
constexpr int64_t kMaxListedDocumentBytes = 16 * 1024;

struct Job {
  std::string id;
  std::string workspaceId;
  std::string type;
  JobStatus status = JobStatus::Queued;
  int64_t priority = 5;
  int64_t progressPercent = 0;
  std::optional<std::string> data;    // serialised JSON object
  std::optional<std::string> result;  // serialised JSON value
  bool dataOmitted = false;           // list items: data was too large to list
  bool resultOmitted = false;         // list items: result was too large to list
  std::optional<std::string> error;
  std::optional<std::string> agentTaskId;
  std::optional<std::string> retryOfId;
  int64_t attempt = 1;
  std::string createdAt;
  std::string updatedAt;
  std::optional<std::string> startedAt;
  std::optional<std::string> completedAt;
  std::string runAt;  // no runner claims the job before this (its creation, unless scheduled)
  int64_t maxAttempts = 3;
  int64_t backoffSeconds = 10;
  std::optional<int64_t> timeoutSeconds;
  std::optional<std::string> uniqueKey;
  std::optional<std::string> concurrencyKey;
  std::optional<int64_t> concurrencyLimit;
  // Server-side state, not part of the job's JSON.
  std::optional<std::string> runnerId;          // the runner holding it while RUNNING
  std::optional<std::string> leaseExpiresAt;    // ISO timestamp of the runner's lease
  bool leaseLive = false;                       // the lease has not expired yet
  std::optional<std::string> timeoutAt;         // when the RUNNING job times out
  std::optional<std::string> timedOutRunnerId;  // the runner whose run last timed out
  int64_t releaseCount = 0;                     // releases by runners (see LeaseStore::release)
  int64_t lastEventSeq = 0;                     // seq of the job's newest event
  std::optional<std::string> lastWriteId;       // the write that changed it last (see db/retry.h)
  // Part of the JSON again: the recurring schedule and due time that made the job.
  std::optional<std::string> recurringJobId;
  std::optional<std::string> scheduledFor;  // ISO timestamp
};

struct JobStep {
  int64_t ordinal = 0;
  std::string name;
  JobStatus status = JobStatus::Running;
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
