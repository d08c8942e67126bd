#include "app/serve.h"

#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>

#include "app/routes.h"
#include "auth/guards.h"
#include "auth/metrics_token.h"
#include "auth/runner_guard.h"
#include "auth/token_cache.h"
#include "db/config.h"
#include "db/connection.h"
#include "db/database_error.h"
#include "errors/errors.h"
#include "http/error_body.h"
#include "http/media_type.h"
#include "http/server.h"
#include "jobs/job_store.h"
#include "maintenance/background_maintenance.h"
#include "recurring/recurring_store.h"
#include "runners/claim_service.h"
#include "runners/lease_store.h"
#include "sse/event_stream.h"
#include "util/crypto.h"
#include "util/log.h"
#include "util/log_throttle.h"

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
RecurringStore Context::recurringJobs() const {
  return RecurringStore();
}

Context guard(Permission permission, const Request& request) {
  Context context;
  if (permission == Permission::Public) return context;
  if (permission == Permission::Runner) {
    context.runner_ = authenticateRunner(request);
    return context;
  }
  if (permission == Permission::WorkspaceMetrics) {
    if (auto workspaceId = authenticateMetricsToken(request)) {
      context.workspaceId_ = *workspaceId;
      return context;
    }
  }
  LiveToken token = authenticateUser(request);
  context.userId_ = std::move(token.userId);
  context.tokenSecondsLeft_ = token.secondsLeft;
  context.tokenHash_ = std::move(token.tokenHash);
  if (permission == Permission::Authenticated) return context;
  context.workspaceId_ = requireWorkspaceId(request);
  // The token's statement read the role in the workspace the request names: no second query.
  context.role_ = requireMembership(context.userId_, context.workspaceId_, token.membership);
  requireRole(context.role_, permission);
  return context;
}

namespace {

void requireJsonBody(const Request& request) {
  if (request.body.empty()) return;
  // Only JSON is accepted; it also keeps HTML forms of other sites from posting here.
  if (mediaType(request.header("Content-Type").value_or("")) != "application/json") {
    throw UnsupportedMediaType("Content-Type must be application/json");
  }
}

// The guarded reader's answer when its statement accepts the caller for the route's permission;
// nullopt sends the request down the ordinary path (which answers a refusal).
std::optional<Response> answerGuardedRead(const ApiRoute& route, Request& request, Channel& channel,
                                          const GuardedReader& reader) {
  auto token = presentedToken(request);
  auto workspaceId = namedWorkspaceId(request);
  if (!token || token->empty() || !workspaceId) return std::nullopt;
  std::string tokenHash = sha256Hex(*token);
  auto askedAt = TokenCache::Clock::now();
  // A caller the token cache knows costs the ordinary path no lookup: its read alone is cheaper.
  if (TokenCache::process().find(tokenHash, workspaceId, askedAt)) return std::nullopt;
  auto read = reader(request, tokenHash, *workspaceId);
  if (!read || !read->caller) return std::nullopt;
  TokenCache::process().remember(*read->caller, askedAt);
  const auto& membership = read->caller->membership;
  if (!membership || !membership->role || !permits(*membership->role, route.permission))
    return std::nullopt;
  requireSameOriginForCookie(request);
  request.readBody(channel);
  requireJsonBody(request);
  return read->answer();
}

[[noreturn]] void throwUnrouted(const Request& request) {
  std::string allow = allowedMethods(routeTable(), request.path);
  if (allow.empty())
    throw NotFound(ErrorCode::RouteNotFound, "Cannot " + request.method + " " + request.path);
  throw MethodNotAllowed(allow);
}

// A stream thread's stack: the deepest it goes is a replay through the database client, well
// under this; sanitizer builds make every frame several times larger.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr size_t kStreamStackBytes = 1024 * 1024;
#else
constexpr size_t kStreamStackBytes = 256 * 1024;
#endif
// Threads a large stream pool keeps waiting for the next stream.
constexpr int kSpareStreamThreads = 16;
// Database connections a stream process holds at most: its threads check callers and replay
// stored events on them (watching streams hold none), its pollers and maintenance keep one each.
constexpr int kStreamDatabaseConnections = 64;

// A stream thread gives its connection back once its request is answered (or its stream ended),
// so that the process's few connections serve thousands of streams in turn.
RequestHandler givingConnectionsBack(RequestHandler inner) {
  return [inner](Request& request, Channel& channel) -> Response {
    Response response;
    try {
      response = inner(request, channel);
    } catch (...) {
      discardThreadConnection();
      throw;
    }
    if (!response.stream) {
      discardThreadConnection();
      return response;
    }
    // The stream replays on the connection that checked the caller, then gives it back.
    response.stream = [stream = std::move(response.stream)](StreamWriter& out) {
      struct GiveBack {
        ~GiveBack() { discardThreadConnection(); }
      } afterStream;
      stream(out);
    };
    return response;
  };
}

// RJ_THREADS, when set, wins over the endpoint's own pool size (the stream pools' too: under
// mod_fcgid a process serves one request at a time).
ThreadPlan threadPlan(ThreadPool pool) {
  switch (pool) {
    case ThreadPool::LongPoll:
      return {static_cast<int>(integerSetting("RJ_THREADS", 8, 1, INT_MAX))};
    case ThreadPool::Stream: {
      ThreadPlan plan{static_cast<int>(
          integerSetting("RJ_THREADS", streamThreadCount(), 1, kMaxStreamThreads))};
      // Each open stream holds a thread: a large pool starts small and grows with its streams,
      // on small stacks, so that ten thousand fit in a few hundred MiB.
      if (plan.maximum >= 4 * kSpareStreamThreads) plan.spare = kSpareStreamThreads;
      plan.stackBytes = kStreamStackBytes;
      return plan;
    }
    case ThreadPool::Default:
      break;
  }
  return {static_cast<int>(integerSetting("RJ_THREADS", 2, 1, INT_MAX))};
}

std::shared_ptr<void> openDatabaseThread() {
  return std::make_shared<DatabaseThread>();
}

// Without its settings a handler cannot reach the database, but it can still say so: every
// request gets a JSON 503 instead of the web server's page for a handler that died at start.
// The reason is logged when the process starts; the requests' lines repeat it at most once a
// minute.
int serveUnconfigured(const std::string& problem) {
  static LogThrottle repeatedCause(std::chrono::seconds(60));
  repeatedCause.pass();
  logLine(problem +
          "; every request is answered 503 until the handler is restarted with a readable file");
  auto unconfigured = [problem](Request&, Channel&) {
    Response response = errorResponse(
        HandlerUnavailable("The handler cannot read its configuration; retry later", 30));
    response.cause = problem;
    response.causeThrottle = &repeatedCause;
    return response;
  };
  // RJ_THREADS is in the file it cannot read; answering 503 needs few threads anyway.
  return runServer(ThreadPlan{2}, unconfigured, nullptr);
}

// Log lines name the endpoint. RJ_LOG_FILE, when set, takes them (and the rest of stderr) instead
// of stderr, which a spawn-fcgi pool sends to /dev/null.
void startLog(const char* name) {
  setLogProgram(name);
  // Without a readable file only the environment can name the log.
  const char* environmentPath = std::getenv("RJ_LOG_FILE");
  std::string path =
      configFileProblem() ? (environmentPath ? environmentPath : "") : setting("RJ_LOG_FILE");
  if (path.empty()) return;
  if (auto problem = sendStderrTo(path)) logLine(*problem + "; logging to stderr");
}

// The processes that live longest (the claim's long polls, the streams) also run the background
// maintenance; the short-request ones may be started and ended on demand.
ThreadResource backgroundWork(const ApiRoute& route) {
  if (route.pool == ThreadPool::Default) return nullptr;
  return []() -> std::shared_ptr<void> { return startBackgroundMaintenance(); };
}

}  // namespace

RequestHandler endpointHandler(const ApiRoute& route, const EndpointHandler& handler,
                               const GuardedReader& guardedReader) {
  return [route, handler, guardedReader](Request& request, Channel& channel) {
    auto params = matchRoute(route.pattern, request.path);
    // HEAD is a GET whose answer goes out without its body (answer() leaves the body out).
    bool head = request.method == "HEAD" && std::string(route.method) == "GET";
    if (!params || (request.method != route.method && !head)) throwUnrouted(request);
    request.params = std::move(*params);
    // EventSource gives up for good on a 503: a stream answers database trouble in the stream,
    // so the browser comes back by itself.
    auto databaseUnavailable = [&](const std::string& cause) -> Response {
      if (route.pool == ThreadPool::Stream) {
        Response stream = databaseUnavailableStream();
        stream.cause = "database unavailable: " + cause;
        return stream;
      }
      HttpError error = ServiceUnavailable("Database temporarily unavailable, retry later", 2);
      error.cause = "database unavailable: " + cause;
      throw error;
    };
    try {
      if (guardedReader) {
        if (auto answered = answerGuardedRead(route, request, channel, guardedReader))
          return std::move(*answered);
      }
      Context context = guard(route.permission, request);
      request.readBody(channel);
      requireJsonBody(request);
      return handler(request, context);
    } catch (const TransientDatabaseError& error) {
      return databaseUnavailable(error.what());
    } catch (const sql::SQLException& error) {
      if (isTransient(error)) {
        if (isConnectionLost(error)) discardThreadConnection();
        return databaseUnavailable(describeDatabaseError(error));
      }
      HttpError internal = InternalError();
      internal.cause = "database error: " + describeDatabaseError(error);
      throw internal;
    }
  };
}

RequestHandler fallbackHandler() {
  return [](Request& request, Channel&) -> Response { throwUnrouted(request); };
}

int serve(const char* name, const EndpointHandler& handler) {
  return serve(name, handler, nullptr);
}

int serve(const char* name, const EndpointHandler& handler, const GuardedReader& guardedReader) {
  const ApiRoute* route = findApiRoute(name);
  if (!route) {
    std::fprintf(stderr,
                 "runner-jobs: no route named \"%s\" in the route table (lib/app/routes.cpp)\n",
                 name);
    return 1;
  }
  startLog(name);
  if (auto problem = configFileProblem()) return serveUnconfigured(*problem);
  RequestHandler handle = endpointHandler(*route, handler, guardedReader);
  if (route->pool == ThreadPool::Stream) {
    limitThreadConnections(kStreamDatabaseConnections);
    handle = givingConnectionsBack(std::move(handle));
  }
  return runServer(threadPlan(route->pool), handle, openDatabaseThread, backgroundWork(*route));
}

int serveFallback() {
  startLog("not_found");
  if (auto problem = configFileProblem()) return serveUnconfigured(*problem);
  return runServer(ThreadPlan{static_cast<int>(integerSetting("RJ_THREADS", 1, 1, INT_MAX))},
                   fallbackHandler(), nullptr);
}

}  // namespace rj
