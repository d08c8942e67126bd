#include "auth/metrics_token.h"

#include "auth/guards.h"
#include "db/retry.h"
#include "errors/errors.h"
#include "util/crypto.h"
#include "util/uuid.h"

namespace rj {

std::optional<std::string> findMetricsTokenWorkspace(const std::string& token) {
  std::string hash = sha256Hex(token);
  return withRetry([&](Connection& connection) -> std::optional<std::string> {
    auto rows = Query(connection,
                      "SELECT workspace_id FROM metrics_tokens WHERE token_hash = ?"
                      " AND revoked_at IS NULL"
                      " AND (expires_at IS NULL OR expires_at > UTC_TIMESTAMP(3))")
                    .bind(hash)
                    .rows();
    if (!rows->next()) return std::nullopt;
    return std::string(rows->getString("workspace_id"));
  });
}

std::optional<std::string> authenticateMetricsToken(const Request& request) {
  auto token = bearerToken(request);
  if (!token || token->rfind(kMetricsTokenPrefix, 0) != 0) return std::nullopt;
  auto workspaceId = findMetricsTokenWorkspace(*token);
  if (!workspaceId) throw Unauthorized("Invalid, expired or revoked token");
  // A scraper need not name the workspace; one that names another is refused.
  auto named = request.header("X-Workspace-Id");
  if (!named) named = request.queryValue("workspaceId");
  if (named && !named->empty() && normalizeUuid(*named) != *workspaceId) {
    throw Forbidden(ErrorCode::NotAMember, "This metrics token is for another workspace");
  }
  return workspaceId;
}

}  // namespace rj
