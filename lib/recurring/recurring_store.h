#pragma once
// The recurring schedules of a workspace: create, list, delete. Every query is scoped by
// workspace.
#include <string>
#include <vector>

#include "recurring/recurring_job.h"

namespace rj {

class RecurringStore {
 public:
  // 409 RECURRING_JOB_EXISTS when the workspace has a schedule of that name.
  RecurringJob create(const std::string& workspaceId, const NewRecurringJob& request);
  // Oldest first.
  std::vector<RecurringJob> list(const std::string& workspaceId);
  // 404 RECURRING_JOB_NOT_FOUND when it is not in this workspace. The jobs it made stay.
  void remove(const std::string& workspaceId, const std::string& id);
};

}  // namespace rj
