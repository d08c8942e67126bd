#include "http/router.h"

namespace rj {

namespace {
std::vector<std::string_view> splitSegments(std::string_view path) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}
}  // namespace

std::optional<RouteParams> matchRoute(std::string_view pattern, std::string_view path) {
  auto patternSegments = splitSegments(pattern);
  auto pathSegments = splitSegments(path);
  if (patternSegments.size() != pathSegments.size()) return std::nullopt;
  RouteParams params;
  for (size_t i = 0; i < patternSegments.size(); ++i) {
    std::string_view expected = patternSegments[i];
    if (!expected.empty() && expected.front() == ':') {
      if (pathSegments[i].empty()) return std::nullopt;
      params.emplace(std::string(expected.substr(1)), std::string(pathSegments[i]));
    } else if (expected != pathSegments[i]) {
      return std::nullopt;
    }
  }
  return params;
}

std::string allowedMethods(const std::vector<Route>& routes, std::string_view path) {
  std::string allow;
  for (const auto& route : routes) {
    if (!matchRoute(route.pattern, path)) continue;
    if (allow.find(route.method) != std::string::npos) continue;
    if (!allow.empty()) allow += ", ";
    allow += route.method;
  }
  return allow;
}

}  // namespace rj
