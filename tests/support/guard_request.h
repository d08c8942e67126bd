#pragma once
// A request as the guards see it: a bearer token and the workspace it names.
#include <string>

#include "http/request.h"

namespace rj::test {

// GET `path` with `Authorization: Bearer <token>` and, unless `workspace` is empty,
// `X-Workspace-Id: <workspace>`.
inline Request workspaceRequest(const std::string& token, const std::string& workspace,
                                const std::string& path = "/api/runner-jobs") {
  Request request;
  request.method = "GET";
  request.path = path;
  request.headers["HTTP_AUTHORIZATION"] = "Bearer " + token;
  if (!workspace.empty()) request.headers["HTTP_X_WORKSPACE_ID"] = workspace;
  return request;
}

}  // namespace rj::test
