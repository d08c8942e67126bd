#pragma once
// GET /api/health: is the handler alive and its database reachable.
#include "http/response.h"

namespace rj {

// 200 {"status":"ok","database":"ok"}, or 503 {"status":"error","database":"unreachable"} with
// Retry-After, whose cause (the connector's message) is logged at most once a minute per
// process: monitors ask every few seconds.
Response checkHealth();

}  // namespace rj
