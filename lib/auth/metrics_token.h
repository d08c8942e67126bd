#pragma once
// Metrics tokens: issued by rjadmin for a scraper, bound to one workspace, good for GET
// /api/metrics and nothing else. They live in metrics_tokens, which no other guard reads, so every
// other endpoint answers them 401.
#include <optional>
#include <string>

#include "http/request.h"

namespace rj {

constexpr const char* kMetricsTokenPrefix = "rjm_";

// The workspace of the live (unexpired, unrevoked) metrics token; nullopt when there is none.
std::optional<std::string> findMetricsTokenWorkspace(const std::string& token);

// When the request's bearer token is a metrics token (rjm_...): its workspace, or 401 when it is
// not live, or 403 NOT_A_MEMBER when the request names another workspace. nullopt for any other
// caller, whom the user guards then judge.
std::optional<std::string> authenticateMetricsToken(const Request& request);

}  // namespace rj
