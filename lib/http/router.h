#pragma once
// Route patterns with :param segments ("/api/runner-jobs/:id/cancel").
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rj {

using RouteParams = std::map<std::string, std::string>;

// The parameters when `path` matches `pattern` segment by segment; a trailing slash is ignored.
std::optional<RouteParams> matchRoute(std::string_view pattern, std::string_view path);

struct Route {
  std::string method;
  std::string pattern;
};

// What to answer for a path that no endpoint served: the methods allowed on it ("GET, POST"),
// or an empty string when no route has that path (404).
std::string allowedMethods(const std::vector<Route>& routes, std::string_view path);

}  // namespace rj
