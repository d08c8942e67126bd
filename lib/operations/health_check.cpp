#include "operations/health_check.h"

#include <chrono>

#include "db/connection.h"
#include "operations/health_probe.h"
#include "util/log_throttle.h"

namespace rj {

Response checkHealth() {
  static HealthProbe database(databaseProblem, kHealthCheckMaxAge);
  auto problem = database.problem();
  if (!problem) return jsonText(R"({"status":"ok","database":"ok"})");
  static LogThrottle unreachableLog(std::chrono::seconds(60));
  Response down = jsonText(R"({"status":"error","database":"unreachable"})", 503);
  down.headers.emplace_back("Retry-After", "5");
  down.cause = "database unreachable: " + *problem;
  down.causeThrottle = &unreachableLog;
  return down;
}

}  // namespace rj
