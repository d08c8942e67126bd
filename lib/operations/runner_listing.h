#pragma once
// The runners a workspace sees (GET /api/runners, and the runner series of /api/metrics).
// Listed: runners bound to the workspace, and runners bound to no workspace while they run one of
// its jobs (an unbound runner serves every tenant; naming it to all of them when it has not
// touched their work would tell one tenant about another's setup).
#include <optional>
#include <string>
#include <vector>

#include "db/connection.h"

namespace rj {

struct RunningJob {
  std::string id;
  std::string type;
  std::optional<std::string> startedAt;  // ISO
};

struct ListedRunner {
  std::string id;
  std::string name;
  std::optional<std::vector<std::string>> types;    // nullopt: any type
  std::optional<std::string> lastSeenAt;            // ISO
  std::optional<std::string> lastSeenEpochSeconds;  // "1760000000.123", for metrics
  bool revoked = false;
  std::vector<RunningJob> running;  // this workspace's RUNNING jobs it holds, oldest first
};

// Two queries: the runners (by name) and the workspace's running jobs.
std::vector<ListedRunner> listWorkspaceRunners(Connection& connection,
                                               const std::string& workspaceId);

class RunnerListing {
 public:
  // listWorkspaceRunners with retries on transient database errors.
  std::vector<ListedRunner> list(const std::string& workspaceId) const;
};

// {"data": [{id, name, types, lastSeenAt, revoked, running: [{id, type, startedAt}]}]}
std::string toJson(const std::vector<ListedRunner>& runners);

}  // namespace rj
