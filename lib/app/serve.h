#pragma once
// What every handler's main() calls: route, guards, the endpoint's own work, the answer.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "auth/role.h"
#include "auth/runner_identity.h"
#include "http/request.h"
#include "http/response.h"

namespace rj {

// The services a Context hands out; a handler includes the header of the one it uses
// (jobs/job_store.h, runners/claim_service.h, runners/lease_store.h).
class JobStore;
class ClaimService;
class LeaseStore;

struct Endpoint {
  const char* method;
  const char* pattern;
  Permission permission;
  // Serving threads per process; RJ_THREADS overrides it.
  int threads = 2;
};

// Who is calling and where, as the guards established it.
class Context {
 public:
  const std::string& userId() const { return userId_; }
  // Seconds until the caller's token expires; nullopt when it never does.
  std::optional<int64_t> tokenSecondsLeft() const { return tokenSecondsLeft_; }
  const std::string& workspaceId() const { return workspaceId_; }
  Role role() const { return role_; }
  JobStore jobs() const;
  // The calling runner (Permission::Runner endpoints only).
  const RunnerIdentity& runner() const { return runner_; }
  ClaimService claims() const;
  LeaseStore leases() const;

 private:
  friend Context guard(Permission permission, const Request& request);
  std::string userId_;
  std::optional<int64_t> tokenSecondsLeft_;
  std::string workspaceId_;
  Role role_ = Role::Guest;
  RunnerIdentity runner_;
};

// Runs the three guards a permission requires (401, 400, 403 in that order); a runner endpoint
// authenticates the runner token instead (401).
Context guard(Permission permission, const Request& request);

using EndpointHandler = std::function<Response(Request&, Context&)>;

// Serves one endpoint until stopped (FastCGI) or for one request (CGI).
int serve(const Endpoint& endpoint, const EndpointHandler& handler);
// Answers what no endpoint serves: 404 for an unknown path, 405 with Allow for a known one.
int serveFallback();

}  // namespace rj
