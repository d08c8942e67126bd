#pragma once
// The workspace stream's query filters. Pure: no database.
#include <map>
#include <string>
#include <vector>

#include "events/workspace_change.h"

namespace rj {

// Which changes a workspace stream wants: those of the job types it names and with the statuses
// (after the change) it names; all when a list is empty.
struct WorkspaceStreamFilter {
  std::vector<std::string> types;
  std::vector<std::string> statuses;
  bool accepts(const WorkspaceChange& change) const;
};

// `type` (one job type or several, comma-separated, at most 50) and `status` (one status or
// several, comma-separated); 400 with every message otherwise. Other parameters are not filters.
WorkspaceStreamFilter parseWorkspaceStreamFilter(const std::map<std::string, std::string>& query);

}  // namespace rj
