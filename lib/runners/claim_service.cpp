#include "runners/claim_service.h"

#include <chrono>
#include <thread>

#include "db/config.h"
#include "errors/errors.h"
#include "jobs/job_change.h"
#include "json/json.h"
#include "runners/lease_end.h"
#include "util/concurrency_caps.h"

namespace rj {

namespace {

constexpr int kRescueBatch = 50;
constexpr auto kWaitPollInterval = std::chrono::milliseconds(250);

// SKIP LOCKED scans under READ COMMITTED so that rows it passes over (other types, other
// workspaces) are not left locked, and no gap locks make racing claims wait on each other.
void readCommittedNextTransaction(Connection& connection) {
  connection.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
}

// An expired lease goes back to the queue with attempt + 1, or FAILED at max_attempts.
void requeueOrFail(JobChange& job) {
  const Job& expired = job.job();
  JsonWriter payload;
  payload.startObject();
  if (expired.attempt >= expired.maxAttempts) {
    std::string error = "Lease expired on attempt " + std::to_string(expired.attempt) + " of " +
                        std::to_string(expired.maxAttempts);
    payload.key("error").string(error).key("reason").string("lease expired");
    payload.key("attempt")
        .integer(expired.attempt)
        .key("runnerId")
        .optionalString(expired.runnerId);
    failLeasedJob(job, error, payload.endObject().take());
    return;
  }
  payload.key("attempt").integer(expired.attempt + 1);
  payload.key("reason").string("lease expired").key("runnerId").optionalString(expired.runnerId);
  requeueLeasedJob(job, expired.attempt + 1, payload.endObject().take());
}

// The types this claim may take: the request's (each one the runner must accept), else the
// runner's own list; empty means any type.
std::vector<std::string> claimableTypes(const RunnerIdentity& runner,
                                        const std::vector<std::string>& requested) {
  for (const auto& type : requested) {
    if (!runner.acceptsType(type)) {
      throw Forbidden(ErrorCode::JobTypeNotAccepted,
                      "This runner does not accept jobs of type " + type);
    }
  }
  return requested.empty() ? runner.jobTypes : requested;
}

}  // namespace

int ClaimService::rescueExpiredLeases() {
  const char* running = statusName(JobStatus::Running);
  return withRetry([&](Connection& connection) {
    // A plain read first: almost always nothing has expired, and then no transaction is needed.
    auto any = Query(connection,
                     "SELECT 1 AS expired FROM runner_jobs WHERE status = ?"
                     " AND lease_expires_at < UTC_TIMESTAMP(3) LIMIT 1")
                   .bind(running)
                   .rows();
    if (!any->next()) return 0;
    any.reset();
    readCommittedNextTransaction(connection);
    Transaction transaction(connection);
    auto rows = Query(connection, std::string("SELECT ") + kJobColumns +
                                      " FROM runner_jobs WHERE status = ? AND lease_expires_at <"
                                      " UTC_TIMESTAMP(3) ORDER BY lease_expires_at LIMIT ?"
                                      " FOR UPDATE SKIP LOCKED")
                    .bind(running)
                    .bind(kRescueBatch)
                    .rows();
    std::vector<Job> expired;
    while (rows->next()) expired.push_back(readJob(*rows));
    rows.reset();
    for (auto& job : expired) {
      JobChange change(connection, std::move(job));
      requeueOrFail(change);
      change.apply();
    }
    transaction.commit();
    return static_cast<int>(expired.size());
  });
}

std::optional<Job> ClaimService::claimOnce(const RunnerIdentity& runner,
                                           const std::vector<std::string>& types) {
  rescueExpiredLeases();
  // The filter shape varies with the runner; values are still bound, never spliced in.
  std::string select = std::string("SELECT ") + kJobColumns + " FROM runner_jobs WHERE status = ?";
  if (runner.workspaceId) select += " AND workspace_id = ?";
  if (!types.empty()) {
    select += " AND type IN (?";
    for (size_t i = 1; i < types.size(); ++i) select += ", ?";
    select += ")";
  }
  select += " ORDER BY priority DESC, created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED";
  return withRetry([&](Connection& connection) -> std::optional<Job> {
    readCommittedNextTransaction(connection);
    Transaction transaction(connection);
    Query query(connection, select);
    query.bind(statusName(JobStatus::Queued));
    if (runner.workspaceId) query.bind(*runner.workspaceId);
    for (const auto& type : types) query.bind(type);
    auto rows = query.rows();
    if (!rows->next()) {
      transaction.commit();
      return std::nullopt;
    }
    JobChange job(connection, readJob(*rows));
    rows.reset();
    job.setStatus(JobStatus::Running);
    job.assignRunner(runner.id, leaseMilliseconds_);
    JsonWriter payload;
    payload.startObject().key("runnerId").string(runner.id).key("runnerName").string(runner.name);
    payload.key("attempt").integer(job.job().attempt).endObject();
    job.append(EventType::JobStarted, payload.take());
    return job.commit(transaction);
  });
}

LongPollCaps configuredLongPollCaps() {
  LongPollCaps caps;
  caps.perRunner = integerSetting("RJ_LONG_POLLS_PER_RUNNER", caps.perRunner, 0, 1000000);
  caps.perWorkspace = integerSetting("RJ_LONG_POLLS_PER_WORKSPACE", caps.perWorkspace, 0, 1000000);
  return caps;
}

std::optional<Job> ClaimService::claim(const RunnerIdentity& runner, const ClaimRequest& request) {
  std::vector<std::string> types = claimableTypes(runner, request.types);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(request.waitSeconds);
  if (auto job = claimOnce(runner, types)) return job;
  if (request.waitSeconds <= 0) return std::nullopt;
  static ConcurrencyCaps waitingClaims;
  std::vector<std::pair<std::string, int64_t>> keys = {{"runner:" + runner.id, caps_.perRunner}};
  if (runner.workspaceId) keys.emplace_back("workspace:" + *runner.workspaceId, caps_.perWorkspace);
  auto slot = waitingClaims.take(keys);
  if (!slot) return std::nullopt;
  for (;;) {
    if (std::chrono::steady_clock::now() + kWaitPollInterval > deadline) return std::nullopt;
    std::this_thread::sleep_for(kWaitPollInterval);
    if (auto job = claimOnce(runner, types)) return job;
  }
}

}  // namespace rj
