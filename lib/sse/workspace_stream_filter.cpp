#include "sse/workspace_stream_filter.h"

#include <algorithm>

#include "errors/errors.h"
#include "jobs/job_status.h"
#include "jobs/list_query.h"

namespace rj {

namespace {

constexpr size_t kMaxFilterValues = 50;

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::vector<std::string> splitCommas(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t end = text.find(',', start);
    parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

}  // namespace

bool WorkspaceStreamFilter::accepts(const WorkspaceChange& change) const {
  return (types.empty() || contains(types, change.type)) &&
         (statuses.empty() || contains(statuses, change.status));
}

WorkspaceStreamFilter parseWorkspaceStreamFilter(const std::map<std::string, std::string>& query) {
  WorkspaceStreamFilter filter;
  std::vector<std::string> messages;
  if (auto types = query.find("type"); types != query.end()) {
    auto names = splitCommas(types->second);
    if (names.size() > kMaxFilterValues) {
      messages.push_back("type must name at most 50 job types");
    } else if (!std::all_of(names.begin(), names.end(), isJobType)) {
      messages.push_back(
          "type must be job types of 1 to 100 characters of A-Z a-z 0-9 . _ : -, comma-separated");
    } else {
      filter.types = names;
    }
  }
  if (auto statuses = query.find("status"); statuses != query.end()) {
    for (const auto& name : splitCommas(statuses->second)) {
      if (!parseJobStatus(name)) {
        messages.push_back(std::string("status must be one of the following values: ") +
                           allStatusNames());
        filter.statuses.clear();
        break;
      }
      if (!contains(filter.statuses, name)) filter.statuses.push_back(name);
    }
  }
  if (!messages.empty()) throw ValidationFailed(messages);
  return filter;
}

}  // namespace rj
