#include "runners/claim_service.h"

#include <chrono>
#include <thread>

#include "db/retry.h"
#include "db/transaction.h"
#include "errors/errors.h"
#include "events/event_store.h"
#include "jobs/job_store.h"
#include "json/json.h"
#include "runners/lease_end.h"

namespace rj {

namespace {

constexpr int kRescueBatch = 50;
constexpr auto kWaitPollInterval = std::chrono::milliseconds(250);

// SKIP LOCKED scans under READ COMMITTED so that rows it passes over (other types, other
// workspaces) are not left locked, and no gap locks make racing claims wait on each other.
void readCommittedNextTransaction(Connection& connection) {
  connection.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
}

struct ExpiredLease {
  std::string id;
  int64_t attempt;
  int64_t maxAttempts;
  std::optional<std::string> runnerId;
};

void requeueOrFail(Connection& connection, const ExpiredLease& lease) {
  JsonWriter payload;
  payload.startObject();
  if (lease.attempt >= lease.maxAttempts) {
    std::string error = "Lease expired on attempt " + std::to_string(lease.attempt) + " of " +
                        std::to_string(lease.maxAttempts);
    payload.key("error").string(error).key("reason").string("lease expired");
    payload.key("attempt").integer(lease.attempt).key("runnerId").optionalString(lease.runnerId);
    failLeasedJob(connection, lease.id, error, payload.endObject().take());
    return;
  }
  payload.key("attempt").integer(lease.attempt + 1);
  payload.key("reason").string("lease expired").key("runnerId").optionalString(lease.runnerId);
  requeueLeasedJob(connection, lease.id, lease.attempt + 1, payload.endObject().take());
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
  return withRetry([&](Connection& connection) {
    // A plain read first: almost always nothing has expired, and then no transaction is needed.
    auto any = Query(connection,
                     "SELECT 1 AS expired FROM runner_jobs WHERE status = 'RUNNING'"
                     " AND lease_expires_at < UTC_TIMESTAMP(3) LIMIT 1")
                   .rows();
    if (!any->next()) return 0;
    any.reset();
    readCommittedNextTransaction(connection);
    Transaction transaction(connection);
    auto rows = Query(connection,
                      "SELECT id, attempt, max_attempts, runner_id FROM runner_jobs"
                      " WHERE status = 'RUNNING' AND lease_expires_at < UTC_TIMESTAMP(3)"
                      " ORDER BY lease_expires_at LIMIT ? FOR UPDATE SKIP LOCKED")
                    .bind(kRescueBatch)
                    .rows();
    std::vector<ExpiredLease> expired;
    while (rows->next()) {
      expired.push_back({rows->getString("id"), rows->getInt64("attempt"),
                         rows->getInt64("max_attempts"), optionalString(*rows, "runner_id")});
    }
    rows.reset();
    for (const auto& lease : expired) requeueOrFail(connection, lease);
    transaction.commit();
    return static_cast<int>(expired.size());
  });
}

std::optional<Job> ClaimService::claimOnce(const RunnerIdentity& runner,
                                           const std::vector<std::string>& types) {
  rescueExpiredLeases();
  // The filter shape varies with the runner; values are still bound, never spliced in.
  std::string select = "SELECT id, workspace_id, attempt FROM runner_jobs WHERE status = 'QUEUED'";
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
    if (runner.workspaceId) query.bind(*runner.workspaceId);
    for (const auto& type : types) query.bind(type);
    auto rows = query.rows();
    if (!rows->next()) {
      transaction.commit();
      return std::nullopt;
    }
    std::string jobId = rows->getString("id");
    std::string workspaceId = rows->getString("workspace_id");
    int64_t attempt = rows->getInt64("attempt");
    rows.reset();
    Query(connection,
          "UPDATE runner_jobs SET status = 'RUNNING', runner_id = ?, lease_expires_at ="
          " UTC_TIMESTAMP(3) + INTERVAL ? MICROSECOND, started_at = UTC_TIMESTAMP(3),"
          " updated_at = UTC_TIMESTAMP(3) WHERE id = ?")
        .bind(runner.id)
        .bind(leaseMilliseconds_ * 1000)
        .bind(jobId)
        .execute();
    JsonWriter payload;
    payload.startObject().key("runnerId").string(runner.id).key("runnerName").string(runner.name);
    payload.key("attempt").integer(attempt).endObject();
    appendEvent(connection, jobId, "job.started", payload.take());
    // Read before the commit: see db/retry.h.
    std::optional<Job> claimed = findJob(connection, workspaceId, jobId);
    transaction.commit();
    return claimed;
  });
}

std::optional<Job> ClaimService::claim(const RunnerIdentity& runner, const ClaimRequest& request) {
  std::vector<std::string> types = claimableTypes(runner, request.types);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(request.waitSeconds);
  for (;;) {
    if (auto job = claimOnce(runner, types)) return job;
    if (std::chrono::steady_clock::now() + kWaitPollInterval > deadline) return std::nullopt;
    std::this_thread::sleep_for(kWaitPollInterval);
  }
}

}  // namespace rj
