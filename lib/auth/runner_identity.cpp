#include "auth/runner_identity.h"

#include <algorithm>

namespace rj {

bool RunnerIdentity::acceptsType(const std::string& type) const {
  return jobTypes.empty() || std::find(jobTypes.begin(), jobTypes.end(), type) != jobTypes.end();
}

std::vector<std::string> splitJobTypes(const std::string& list) {
  std::vector<std::string> types;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    if (end > start) types.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return types;
}

}  // namespace rj
