#pragma once
// The answers of GET /api/runner-jobs/:id and of the list as this process last sent them, each
// kept with the version of what it was read from (util/answer_cache.h). A read the process knows
// asks the database only for the version and sends the kept bytes while it is unchanged:
// - a job's detail, by the job's version: every write of the service moves it, so every change
//   made through the API shows at the next read;
// - a page of the list, by the workspace's change log: every change of a job that records an
//   event adds a row to it (a create, a status, progress), so those show at the next read.
// What moves neither (an edit by SQL, retention's deletions, a heartbeat's updatedAt in the
// list) shows within kAnswerCacheMaxAge, after which an answer is read again in full
// (docs/DESIGN.md "Answers kept with their version").
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "events/workspace_change_store.h"
#include "jobs/list_query.h"
#include "util/answer_cache.h"
#include "util/background_tasks.h"
#include "util/kept_totals.h"

namespace rj {

constexpr std::chrono::milliseconds kAnswerCacheMaxAge{2000};
// Bounds of each cache of a process: answers kept, and their bytes. An answer larger than
// kAnswerCacheLargestAnswer is not kept (a chatty job's tens of thousands of events).
constexpr size_t kAnswerCacheEntries = 1024;
constexpr size_t kAnswerCacheBytes = 16 * 1024 * 1024;
constexpr size_t kAnswerCacheLargestAnswer = 256 * 1024;

// What every write of a job moves: updated_at (each write sets it), last_event_seq (each event)
// and last_write_id (each request's writes stamp their own, so two writes within the same
// millisecond still differ).
struct JobVersion {
  std::string updatedAt;
  int64_t lastEventSeq = 0;
  std::optional<std::string> lastWriteId;

  bool operator==(const JobVersion& other) const {
    return updatedAt == other.updatedAt && lastEventSeq == other.lastEventSeq &&
           lastWriteId == other.lastWriteId;
  }
  bool operator!=(const JobVersion& other) const { return !(*this == other); }
};

// The list's meta.total when it is large (util/kept_totals.h): a count of at least
// kListTotalKeptFrom jobs is answered again for 2 seconds, and for up to 2 more while the
// process's counting thread (listTotalCounting()) takes it again, so that it lags the jobs it
// counts by at most kListTotalMaxAge. A page shorter than its limit always tells its total
// exactly (the jobs before it and its own). Counting every second instead left the list's p99 at
// 8 connections in a 200,000-job workspace at 5.3-5.9 ms, against 3.2-4.1 (docs/DESIGN.md).
constexpr int64_t kListTotalKeptFrom = 1000;
constexpr std::chrono::milliseconds kListTotalFreshFor{2000};
constexpr std::chrono::milliseconds kListTotalMaxAge{4000};

using JobDetailCache = AnswerCache<JobVersion>;
using JobPageCache = AnswerCache<WorkspaceChangesVersion>;

// The caches this process's reads use.
JobDetailCache& jobDetailCache();
JobPageCache& jobPageCache();
KeptTotals& listTotals();
// The thread that counts the kept totals again, beside the requests.
BackgroundTasks& listTotalCounting();

std::string jobDetailKey(const std::string& workspaceId, const std::string& jobId);
// Every field of the query that selects the page, each length-prefixed so that no two queries
// share a key.
std::string jobPageKey(const std::string& workspaceId, const JobListQuery& query);
// The same without the page and limit: the jobs the page's total counts.
std::string jobFilterKey(const std::string& workspaceId, const JobListQuery& query);

}  // namespace rj
