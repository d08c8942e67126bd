#pragma once
// Reading a job with its steps and events in one statement (GET /api/runner-jobs/:id).
#include <cstdint>
#include <optional>
#include <string>

#include "db/connection.h"
#include "jobs/job.h"

namespace rj {

// The most events a job's detail lists (the first ones, by seq).
constexpr int64_t kMaxDetailEvents = 100000;

// The job in this workspace with its steps (by ordinal) and events (by seq), read in one
// statement and so from one snapshot; nullopt when the workspace has no such job.
std::optional<JobDetail> readJobDetail(Connection& connection, const std::string& workspaceId,
                                       const std::string& jobId);

}  // namespace rj
