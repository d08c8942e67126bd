#pragma once
// A runner as its token row describes it. Pure: the services that take a runner need no HTTP.
#include <optional>
#include <string>
#include <vector>

namespace rj {

struct RunnerIdentity {
  std::string id;
  std::string name;
  std::optional<std::string> workspaceId;  // nullopt: any workspace
  std::vector<std::string> jobTypes;       // empty: any type

  bool acceptsType(const std::string& type) const;
};

// "a,b,,c" -> {"a", "b", "c"}.
std::vector<std::string> splitJobTypes(const std::string& list);

}  // namespace rj
