#include "jobs/answer_caches.h"

#include "db/connection.h"

namespace rj {

namespace {
void appendField(std::string& key, const std::string& field) {
  key += std::to_string(field.size());
  key += ':';
  key += field;
}
}  // namespace

JobDetailCache& jobDetailCache() {
  static JobDetailCache cache(kAnswerCacheMaxAge, kAnswerCacheEntries, kAnswerCacheBytes,
                              kAnswerCacheLargestAnswer);
  return cache;
}

JobPageCache& jobPageCache() {
  static JobPageCache cache(kAnswerCacheMaxAge, kAnswerCacheEntries, kAnswerCacheBytes,
                            kAnswerCacheLargestAnswer);
  return cache;
}

KeptTotals& listTotals() {
  static KeptTotals totals(kListTotalKeptFrom, kListTotalFreshFor, kListTotalMaxAge,
                           kAnswerCacheEntries);
  return totals;
}

BackgroundTasks& listTotalCounting() {
  // A few queries' totals at a time at most: one of each expired key is posted.
  static BackgroundTasks counting(64, [] { return std::make_shared<DatabaseThread>(); });
  return counting;
}

std::string jobDetailKey(const std::string& workspaceId, const std::string& jobId) {
  // Both are UUIDs: a space cannot occur in either.
  return workspaceId + " " + jobId;
}

std::string jobPageKey(const std::string& workspaceId, const JobListQuery& query) {
  return jobFilterKey(workspaceId, query) + " p" + std::to_string(query.page) + " l" +
         std::to_string(query.limit);
}

std::string jobFilterKey(const std::string& workspaceId, const JobListQuery& query) {
  std::string key = workspaceId;
  key += " s";
  for (JobStatus status : query.statuses) appendField(key, statusName(status));
  key += " t";
  if (query.type) appendField(key, *query.type);
  key += " a";
  if (query.agentTaskId) appendField(key, *query.agentTaskId);
  return key;
}

}  // namespace rj
