// The query strings of GET /api/runner-jobs?status=..&type=..&agentTaskId=..&page=..&limit=..
// and of the workspace stream (?type=a,b&status=QUEUED,RUNNING): parsed as a request's, then
// validated by each endpoint's parser.
#include "jobs/list_query.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "errors/errors.h"
#include "http/url.h"
#include "jobs/job_status.h"
#include "sse/workspace_stream_filter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parameters =
      rj::parseQueryString(std::string_view(reinterpret_cast<const char*>(data), size));
  try {
    rj::JobListQuery query = rj::parseJobListQuery(parameters);
    if (query.page < 1 || query.limit < 1) __builtin_trap();
  } catch (const rj::HttpError& error) {
    if (error.status() != 400) __builtin_trap();
  }
  try {
    rj::WorkspaceStreamFilter filter = rj::parseWorkspaceStreamFilter(parameters);
    if (filter.types.size() > 50) __builtin_trap();
    for (const auto& type : filter.types) {
      if (!rj::isJobType(type)) __builtin_trap();
    }
    for (const auto& status : filter.statuses) {
      if (!rj::parseJobStatus(status)) __builtin_trap();
    }
  } catch (const rj::HttpError& error) {
    if (error.status() != 400) __builtin_trap();
  }
  return 0;
}
