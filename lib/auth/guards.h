#pragma once
// The three guards, in order: who is calling (401), which workspace (400), what role (403).
#include <optional>
#include <string>

#include "auth/role.h"
#include "auth/token_store.h"
#include "http/request.h"

namespace rj {

constexpr const char* kSessionCookie = "rj_session";

// The token of an `Authorization: Bearer` header.
std::optional<std::string> bearerToken(const Request& request);
// The bearer token from Authorization, else the rj_session cookie.
std::optional<std::string> presentedToken(const Request& request);
// The live (unexpired, unrevoked) token the request presents; 401 otherwise. A request the
// cookie authenticates must also pass requireSameOriginForCookie (403). When the request names a
// well-formed workspace id, the same statement reads the user's role there (for
// requireMembership).
LiveToken authenticateUser(const Request& request);
// The token of the Authorization header only (a cookie does not count); 401 when there is none.
std::string requireBearerToken(const Request& request);
// "http://host:port" or "https://host": the scheme the request came over and its Host header.
std::string requestOrigin(const Request& request);
// A request the rj_session cookie authenticates (no Authorization header) with a method other
// than GET/HEAD must carry an Origin equal to siteOrigin() (RJ_PUBLIC_ORIGIN, else
// requestOrigin()); 403 otherwise. Browsers always send
// Origin on such requests and other sites cannot forge it, so a cross-site request is refused.
void requireSameOriginForCookie(const Request& request);
// The same check against a given site origin ("https://jobs.example.com").
void requireSameOriginForCookie(const Request& request, const std::string& siteOrigin);
// The well-formed workspace id the request names, in lower case; nullopt when it names none or
// a malformed one (requireWorkspaceId answers those).
std::optional<std::string> namedWorkspaceId(const Request& request);
// The workspace id from X-Workspace-Id, else the workspaceId query parameter; 400 when
// missing or not a UUID. Returned in lower case.
std::string requireWorkspaceId(const Request& request);
// The user's role in the workspace; 403 when not a member. Given the membership authenticateUser
// read with the token (LiveToken::membership) for this workspace, it answers from that without a
// query; otherwise it queries.
Role requireMembership(const std::string& userId, const std::string& workspaceId,
                       const std::optional<WorkspaceMembership>& readWithToken = std::nullopt);
// 403 when the role does not satisfy the permission.
void requireRole(Role role, Permission permission);

}  // namespace rj
