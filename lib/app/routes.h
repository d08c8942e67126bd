#pragma once
// Every endpoint of the API and the handler program that serves it. Web server configurations are
// generated from this table (rjadmin routes), and the fallback handler answers 404/405 from it.
#include <string>
#include <vector>

#include "http/router.h"

namespace rj {

struct ApiRoute {
  std::string method;
  std::string pattern;
  std::string handler;  // executable name under handlers/
};

const std::vector<ApiRoute>& apiRoutes();
// The routes as method/pattern pairs for the router.
std::vector<Route> routeTable();
// "/api/runner-jobs/:id/cancel" -> "^/api/runner-jobs/[^/]+/cancel/?$" (for web server configs).
std::string patternRegex(const std::string& pattern);

}  // namespace rj
