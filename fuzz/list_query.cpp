// GET /api/runner-jobs?status=..&type=..&agentTaskId=..&page=..&limit=..: the query string parsed
// as a request's, then validated.
#include "jobs/list_query.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "errors/errors.h"
#include "http/url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parameters =
      rj::parseQueryString(std::string_view(reinterpret_cast<const char*>(data), size));
  try {
    rj::JobListQuery query = rj::parseJobListQuery(parameters);
    if (query.page < 1 || query.limit < 1) __builtin_trap();
  } catch (const rj::HttpError& error) {
    if (error.status() != 400) __builtin_trap();
  }
  return 0;
}
