#pragma once
// The runner guard: runners authenticate with their own tokens (the `runners` table).
#include "auth/runner_identity.h"
#include "http/request.h"

namespace rj {

// The runner behind the bearer token; 401 when it is missing, unknown or revoked.
RunnerIdentity authenticateRunner(const Request& request);

}  // namespace rj
