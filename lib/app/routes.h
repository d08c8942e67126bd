#pragma once
// Every endpoint of the API, in one table: the handler program that serves it (handlers/NAME.cpp,
// which names its row: serve("NAME", ...)), its method and pattern, the guards it needs and its
// serving threads. Web server configurations are generated from this table (rjadmin routes), and
// the fallback handler answers 404/405 from it.
#include <string>
#include <string_view>
#include <vector>

#include "auth/role.h"
#include "http/router.h"

namespace rj {

// Serving threads per handler process (RJ_THREADS overrides Default and LongPoll).
enum class ThreadPool {
  Default,   // 2: short requests
  LongPoll,  // 8: a request may hold its thread for seconds (the runner's claim)
  Stream,    // streamThreadCount(): one thread per live stream, RJ_STREAM_THREADS
};

struct ApiRoute {
  std::string name;  // executable under handlers/, and the row its main() asks serve() for
  std::string method;
  std::string pattern;
  Permission permission;
  ThreadPool pool = ThreadPool::Default;
};

const std::vector<ApiRoute>& apiRoutes();
// The row named `name`; nullptr when there is none.
const ApiRoute* findApiRoute(std::string_view name);
// The routes as method/pattern pairs for the router.
std::vector<Route> routeTable();
// "/api/runner-jobs/:id/cancel" -> "^/api/runner-jobs/[^/]+/cancel/?$" (for web server configs).
std::string patternRegex(const std::string& pattern);

}  // namespace rj
