#include "operations/workspace_counters.h"

#include <random>

namespace rj {

namespace {
constexpr int64_t kCounterShards = 16;  // the shard rows of sql/009

// This thread's shard, drawn once: a transaction that counts several events (a batch claim) then
// locks one counter row, where two such transactions taking rows in random order deadlock.
// Threads still spread over the shards.
int64_t threadShard() {
  thread_local const int64_t shard = [] {
    std::mt19937 generator{std::random_device{}()};
    return std::uniform_int_distribution<int64_t>(0, kCounterShards - 1)(generator);
  }();
  return shard;
}
}  // namespace

void countJobEvent(Connection& connection, const std::string& jobId, EventType type) {
  int64_t claims = type == EventType::JobStarted ? 1 : 0;
  int64_t completions = type == EventType::JobCompleted ? 1 : 0;
  int64_t failures = type == EventType::JobFailed ? 1 : 0;
  if (claims + completions + failures == 0) return;
  int64_t shard = threadShard();
  Query(connection,
        "INSERT INTO workspace_counters (workspace_id, shard, claims, completions, failures)"
        " SELECT workspace_id, ?, ?, ?, ? FROM runner_jobs WHERE id = ?"
        " ON DUPLICATE KEY UPDATE claims = claims + VALUES(claims),"
        " completions = completions + VALUES(completions), failures = failures + VALUES(failures)")
      .bind(shard)
      .bind(claims)
      .bind(completions)
      .bind(failures)
      .bind(jobId)
      .execute();
}

WorkspaceCounters readWorkspaceCounters(Connection& connection, const std::string& workspaceId) {
  auto rows = Query(connection,
                    "SELECT COALESCE(SUM(claims), 0) AS claims,"
                    " COALESCE(SUM(completions), 0) AS completions,"
                    " COALESCE(SUM(failures), 0) AS failures FROM workspace_counters"
                    " WHERE workspace_id = ?")
                  .bind(workspaceId)
                  .rows();
  WorkspaceCounters counters;
  if (!rows->next()) return counters;
  counters.claims = rows->getInt64("claims");
  counters.completions = rows->getInt64("completions");
  counters.failures = rows->getInt64("failures");
  return counters;
}

}  // namespace rj
