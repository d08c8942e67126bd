#pragma once
// GET /api/health: is the handler alive and its database reachable.
#include <chrono>

#include "http/response.h"

namespace rj {

// How old the database check an answer reports may be (operations/health_probe.h).
constexpr std::chrono::milliseconds kHealthCheckMaxAge{1000};

// 200 {"status":"ok","database":"ok"}, or 503 {"status":"error","database":"unreachable"} with
// Retry-After, whose cause (the connector's message) is logged at most once a minute per
// process: monitors ask every few seconds. A process asks its database at most once a
// kHealthCheckMaxAge, whatever the number of requests.
Response checkHealth();

}  // namespace rj
