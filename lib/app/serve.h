#pragma once
// What every handler's main() calls: route, guards, the endpoint's own work, the answer.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "app/routes.h"
#include "auth/role.h"
#include "auth/runner_identity.h"
#include "auth/token_store.h"
#include "http/request.h"
#include "http/response.h"
#include "http/server.h"

namespace rj {

// The services a Context hands out; a handler includes the header of the one it uses
// (jobs/job_store.h, runners/claim_service.h, runners/lease_store.h,
// recurring/recurring_store.h).
class JobStore;
class ClaimService;
class LeaseStore;
class RecurringStore;

// Who is calling and where, as the guards established it.
class Context {
 public:
  const std::string& userId() const { return userId_; }
  // Seconds until the caller's token expires; nullopt when it never does.
  std::optional<int64_t> tokenSecondsLeft() const { return tokenSecondsLeft_; }
  // The SHA-256 hex of the caller's token (user endpoints).
  const std::string& tokenHash() const { return tokenHash_; }
  const std::string& workspaceId() const { return workspaceId_; }
  Role role() const { return role_; }
  JobStore jobs() const;
  // The calling runner (Permission::Runner endpoints only).
  const RunnerIdentity& runner() const { return runner_; }
  ClaimService claims() const;
  LeaseStore leases() const;
  RecurringStore recurringJobs() const;

 private:
  friend Context guard(Permission permission, const Request& request);
  std::string userId_;
  std::optional<int64_t> tokenSecondsLeft_;
  std::string tokenHash_;
  std::string workspaceId_;
  Role role_ = Role::Guest;
  RunnerIdentity runner_;
};

// Runs the three guards a permission requires (401, 400, 403 in that order); a runner endpoint
// authenticates the runner token instead (401).
Context guard(Permission permission, const Request& request);

using EndpointHandler = std::function<Response(Request&, Context&)>;

// What an endpoint's read found together with the token's lookup: the caller as the guard's
// statement saw it, and the answer to give once the guards pass (it may still throw: a 404).
struct GuardedRead {
  std::optional<LiveToken> caller;  // nullopt: no live token has the presented hash
  std::function<Response()> answer;
};
// An endpoint's read made in one statement with the guard's token lookup, so that guard and read
// take one round trip instead of two. It gets the presented token's SHA-256 hex and the
// well-formed workspace id the request names; nullopt when it cannot serve this request (a
// malformed id), which the ordinary path then answers.
using GuardedReader = std::function<std::optional<GuardedRead>(
    Request&, const std::string& tokenHash, const std::string& workspaceId)>;

// Serves the endpoint of the route table's row `name` (lib/app/routes.cpp) until stopped
// (FastCGI) or for one request (CGI). Without such a row it says so on stderr and returns 1.
// When the RJ_CONFIG file cannot be read it logs why once and answers every request 503
// SERVICE_UNAVAILABLE (as serveFallback does) instead of exiting.
int serve(const char* name, const EndpointHandler& handler);
// The same for a workspace endpoint that reads: the guarded reader answers what its statement
// finds accepted; anything else (no token or workspace, a refusal) takes the ordinary path of
// guard() and `handler`, which words the error exactly as before and, on a cluster, reads a
// refusal again causally. Both must answer a request alike.
int serve(const char* name, const EndpointHandler& handler, const GuardedReader& guardedReader);
// Answers what no endpoint serves: 404 for an unknown path, 405 with Allow for a known one.
int serveFallback();

// One request of `route`, as serve() runs it: route match (404/405), guards (401/400/403), body
// (413), content type (415), the endpoint's handler; database trouble becomes 503. answer() on
// any channel drives it, which is how the tests run the pipeline without a web server.
RequestHandler endpointHandler(const ApiRoute& route, const EndpointHandler& handler,
                               const GuardedReader& guardedReader = nullptr);
// The fallback's request handler: 404 or 405 from the route table.
RequestHandler fallbackHandler();

}  // namespace rj
