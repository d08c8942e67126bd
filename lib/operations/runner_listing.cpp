#include "operations/runner_listing.h"

#include <map>

#include "auth/runner_identity.h"
#include "db/retry.h"
#include "json/json.h"
#include "util/time.h"

namespace rj {

std::vector<ListedRunner> listWorkspaceRunners(Connection& connection,
                                               const std::string& workspaceId) {
  // Running jobs by the (workspace_id, status, ...) index: few rows however long the history.
  std::map<std::string, std::vector<RunningJob>> runningByRunner;
  auto jobs = Query(connection,
                    "SELECT id, type, started_at, runner_id FROM runner_jobs"
                    " WHERE workspace_id = ? AND status = 'RUNNING' AND runner_id IS NOT NULL"
                    " ORDER BY started_at, id")
                  .bind(workspaceId)
                  .rows();
  while (jobs->next()) {
    runningByRunner[jobs->getString("runner_id")].push_back(
        {jobs->getString("id"), jobs->getString("type"),
         toIsoTimestamp(optionalString(*jobs, "started_at"))});
  }
  auto rows = Query(connection,
                    "SELECT id, name, job_types, last_seen_at, UNIX_TIMESTAMP(last_seen_at) AS"
                    " last_seen_epoch, revoked_at IS NOT NULL AS revoked FROM runners"
                    " WHERE workspace_id = ? OR (workspace_id IS NULL AND id IN (SELECT runner_id"
                    " FROM runner_jobs WHERE workspace_id = ? AND status = 'RUNNING'))"
                    " ORDER BY name, id")
                  .bind(workspaceId)
                  .bind(workspaceId)
                  .rows();
  std::vector<ListedRunner> runners;
  while (rows->next()) {
    ListedRunner runner;
    runner.id = rows->getString("id");
    runner.name = rows->getString("name");
    if (auto types = optionalString(*rows, "job_types")) runner.types = splitJobTypes(*types);
    runner.lastSeenAt = toIsoTimestamp(optionalString(*rows, "last_seen_at"));
    runner.lastSeenEpochSeconds = optionalString(*rows, "last_seen_epoch");
    runner.revoked = rows->getInt("revoked") != 0;
    auto running = runningByRunner.find(runner.id);
    if (running != runningByRunner.end()) runner.running = std::move(running->second);
    runners.push_back(std::move(runner));
  }
  return runners;
}

std::vector<ListedRunner> RunnerListing::list(const std::string& workspaceId) const {
  return withRetry(
      [&](Connection& connection) { return listWorkspaceRunners(connection, workspaceId); });
}

std::string toJson(const std::vector<ListedRunner>& runners) {
  JsonWriter out;
  out.startObject().key("data").startArray();
  for (const auto& runner : runners) {
    out.startObject().key("id").string(runner.id).key("name").string(runner.name);
    out.key("types");
    if (runner.types) {
      out.startArray();
      for (const auto& type : *runner.types) out.string(type);
      out.endArray();
    } else {
      out.null();
    }
    out.key("lastSeenAt").optionalString(runner.lastSeenAt);
    out.key("revoked").boolean(runner.revoked).key("running").startArray();
    for (const auto& job : runner.running) {
      out.startObject().key("id").string(job.id).key("type").string(job.type);
      out.key("startedAt").optionalString(job.startedAt).endObject();
    }
    out.endArray().endObject();
  }
  out.endArray().endObject();
  return out.take();
}

}  // namespace rj
