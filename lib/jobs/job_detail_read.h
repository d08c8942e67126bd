#pragma once
// Reading a job with its steps and events in one statement (GET /api/runner-jobs/:id).
#include <cstdint>
#include <optional>
#include <string>

#include "auth/token_store.h"
#include "db/connection.h"
#include "jobs/answer_caches.h"
#include "jobs/job.h"

namespace rj {

// The most events a job's detail lists (the first ones, by seq).
constexpr int64_t kMaxDetailEvents = 100000;

// The job in this workspace with its steps (by ordinal) and events (by seq), read in one
// statement and so from one snapshot; nullopt when the workspace has no such job.
std::optional<JobDetail> readJobDetail(Connection& connection, const std::string& workspaceId,
                                       const std::string& jobId);

// The version of the job in this workspace (one primary-key read of three columns), to tell
// whether an answer kept in jobDetailCache() is still the job's; nullopt when the workspace has
// no such job.
std::optional<JobVersion> readJobVersion(Connection& connection, const std::string& workspaceId,
                                         const std::string& jobId);
// The version a job row read in full has.
JobVersion versionOf(const Job& job);

// The caller's token and the job, read in one statement: the guard's lookup (TokenStore::findLive
// with this workspace) and readJobDetail's read, for GET /api/runner-jobs/:id in one round trip.
// The job's rows are read whoever asks; the caller decides from `caller` whether to answer them.
struct CallerAndJobDetail {
  std::optional<LiveToken> caller;  // nullopt: no live token has this hash
  std::optional<JobDetail> detail;  // nullopt: the workspace has no such job
};
CallerAndJobDetail readCallerAndJobDetail(Connection& connection, const std::string& tokenHash,
                                          const std::string& workspaceId, const std::string& jobId);

}  // namespace rj
