#pragma once
// The jobs service: every query is scoped by workspace, every change records its events in the
// same transaction.
#include <optional>
#include <string>

#include "jobs/job.h"
#include "jobs/job_detail_read.h"
#include "jobs/list_query.h"
#include "jobs/new_job.h"

namespace rj {

struct CreatedJob {
  Job job;
  bool created = true;  // false: an earlier request with the same Idempotency-Key made it
};

// A page of the list with the caller's token read in the same statement.
struct CallerAndJobPage {
  std::optional<LiveToken> caller;  // nullopt: no live token has the hash
  JobPage page;
};

class JobStore {
 public:
  JobPage list(const std::string& workspaceId, const JobListQuery& query);
  // The same page as list() answers it (its JSON), through this process's jobPageCache(): a page
  // read here less than kAnswerCacheMaxAge ago costs a read of the workspace's change log
  // version only, and the kept answer is sent while it is unchanged (jobs/answer_caches.h).
  std::string listJson(const std::string& workspaceId, const JobListQuery& query);
  // The same page with the caller's token lookup in its statement (guard and list in one round
  // trip; a page past the end still counts its total apart).
  CallerAndJobPage listWithCaller(const std::string& tokenHash, const std::string& workspaceId,
                                  const JobListQuery& query);
  // 404 when the job does not exist in this workspace.
  JobDetail get(const std::string& workspaceId, const std::string& jobId);
  // The same job as get() answers it (its JSON), through this process's jobDetailCache(): a
  // job read here less than kAnswerCacheMaxAge ago costs a read of its version only, and the
  // kept answer is sent while the version is unchanged (jobs/answer_caches.h).
  std::string getJson(const std::string& workspaceId, const std::string& jobId);
  // The same read with the caller's token lookup in its statement (readCallerAndJobDetail): the
  // guard's answer comes back with the job, which is nullopt when the workspace has none.
  CallerAndJobDetail getWithCaller(const std::string& tokenHash, const std::string& workspaceId,
                                   const std::string& jobId);
  // 422 when the key was used with a different request.
  CreatedJob create(const std::string& workspaceId, const NewJob& request,
                    const std::optional<std::string>& idempotencyKey);
  // 409 when the job is already terminal.
  Job cancel(const std::string& workspaceId, const std::string& jobId);
  // 409 unless the job FAILED or was CANCELLED.
  Job retry(const std::string& workspaceId, const std::string& jobId);
};

}  // namespace rj
