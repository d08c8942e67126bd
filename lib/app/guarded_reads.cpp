#include "app/guarded_reads.h"

#include <utility>

#include "jobs/job_change.h"
#include "jobs/job_store.h"
#include "util/uuid.h"

namespace rj {

GuardedReader jobDetailWithCaller() {
  return [](Request& request, const std::string& tokenHash,
            const std::string& workspaceId) -> std::optional<GuardedRead> {
    auto id = request.params.find("id");
    // A malformed id is answered 400 after the guards, by the ordinary path.
    if (id == request.params.end() || !isUuid(id->second)) return std::nullopt;
    std::string jobId = normalizeUuid(id->second);
    CallerAndJobDetail found = JobStore().getWithCaller(tokenHash, workspaceId, jobId);
    return GuardedRead{std::move(found.caller),
                       [detail = std::move(found.detail), jobId]() -> Response {
                         if (!detail) throw jobNotFound(jobId);
                         return json(*detail);
                       }};
  };
}

GuardedReader jobPageWithCaller() {
  return [](Request& request, const std::string& tokenHash,
            const std::string& workspaceId) -> std::optional<GuardedRead> {
    JobListQuery query;
    try {
      query = parseJobListQuery(request.query);
    } catch (const HttpError&) {
      return std::nullopt;  // the ordinary path answers it, after the guards
    }
    CallerAndJobPage found = JobStore().listWithCaller(tokenHash, workspaceId, query);
    return GuardedRead{std::move(found.caller),
                       [page = std::move(found.page)]() -> Response { return json(page); }};
  };
}

}  // namespace rj
