#include "app/routes.h"

namespace rj {

const std::vector<ApiRoute>& apiRoutes() {
  static const std::vector<ApiRoute> routes = {
      {"GET", "/api/health", "health"},
      {"GET", "/api/auth/session", "auth_session_get"},
      {"POST", "/api/auth/session", "auth_session"},
      {"DELETE", "/api/auth/session", "auth_session_end"},
      {"GET", "/api/runner-jobs", "jobs_list"},
      {"POST", "/api/runner-jobs", "jobs_create"},
      {"GET", "/api/runner-jobs/:id", "jobs_get"},
      {"POST", "/api/runner-jobs/:id/cancel", "jobs_cancel"},
      {"POST", "/api/runner-jobs/:id/retry", "jobs_retry"},
      {"GET", "/api/runner-jobs/:id/events/stream", "events_stream"},
      {"POST", "/api/runner/claim", "runner_claim"},
      {"POST", "/api/runner/jobs/:id/heartbeat", "runner_heartbeat"},
      {"POST", "/api/runner/jobs/:id/events", "runner_events"},
      {"POST", "/api/runner/jobs/:id/complete", "runner_complete"},
      {"POST", "/api/runner/jobs/:id/fail", "runner_fail"},
      {"POST", "/api/runner/jobs/:id/release", "runner_release"},
  };
  return routes;
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
