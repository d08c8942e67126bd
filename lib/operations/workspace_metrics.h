#pragma once
// What GET /api/metrics reports for a workspace, read in four queries (see docs/API.md):
// job counts by status and type (index only), the oldest claimable job, the counters row and the
// runners.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "operations/runner_listing.h"
#include "operations/workspace_counters.h"

namespace rj {

struct WorkspaceMetrics {
  std::map<std::pair<std::string, std::string>, int64_t> jobsByStatusAndType;  // (status, type)
  double oldestClaimableAgeSeconds = 0;
  WorkspaceCounters counters;
  std::vector<ListedRunner> runners;
};

class MetricsService {
 public:
  WorkspaceMetrics collect(const std::string& workspaceId) const;
};

// The metrics in the Prometheus text format.
std::string prometheusText(const WorkspaceMetrics& metrics);

}  // namespace rj
