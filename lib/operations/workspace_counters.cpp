#include "operations/workspace_counters.h"

#include <algorithm>
#include <functional>
#include <random>

#include "db/padded_list.h"
#include "db/write_identity.h"

namespace rj {

namespace {
// The shard rows of sql/009 (which began with 16; a scrape sums whichever rows exist). 64: on a
// Galera cluster a shard two nodes' transactions both count in is a certification conflict.
constexpr int64_t kCounterShards = 64;

// The shard of the current write (withRetry call), from its random write id: a transaction that
// counts several events (a batch claim) then locks one counter row, where two such transactions
// taking rows in random order deadlock; concurrent writes, on any cluster node, spread over the
// shards. (A per-thread shard would pin two handler threads on two nodes to one row for good.)
int64_t writeShard() {
  if (auto writeId = currentWriteId()) {
    return static_cast<int64_t>(std::hash<std::string>{}(*writeId) % kCounterShards);
  }
  thread_local std::mt19937 generator{std::random_device{}()};
  return std::uniform_int_distribution<int64_t>(0, kCounterShards - 1)(generator);
}
}  // namespace

bool isCountedEventType(EventType type) {
  return type == EventType::JobStarted || type == EventType::JobCompleted ||
         type == EventType::JobFailed;
}

void countJobEvent(Connection& connection, const std::string& jobId, EventType type) {
  countJobEvents(connection, {jobId}, type);
}

void countJobEvents(Connection& connection, const std::vector<std::string>& jobIds,
                    EventType type) {
  int64_t claims = type == EventType::JobStarted ? 1 : 0;
  int64_t completions = type == EventType::JobCompleted ? 1 : 0;
  int64_t failures = type == EventType::JobFailed ? 1 : 0;
  if (!isCountedEventType(type) || jobIds.empty()) return;
  const size_t slots = paddedSlots(jobIds.size());
  Query query(connection,
              "INSERT INTO workspace_counters (workspace_id, shard, claims, completions, failures)"
              " SELECT workspace_id, ?, ? * COUNT(*), ? * COUNT(*), ? * COUNT(*) FROM runner_jobs"
              " WHERE id IN (" +
                  placeholderList(slots) +
                  ") GROUP BY workspace_id ON DUPLICATE KEY UPDATE claims = claims +"
                  " VALUES(claims), completions = completions + VALUES(completions),"
                  " failures = failures + VALUES(failures)");
  query.bind(writeShard()).bind(claims).bind(completions).bind(failures);
  for (size_t i = 0; i < slots; ++i) query.bind(paddedValue(jobIds, i));
  query.execute();
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
