#include "auth/guards.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "auth/site_origin.h"
#include "auth/token_cache.h"
#include "db/retry.h"
#include "errors/errors.h"
#include "util/crypto.h"
#include "util/uuid.h"

namespace rj {

namespace {
std::string lowerCase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool endsWith(const std::string& text, const std::string& tail) {
  return text.size() >= tail.size() &&
         text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

// The workspace id field as the request gives it: X-Workspace-Id, else the workspaceId query.
std::optional<std::string> workspaceIdField(const Request& request) {
  auto workspaceId = request.header("X-Workspace-Id");
  if (!workspaceId) workspaceId = request.queryValue("workspaceId");
  return workspaceId;
}

std::optional<Role> queryMembership(const std::string& userId, const std::string& workspaceId) {
  return withRetry([&](Connection& connection) -> std::optional<Role> {
    auto rows = Query(connection,
                      "SELECT role FROM workspace_members WHERE workspace_id = ? AND user_id = ?")
                    .bind(workspaceId)
                    .bind(userId)
                    .rows();
    if (!rows->next()) return std::nullopt;
    return parseRole(rows->getString("role"));
  });
}
}  // namespace

std::optional<std::string> namedWorkspaceId(const Request& request) {
  auto workspaceId = workspaceIdField(request);
  if (!workspaceId || !isUuid(*workspaceId)) return std::nullopt;
  return normalizeUuid(*workspaceId);
}

std::optional<std::string> bearerToken(const Request& request) {
  auto authorization = request.header("Authorization");
  const std::string prefix = "Bearer ";
  if (authorization && authorization->size() > prefix.size() &&
      std::equal(prefix.begin(), prefix.end(), authorization->begin(),
                 [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    return authorization->substr(prefix.size());
  }
  return std::nullopt;
}

std::optional<std::string> presentedToken(const Request& request) {
  // An Authorization header of another scheme is not replaced by the cookie: it is refused.
  if (request.header("Authorization")) return bearerToken(request);
  return request.cookie(kSessionCookie);
}

LiveToken authenticateUser(const Request& request) {
  auto token = presentedToken(request);
  if (!token || token->empty()) throw Unauthorized("Missing bearer token");
  // The token's statement also reads the user's role in the workspace the request names, so
  // the membership guard that follows needs no round trip of its own; a lookup this process made
  // less than kTokenCacheMaxAge ago needs none at all.
  auto workspaceId = namedWorkspaceId(request);
  std::string hash = sha256Hex(*token);
  auto askedAt = TokenCache::Clock::now();
  auto live = TokenCache::process().find(hash, workspaceId, askedAt);
  if (!live) {
    live = TokenStore().findLiveByHash(hash, workspaceId);
    if (!live) throw Unauthorized("Invalid, expired or revoked token");
    TokenCache::process().remember(*live, askedAt);
  }
  requireSameOriginForCookie(request);
  return *live;
}

std::string requireBearerToken(const Request& request) {
  if (!request.header("Authorization")) {
    throw Unauthorized("A session starts from a bearer token in the Authorization header");
  }
  auto token = bearerToken(request);
  if (!token || token->empty()) throw Unauthorized("Missing bearer token");
  return *token;
}

std::string requestOrigin(const Request& request) {
  return std::string(request.https ? "https://" : "http://") +
         lowerCase(request.header("Host").value_or(""));
}

void requireSameOriginForCookie(const Request& request) {
  requireSameOriginForCookie(request, siteOrigin(request));
}

void requireSameOriginForCookie(const Request& request, const std::string& expected) {
  if (request.header("Authorization") || !request.cookie(kSessionCookie)) return;
  if (request.method == "GET" || request.method == "HEAD") return;
  auto origin = request.header("Origin");
  if (!origin || origin->empty()) {
    throw Forbidden(ErrorCode::CrossOriginRefused,
                    "An Origin header is required for changes authenticated by the session cookie");
  }
  // Browsers send the origin in lower case without a default port, as the Host header has it.
  if (endsWith(expected, "://") || lowerCase(*origin) != expected) {
    throw Forbidden(ErrorCode::CrossOriginRefused,
                    "Cross-origin request refused: Origin does not match this site");
  }
}

std::string requireWorkspaceId(const Request& request) {
  auto workspaceId = workspaceIdField(request);
  if (!workspaceId || workspaceId->empty()) {
    throw BadRequest(ErrorCode::InvalidWorkspaceId,
                     "Workspace id is required (X-Workspace-Id header or workspaceId query)");
  }
  if (!isUuid(*workspaceId))
    throw BadRequest(ErrorCode::InvalidWorkspaceId, "Workspace id must be a UUID");
  return normalizeUuid(*workspaceId);
}

Role requireMembership(const std::string& userId, const std::string& workspaceId,
                       const std::optional<WorkspaceMembership>& readWithToken) {
  std::optional<Role> role = readWithToken && readWithToken->workspaceId == workspaceId
                                 ? readWithToken->role
                                 : queryMembership(userId, workspaceId);
  if (!role) throw Forbidden(ErrorCode::NotAMember, "You are not a member of this workspace");
  return *role;
}

void requireRole(Role role, Permission permission) {
  if (!permits(role, permission)) {
    throw Forbidden(ErrorCode::RoleForbidden,
                    std::string("Your role ") + roleName(role) + " may not do this");
  }
}

}  // namespace rj
