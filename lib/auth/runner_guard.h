#pragma once
// The runner guard: runners authenticate with their own tokens (the `runners` table).
#include <optional>
#include <string>
#include <vector>

#include "http/request.h"

namespace rj {

// A runner as its token row describes it.
struct RunnerIdentity {
  std::string id;
  std::string name;
  std::optional<std::string> workspaceId;  // nullopt: any workspace
  std::vector<std::string> jobTypes;       // empty: any type

  bool acceptsType(const std::string& type) const;
};

// The runner behind the bearer token; 401 when it is missing, unknown or revoked.
RunnerIdentity authenticateRunner(const Request& request);

// "a,b,,c" -> {"a", "b", "c"}.
std::vector<std::string> splitJobTypes(const std::string& list);

}  // namespace rj
