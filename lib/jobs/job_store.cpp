#include "jobs/job_store.h"

#include <algorithm>
#include <tuple>

#include "db/select_list.h"
#include "db/write_count.h"
#include "events/event_confirmation.h"
#include "events/workspace_change_store.h"
#include "jobs/answer_caches.h"
#include "jobs/job_change.h"
#include "jobs/job_detail_read.h"
#include "jobs/job_insert.h"
#include "json/json.h"

namespace rj {

namespace {
// The list's filters as SQL: the shape varies, the values are still bound, never spliced in.
class ListFilter {
 public:
  ListFilter(const std::string& workspaceId, const JobListQuery& query)
      : workspaceId_(workspaceId), query_(query) {
    where_ = " WHERE workspace_id = ?";
    if (!query.statuses.empty()) {
      where_ += " AND status IN (?";
      for (size_t i = 1; i < query.statuses.size(); ++i) where_ += ", ?";
      where_ += ")";
    }
    if (query.type) where_ += " AND type = ?";
    if (query.agentTaskId) where_ += " AND agent_task_id = ?";
  }
  const std::string& where() const { return where_; }
  Query& bind(Query& statement) const {
    statement.bind(workspaceId_);
    for (JobStatus status : query_.statuses) statement.bind(statusName(status));
    if (query_.type) statement.bind(*query_.type);
    if (query_.agentTaskId) statement.bind(*query_.agentTaskId);
    return statement;
  }

 private:
  const std::string& workspaceId_;
  const JobListQuery& query_;
  std::string where_;
};

// The jobs the filter selects, all of them.
int64_t countJobs(Connection& connection, const ListFilter& filter) {
  Query count(connection, "SELECT COUNT(*) AS total FROM runner_jobs" + filter.where());
  auto counted = filter.bind(count).rows();
  counted->next();
  return counted->getInt64(1);
}

// Has the kept total of this query counted again on the process's counting thread; the request
// that asks goes on with the kept one. Should the thread's queue be full, a read counts the total
// itself once it reaches its maximum age.
void countAgainAside(const std::string& workspaceId, const JobListQuery& query,
                     const std::string& totalKey) {
  listTotalCounting().post([workspaceId, query, totalKey] {
    const auto countedAt = KeptTotals::Clock::now();
    int64_t total = withRetry([&](Connection& connection) {
      return countJobs(connection, ListFilter(workspaceId, query));
    });
    listTotals().counted(totalKey, total, countedAt);
  });
}

// The total kept for this query at `now`, if any; the read that finds it due has it counted again.
std::optional<KeptTotals::Count> keptTotalFor(const std::string& workspaceId,
                                              const JobListQuery& query,
                                              const std::string& totalKey,
                                              KeptTotals::Clock::time_point now) {
  std::optional<KeptTotals::Count> kept = listTotals().kept(totalKey, now);
  if (kept && kept->countAgain) countAgainAside(workspaceId, query, totalKey);
  return kept;
}

// Which part of the list statement a row carries.
enum class ListPart : int64_t { Job = 0, Caller = 1 };

// The page, each row carrying the total: an uncorrelated subquery, run once, on the same index as
// a COUNT of its own would be, without that statement's round trip (NULL when the process kept
// the total: listTotals() in jobs/answer_caches.h). With a token hash, the
// caller's token lookup follows in a second part of a UNION ALL (guard and list in one round
// trip). Columns: the part, kJobSummaryColumns, total, then kLiveTokenColumns. Without one, the
// rows carry the workspace's change log version last (kWorkspaceChangesVersionColumns), read in
// the page's snapshot, for jobPageCache().
std::string pageStatement(const ListFilter& filter, bool withCaller, bool withTotal) {
  std::string total =
      withTotal ? "(SELECT COUNT(*) FROM runner_jobs" + filter.where() + ")" : std::string("NULL");
  std::string page = std::string("SELECT 0 AS part, ") + kJobSummaryColumns + ", " + total +
                     " AS total, NULL AS seconds_left, NULL AS user_id, NULL AS role" +
                     (withCaller ? "" : std::string(", ") + kWorkspaceChangesVersionColumns) +
                     " FROM runner_jobs" + filter.where() +
                     " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?";
  if (!withCaller) return page;
  return "(" + page + ") UNION ALL SELECT 1, " +
         nullColumns(selectListLength(kJobSummaryColumns) + 1) + ", " + kLiveTokenColumns + " " +
         kLiveTokenSource;
}

// `version`, without a token hash: the change log's version as the page's rows carried it;
// nullopt when the page has no rows. `totalFreshUntil`: when a large total (listTotals()),
// counted by this read or an earlier one, reaches its maximum age.
CallerAndJobPage readPage(Connection& connection, const std::string& workspaceId,
                          const JobListQuery& query, const std::optional<std::string>& tokenHash,
                          std::optional<WorkspaceChangesVersion>* version = nullptr,
                          std::optional<KeptTotals::Clock::time_point>* totalFreshUntil = nullptr) {
  ListFilter filter(workspaceId, query);
  int64_t offset = (query.page - 1) * query.limit;
  CallerAndJobPage found;
  JobPage& page = found.page;
  page.page = query.page;
  page.limit = query.limit;
  const std::string totalKey = jobFilterKey(workspaceId, query);
  const auto readAt = KeptTotals::Clock::now();
  const std::optional<KeptTotals::Count> keptTotal =
      keptTotalFor(workspaceId, query, totalKey, readAt);
  // Causal on a cluster: the list shows what the user just did through another front end.
  Query select(connection, causalRead(connection, pageStatement(filter, tokenHash.has_value(),
                                                                !keptTotal.has_value())));
  if (!keptTotal) filter.bind(select);                         // the total's subquery
  if (!tokenHash) select.bind(workspaceId).bind(workspaceId);  // the version's subqueries
  filter.bind(select).bind(query.limit).bind(offset);
  if (tokenHash) select.bind(workspaceId).bind(*tokenHash);
  auto rows = select.rows();
  constexpr uint32_t kPart = 1, kFirstJobColumn = 2;
  const uint32_t total = kFirstJobColumn + static_cast<uint32_t>(jobColumnLabels().size());
  while (rows->next()) {
    if (static_cast<ListPart>(rows->getInt64(kPart)) == ListPart::Caller) {
      found.caller = readLiveToken(*rows, total + 1, *tokenHash, workspaceId);
      continue;
    }
    if (!keptTotal) page.total = rows->getInt64(total);
    page.jobs.push_back(readJob(*rows, kFirstJobColumn));
    if (version)
      *version = WorkspaceChangesVersion{rows->getInt64(total + 4), rows->getInt64(total + 5)};
  }
  // The server does not promise a union's order: newest first again.
  if (tokenHash) {
    std::sort(page.jobs.begin(), page.jobs.end(), [](const Job& a, const Job& b) {
      return std::tie(a.createdAt, a.id) > std::tie(b.createdAt, b.id);
    });
  }
  // A page shorter than its limit (not past the end) tells the total itself: the jobs before it
  // and its own, in one snapshot, as the count does. A kept total never contradicts the page:
  // at least the jobs up to its last, at most the jobs before a page past the end.
  const auto shown = static_cast<int64_t>(page.jobs.size());
  const bool shortPage = shown < query.limit && (shown > 0 || offset == 0);
  if (shortPage) {
    page.total = offset + shown;
  } else if (keptTotal) {
    page.total =
        shown > 0 ? std::max(keptTotal->total, offset + shown) : std::min(keptTotal->total, offset);
  } else if (shown == 0) {
    // A page past the end has no row to carry the total, so it is counted apart.
    page.total = countJobs(connection, filter);
  }
  std::optional<KeptTotals::Clock::time_point> largeTotalAt;
  if (shortPage || !keptTotal) {
    if (listTotals().counted(totalKey, page.total, readAt)) largeTotalAt = readAt;
  } else {
    largeTotalAt = keptTotal->countedAt;
  }
  if (totalFreshUntil && largeTotalAt) *totalFreshUntil = *largeTotalAt + kListTotalMaxAge;
  return found;
}
}  // namespace

JobPage JobStore::list(const std::string& workspaceId, const JobListQuery& query) {
  return withRetry([&](Connection& connection) {
    return readPage(connection, workspaceId, query, std::nullopt).page;
  });
}

std::string JobStore::listJson(const std::string& workspaceId, const JobListQuery& query) {
  // A kept answer carries a kept total: the read that finds that total due has it counted again,
  // also when it goes out with the kept answer.
  keptTotalFor(workspaceId, query, jobFilterKey(workspaceId, query), KeptTotals::Clock::now());
  auto readVersion = [&] {
    return withRetry([&](Connection& connection) {
      return readWorkspaceChangesVersion(connection, workspaceId);
    });
  };
  auto readAnswer = [&] {
    std::optional<WorkspaceChangesVersion> version;  // nullopt: no rows carried it
    std::optional<KeptTotals::Clock::time_point> totalFreshUntil;
    JobPage page = withRetry([&](Connection& connection) {
      version.reset();
      totalFreshUntil.reset();
      return readPage(connection, workspaceId, query, std::nullopt, &version, &totalFreshUntil)
          .page;
    });
    // An answer with a large total is kept no longer than the total may be answered: past
    // that, every read would count.
    return JobPageCache::FullRead{version, toJson(page), totalFreshUntil};
  };
  return jobPageCache().answer(jobPageKey(workspaceId, query), frontEndWrites(), readVersion,
                               readAnswer);
}

CallerAndJobPage JobStore::listWithCaller(const std::string& tokenHash,
                                          const std::string& workspaceId,
                                          const JobListQuery& query) {
  return withRetry(
      [&](Connection& connection) { return readPage(connection, workspaceId, query, tokenHash); });
}

JobDetail JobStore::get(const std::string& workspaceId, const std::string& jobId) {
  return withRetry([&](Connection& connection) {
    auto detail = readJobDetail(connection, workspaceId, jobId);
    if (!detail) throw jobNotFound(jobId);
    return std::move(*detail);
  });
}

std::string JobStore::getJson(const std::string& workspaceId, const std::string& jobId) {
  const std::string key = jobDetailKey(workspaceId, jobId);
  auto readVersion = [&] {
    auto version = withRetry(
        [&](Connection& connection) { return readJobVersion(connection, workspaceId, jobId); });
    if (!version) {
      jobDetailCache().forget(key);
      throw jobNotFound(jobId);
    }
    return *version;
  };
  auto readAnswer = [&] {
    JobDetail detail = get(workspaceId, jobId);
    return JobDetailCache::FullRead{versionOf(detail.job), toJson(detail), std::nullopt};
  };
  return jobDetailCache().answer(key, frontEndWrites(), readVersion, readAnswer);
}

CallerAndJobDetail JobStore::getWithCaller(const std::string& tokenHash,
                                           const std::string& workspaceId,
                                           const std::string& jobId) {
  return withRetry([&](Connection& connection) {
    return readCallerAndJobDetail(connection, tokenHash, workspaceId, jobId);
  });
}

namespace {
std::string jsonObject(std::initializer_list<std::pair<const char*, std::string>> fields) {
  JsonWriter out;
  out.startObject();
  for (const auto& [name, value] : fields) out.key(name).string(value);
  out.endObject();
  return out.take();
}

constexpr int kDuplicateKey = 1062;

std::optional<std::string> liveJobWithUniqueKey(Connection& connection,
                                                const std::string& workspaceId,
                                                const std::string& uniqueKey) {
  // A locking read sees the newest committed row, also inside a transaction's older snapshot.
  auto rows = Query(connection,
                    "SELECT id FROM runner_jobs WHERE workspace_id = ? AND live_unique_key = ?"
                    " LOCK IN SHARE MODE")
                  .bind(workspaceId)
                  .bind(uniqueKey)
                  .rows();
  if (!rows->next()) return std::nullopt;
  return std::string(rows->getString("id"));
}

// The insert met a live job with the same uniqueKey (not another unique index).
bool isUniqueKeyConflict(const sql::SQLException& error) {
  return error.getErrorCode() == kDuplicateKey &&
         std::string(error.what()).find("runner_jobs_unique_key") != std::string::npos;
}

HttpError jobNotUnique(const std::string& uniqueKey, const std::string& liveJobId) {
  HttpError error = Conflict(ErrorCode::JobNotUnique, "Runner job with ID " + liveJobId +
                                                          " already holds uniqueKey " + uniqueKey);
  error.fields.emplace_back("jobId", liveJobId);
  return error;
}
}  // namespace

CreatedJob JobStore::create(const std::string& workspaceId, const NewJob& request,
                            const std::optional<std::string>& idempotencyKey) {
  std::optional<std::string> requestHash;
  if (idempotencyKey) requestHash = fingerprint(request);
  return withRetry([&](Connection& connection) {
    if (earlierCommitMayHaveSucceeded()) {
      // The job an earlier attempt of this request committed, if it did (see db/retry.h).
      auto rows = Query(connection, causalRead(connection, std::string("SELECT ") + kJobColumns +
                                                               " FROM runner_jobs WHERE"
                                                               " workspace_id = ? AND"
                                                               " last_write_id = ?"))
                      .bind(workspaceId)
                      .bind(*currentWriteId())
                      .rows();
      if (rows->next()) return CreatedJob{readJob(*rows), true};
    }
    for (;;) {
      if (idempotencyKey) {
        auto rows = Query(connection, std::string("SELECT ") + kJobColumns +
                                          ", request_hash FROM runner_jobs"
                                          " WHERE workspace_id = ? AND idempotency_key = ?")
                        .bind(workspaceId)
                        .bind(*idempotencyKey)
                        .rows();
        if (rows->next()) {
          if (rows->getString("request_hash") != *requestHash) {
            throw UnprocessableEntity(ErrorCode::IdempotencyKeyReused,
                                      "Idempotency-Key was already used for a different request");
          }
          return CreatedJob{readJob(*rows), false};
        }
      }
      try {
        JobOrigin origin;
        origin.idempotencyKey = idempotencyKey;
        origin.requestHash = requestHash;
        // One round trip: the insert commits and reads the job back itself, before the commit
        // (see withRetry).
        Job job = commitQueuedJob(connection, workspaceId, request, origin);
        confirmEventsKept(connection);  // its opening events
        return CreatedJob{std::move(job), true};
      } catch (const sql::SQLException& error) {
        if (error.getErrorCode() != kDuplicateKey) throw;
        if (isUniqueKeyConflict(error)) {
          if (auto live = liveJobWithUniqueKey(connection, workspaceId, *request.uniqueKey)) {
            throw jobNotUnique(*request.uniqueKey, *live);
          }
          continue;  // the live job ended meanwhile: the key is free again
        }
        // A concurrent request with the same Idempotency-Key won its unique index: answer with
        // its job.
        if (!idempotencyKey) throw;
      }
    }
  });
}

Job JobStore::cancel(const std::string& workspaceId, const std::string& jobId) {
  return changeJob(workspaceId, jobId, [&](JobChange& job) {
    if (isTerminal(job.status())) {
      throw Conflict(ErrorCode::JobTerminal,
                     "Runner job with ID " + jobId + " is already " + statusName(job.status()));
    }
    job.setStatus(JobStatus::Cancelled);
    job.append(EventType::JobCancelled, jsonObject({{"previousStatus", statusName(job.status())},
                                                    {"status", statusName(JobStatus::Cancelled)}}));
  });
}

Job JobStore::retry(const std::string& workspaceId, const std::string& jobId) {
  return changeJob(workspaceId, jobId, [&](JobChange& job) {
    if (job.status() != JobStatus::Failed && job.status() != JobStatus::Cancelled) {
      throw Conflict(ErrorCode::JobNotRetryable,
                     "Runner job with ID " + jobId + " is " + statusName(job.status()) +
                         "; only FAILED or CANCELLED jobs can be retried");
    }
    const Job& failed = job.job();
    NewJob request;
    request.type = failed.type;
    request.priority = failed.priority;
    request.data = failed.data;
    request.agentTaskId = failed.agentTaskId;
    request.maxAttempts = failed.maxAttempts;
    request.backoffSeconds = failed.backoffSeconds;
    request.timeoutSeconds = failed.timeoutSeconds;
    request.uniqueKey = failed.uniqueKey;
    request.concurrencyKey = failed.concurrencyKey;
    request.concurrencyLimit = failed.concurrencyLimit;
    JobOrigin origin;
    origin.retryOfId = failed.id;
    origin.attempt = failed.attempt + 1;
    try {
      job.answerWith(insertQueuedJob(job.connection(), workspaceId, request, origin).id);
    } catch (const sql::SQLException& error) {
      // The retry keeps the uniqueKey, which a live job of the workspace may hold meanwhile.
      if (!isUniqueKeyConflict(error)) throw;
      auto live = liveJobWithUniqueKey(job.connection(), workspaceId, *request.uniqueKey);
      throw jobNotUnique(*request.uniqueKey, live.value_or(""));
    }
  });
}

}  // namespace rj
