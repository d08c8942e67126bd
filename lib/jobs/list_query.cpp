#include "jobs/list_query.h"

#include "errors/errors.h"
#include "jobs/job.h"
#include "util/uuid.h"

namespace rj {

bool isJobType(const std::string& type) {
  if (type.empty() || type.size() > 100) return false;
  for (unsigned char c : type) {
    if (!std::isalnum(c) && c != '.' && c != '_' && c != ':' && c != '-') return false;
  }
  return true;
}

namespace {
// A whole decimal number, no sign, no spaces; nullopt otherwise (or when absurdly long).
std::optional<int64_t> parseCount(const std::string& text) {
  if (text.empty() || text.size() > 9 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(text);
}

// The parameter's value; nullopt when the query does not have it.
std::optional<std::string> valueOf(const std::map<std::string, std::string>& query,
                                   const char* name) {
  auto found = query.find(name);
  if (found == query.end()) return std::nullopt;
  return found->second;
}

void readBoundedInteger(const std::map<std::string, std::string>& parameters, const char* name,
                        int64_t min, int64_t max, int64_t& target,
                        std::vector<std::string>& messages) {
  auto text = valueOf(parameters, name);
  if (!text) return;
  auto number = parseCount(*text);
  if (!number) {
    messages.push_back(std::string(name) + " must be an integer number");
  } else if (*number < min) {
    messages.push_back(std::string(name) + " must not be less than " + std::to_string(min));
  } else if (*number > max) {
    messages.push_back(std::string(name) + " must not be greater than " + std::to_string(max));
  } else {
    target = *number;
  }
}
}  // namespace

JobListQuery parseJobListQuery(const std::map<std::string, std::string>& parameters) {
  JobListQuery query;
  std::vector<std::string> messages;
  if (auto statuses = valueOf(parameters, "status")) {
    size_t start = 0;
    while (start <= statuses->size()) {
      size_t end = statuses->find(',', start);
      if (end == std::string::npos) end = statuses->size();
      auto status = parseJobStatus(statuses->substr(start, end - start));
      if (!status) {
        messages.push_back(std::string("status must be one of the following values: ") +
                           allStatusNames());
        break;
      }
      query.statuses.push_back(*status);
      start = end + 1;
    }
  }
  if (auto type = valueOf(parameters, "type")) {
    if (isJobType(*type)) {
      query.type = *type;
    } else {
      messages.push_back("type must be 1 to 100 characters of A-Z a-z 0-9 . _ : -");
    }
  }
  if (auto agentTaskId = valueOf(parameters, "agentTaskId")) {
    if (isUuid(*agentTaskId)) {
      query.agentTaskId = normalizeUuid(*agentTaskId);
    } else {
      messages.push_back("agentTaskId must be a UUID");
    }
  }
  readBoundedInteger(parameters, "page", 1, 1000000, query.page, messages);
  readBoundedInteger(parameters, "limit", 1, 100, query.limit, messages);
  if (!messages.empty()) throw ValidationFailed(messages);
  return query;
}

}  // namespace rj
