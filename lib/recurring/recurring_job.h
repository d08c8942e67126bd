#pragma once
// A recurring schedule: a job template (type, priority, data) and when to make its jobs.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "jobs/new_job.h"
#include "recurring/schedule_timing.h"

namespace rj {

// What POST /api/recurring-jobs asks for, validated.
struct NewRecurringJob {
  std::string name;
  NewJob job;                       // type, priority, data of every job it makes
  std::optional<std::string> cron;  // exactly one of cron and everySeconds
  std::optional<int64_t> everySeconds;
  std::string timezone = "UTC";
};

constexpr int64_t kMaxEverySeconds = 86400;

// Validates a create body {name, type, data?, priority?, cron | everySeconds, timezone?}: 400
// VALIDATION_FAILED with every message.
NewRecurringJob parseNewRecurringJob(const std::string& body);

struct RecurringJob {
  std::string id;
  std::string workspaceId;
  std::string name;
  std::string type;
  int64_t priority = 5;
  std::optional<std::string> data;  // serialised JSON object
  std::optional<std::string> cron;
  std::optional<int64_t> everySeconds;
  std::string timezone = "UTC";
  std::string nextRunAt;  // ISO timestamps
  std::optional<std::string> lastRunAt;
  std::string createdAt;
};

// The timing of a stored schedule (its cron and timezone were validated when it was made).
ScheduleTiming timingOf(const std::optional<std::string>& cron,
                        const std::optional<int64_t>& everySeconds, const std::string& timezone);

std::string toJson(const RecurringJob& schedule);
// {"data": [...]} for GET /api/recurring-jobs.
std::string toJson(const std::vector<RecurringJob>& schedules);

}  // namespace rj
