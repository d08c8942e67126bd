#include "auth/runner_guard.h"

#include "auth/guards.h"
#include "db/retry.h"
#include "errors/errors.h"
#include "util/crypto.h"

namespace rj {

RunnerIdentity authenticateRunner(const Request& request) {
  // Runners send their token as a bearer header; a browser's session cookie never counts here.
  auto token = bearerToken(request);
  if (!token || token->empty()) throw Unauthorized("Missing runner token");
  std::string hash = sha256Hex(*token);
  auto runner = withRetry([&](Connection& connection) -> std::optional<RunnerIdentity> {
    const std::string select =
        "SELECT id, name, workspace_id, job_types FROM runners"
        " WHERE token_hash = ? AND revoked_at IS NULL";
    auto rows = Query(connection, select).bind(hash).rows();
    bool found = rows->next();
    // A runner created through another cluster node may not have reached this one yet: a miss
    // is read again causally before it is a 401. Acceptance never waits.
    if (!found && connection.clusterNode()) {
      rows.reset();
      rows = Query(connection, causalRead(connection, select)).bind(hash).rows();
      found = rows->next();
    }
    if (!found) return std::nullopt;
    RunnerIdentity identity;
    identity.id = rows->getString("id");
    identity.name = rows->getString("name");
    identity.workspaceId = optionalString(*rows, "workspace_id");
    identity.jobTypes = splitJobTypes(optionalString(*rows, "job_types").value_or(""));
    // last_seen_at is for operators; writing it at most every few seconds keeps a busy runner's
    // calls from all updating the same row.
    Query(connection,
          "UPDATE runners SET last_seen_at = UTC_TIMESTAMP(3) WHERE id = ? AND (last_seen_at IS"
          " NULL OR last_seen_at < UTC_TIMESTAMP(3) - INTERVAL 5 SECOND)")
        .bind(identity.id)
        .execute();
    return identity;
  });
  if (!runner) throw Unauthorized("Invalid or revoked runner token");
  return *runner;
}

}  // namespace rj
