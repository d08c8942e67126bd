#include "app/serve.h"

#include <cstdio>

#include "app/routes.h"
#include "auth/guards.h"
#include "auth/runner_guard.h"
#include "db/config.h"
#include "db/connection.h"
#include "db/database_error.h"
#include "errors/errors.h"
#include "http/server.h"
#include "jobs/job_store.h"
#include "runners/claim_service.h"
#include "runners/lease_store.h"

namespace rj {

JobStore Context::jobs() const {
  return JobStore();
}
ClaimService Context::claims() const {
  return ClaimService();
}
LeaseStore Context::leases() const {
  return LeaseStore();
}

Context guard(Permission permission, const Request& request) {
  Context context;
  if (permission == Permission::Public) return context;
  if (permission == Permission::Runner) {
    context.runner_ = authenticateRunner(request);
    return context;
  }
  LiveToken token = authenticateUser(request);
  context.userId_ = std::move(token.userId);
  context.tokenSecondsLeft_ = token.secondsLeft;
  if (permission == Permission::Authenticated) return context;
  context.workspaceId_ = requireWorkspaceId(request);
  context.role_ = requireMembership(context.userId_, context.workspaceId_);
  requireRole(context.role_, permission);
  return context;
}

namespace {

void requireJsonBody(const Request& request) {
  if (request.body.empty()) return;
  auto type = request.header("Content-Type").value_or("");
  // Only JSON is accepted; it also keeps HTML forms of other sites from posting here.
  if (type.rfind("application/json", 0) != 0) {
    throw UnsupportedMediaType("Content-Type must be application/json");
  }
}

[[noreturn]] void throwUnrouted(const Request& request) {
  std::string allow = allowedMethods(routeTable(), request.path);
  if (allow.empty())
    throw NotFound(ErrorCode::RouteNotFound, "Cannot " + request.method + " " + request.path);
  throw MethodNotAllowed(allow);
}

int threadCount(int fallback) {
  std::string configured = setting("RJ_THREADS");
  if (configured.empty()) return fallback;
  try {
    return std::max(1, std::stoi(configured));
  } catch (const std::exception&) {
    return fallback;
  }
}

std::shared_ptr<void> openDatabaseThread() {
  return std::make_shared<DatabaseThread>();
}

}  // namespace

int serve(const Endpoint& endpoint, const EndpointHandler& handler) {
  RequestHandler handle = [&](Request& request, Channel& channel) {
    auto params = matchRoute(endpoint.pattern, request.path);
    if (!params || request.method != endpoint.method) throwUnrouted(request);
    request.params = std::move(*params);
    try {
      Context context = guard(endpoint.permission, request);
      request.readBody(channel);
      requireJsonBody(request);
      return handler(request, context);
    } catch (const TransientDatabaseError& error) {
      std::fprintf(stderr, "runner-jobs: database unavailable: %s\n", error.what());
      throw ServiceUnavailable("Database temporarily unavailable, retry later", 2);
    } catch (const sql::SQLException& error) {
      if (isTransient(error)) {
        if (isConnectionLost(error)) discardThreadConnection();
        throw ServiceUnavailable("Database temporarily unavailable, retry later", 2);
      }
      throw;
    }
  };
  return runServer(threadCount(endpoint.threads), handle, openDatabaseThread);
}

int serveFallback() {
  RequestHandler handle = [](Request& request, Channel&) -> Response { throwUnrouted(request); };
  return runServer(threadCount(1), handle, nullptr);
}

}  // namespace rj
