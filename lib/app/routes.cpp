#include "app/routes.h"

namespace rj {

const std::vector<ApiRoute>& apiRoutes() {
  using P = Permission;
  static const std::vector<ApiRoute> routes = {
      {"health", "GET", "/api/health", P::Public},
      {"auth_session_get", "GET", "/api/auth/session", P::Authenticated},
      {"auth_session", "POST", "/api/auth/session", P::Authenticated},
      // Public: a stale or revoked cookie must still be clearable.
      {"auth_session_end", "DELETE", "/api/auth/session", P::Public},
      {"jobs_list", "GET", "/api/runner-jobs", P::WorkspaceAny},
      {"jobs_create", "POST", "/api/runner-jobs", P::WorkspaceMember},
      {"jobs_get", "GET", "/api/runner-jobs/:id", P::WorkspaceAny},
      {"jobs_cancel", "POST", "/api/runner-jobs/:id/cancel", P::WorkspaceMember},
      {"jobs_retry", "POST", "/api/runner-jobs/:id/retry", P::WorkspaceMember},
      {"events_stream", "GET", "/api/runner-jobs/:id/events/stream", P::WorkspaceAny,
       ThreadPool::Stream},
      // A long-poll claim holds its thread for up to waitSeconds.
      {"runner_claim", "POST", "/api/runner/claim", P::Runner, ThreadPool::LongPoll},
      {"runner_heartbeat", "POST", "/api/runner/jobs/:id/heartbeat", P::Runner},
      {"runner_events", "POST", "/api/runner/jobs/:id/events", P::Runner},
      {"runner_complete", "POST", "/api/runner/jobs/:id/complete", P::Runner},
      {"runner_fail", "POST", "/api/runner/jobs/:id/fail", P::Runner},
      {"runner_release", "POST", "/api/runner/jobs/:id/release", P::Runner},
      {"metrics", "GET", "/api/metrics", P::WorkspaceMetrics},
      {"runners_list", "GET", "/api/runners", P::WorkspaceAdmin},
      {"recurring_jobs_list", "GET", "/api/recurring-jobs", P::WorkspaceAny},
      {"recurring_jobs_create", "POST", "/api/recurring-jobs", P::WorkspaceAdmin},
      {"recurring_jobs_delete", "DELETE", "/api/recurring-jobs/:id", P::WorkspaceAdmin},
      {"workspace_events_stream", "GET", "/api/runner-jobs/events/stream", P::WorkspaceAny,
       ThreadPool::Stream},
  };
  return routes;
}

const ApiRoute* findApiRoute(std::string_view name) {
  for (const auto& route : apiRoutes()) {
    if (route.name == name) return &route;
  }
  return nullptr;
}

std::vector<Route> routeTable() {
  std::vector<Route> table;
  for (const auto& route : apiRoutes()) table.push_back({route.method, route.pattern});
  return table;
}

std::string patternRegex(const std::string& pattern) {
  std::string regex = "^";
  size_t start = 1;
  while (start <= pattern.size()) {
    size_t end = pattern.find('/', start);
    if (end == std::string::npos) end = pattern.size();
    std::string segment = pattern.substr(start, end - start);
    regex += "/";
    regex += !segment.empty() && segment[0] == ':' ? "[^/]+" : segment;
    start = end + 1;
  }
  return regex + "/?$";
}

}  // namespace rj
