#include "runners/lease_store.h"

#include "db/retry.h"
#include "db/transaction.h"
#include "errors/errors.h"
#include "events/event_store.h"
#include "jobs/job_store.h"
#include "json/json.h"
#include "runners/lease_end.h"
#include "util/time.h"

namespace rj {

namespace {

struct LeasedJob {
  std::string workspaceId;
  bool cancelled = false;
  int64_t attempt = 1;
  int64_t maxAttempts = 1;
  int64_t releases = 0;
};

// Locks the job row and checks the lease: 404 when the job is unknown to this runner, 409 when
// the runner does not hold a live lease on a RUNNING job. A job cancelled under this runner's
// lease passes only when `cancelledIsAnswer` (the heartbeat reports it).
LeasedJob lockLeasedJob(Connection& connection, const RunnerIdentity& runner,
                        const std::string& jobId, bool cancelledIsAnswer) {
  auto rows = Query(connection,
                    "SELECT workspace_id, status, runner_id, attempt, max_attempts, release_count,"
                    " lease_expires_at > UTC_TIMESTAMP(3) AS live"
                    " FROM runner_jobs WHERE id = ? FOR UPDATE")
                  .bind(jobId)
                  .rows();
  if (!rows->next()) throw jobNotFound(jobId);
  LeasedJob job{rows->getString("workspace_id"), false, rows->getInt64("attempt"),
                rows->getInt64("max_attempts"), rows->getInt64("release_count")};
  // A runner restricted to a workspace learns nothing about the others' jobs.
  if (runner.workspaceId && *runner.workspaceId != job.workspaceId) throw jobNotFound(jobId);
  std::string status = rows->getString("status");
  if (optionalString(*rows, "runner_id") != runner.id) {
    throw Conflict(ErrorCode::LeaseLost,
                   "This runner does not hold the lease of runner job " + jobId);
  }
  if (status == "CANCELLED") {
    if (cancelledIsAnswer) {
      job.cancelled = true;
      return job;
    }
    throw Conflict(ErrorCode::JobCancelled, "Runner job with ID " + jobId + " was cancelled");
  }
  if (status != "RUNNING")
    throw Conflict(ErrorCode::LeaseLost, "Runner job with ID " + jobId + " is already " + status);
  if (rows->isNull("live") || !rows->getBoolean("live")) {
    throw Conflict(ErrorCode::LeaseLost, "The lease of runner job " + jobId + " has expired");
  }
  return job;
}

void recordStep(Connection& connection, const std::string& jobId, const RunnerEvent& event) {
  if (event.type == "step.started") {
    Query(connection,
          "INSERT INTO job_steps (job_id, ordinal, name, status, started_at)"
          " VALUES (?, ?, ?, 'RUNNING', UTC_TIMESTAMP(3)) ON DUPLICATE KEY UPDATE"
          " name = VALUES(name), status = 'RUNNING', started_at = VALUES(started_at),"
          " completed_at = NULL")
        .bind(jobId)
        .bind(*event.stepOrdinal)
        .bind(*event.stepName)
        .execute();
    return;
  }
  // A step closed without a step.started is recorded anyway: the runner knows best.
  std::string status = event.type == "step.completed" ? "COMPLETED" : "FAILED";
  std::string name = event.stepName.value_or("step " + std::to_string(*event.stepOrdinal));
  Query(connection,
        "INSERT INTO job_steps (job_id, ordinal, name, status, started_at, completed_at)"
        " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)) ON DUPLICATE KEY UPDATE"
        " status = VALUES(status), completed_at = VALUES(completed_at)")
      .bind(jobId)
      .bind(*event.stepOrdinal)
      .bind(name)
      .bind(status)
      .execute();
}

}  // namespace

Heartbeat LeaseStore::heartbeat(const RunnerIdentity& runner, const std::string& jobId) {
  return withRetry([&](Connection& connection) {
    Transaction transaction(connection);
    LeasedJob job = lockLeasedJob(connection, runner, jobId, true);
    Heartbeat heartbeat;
    if (job.cancelled) {
      heartbeat.cancelRequested = true;
      transaction.commit();
      return heartbeat;
    }
    Query(connection,
          "UPDATE runner_jobs SET lease_expires_at = UTC_TIMESTAMP(3) + INTERVAL ? MICROSECOND"
          " WHERE id = ?")
        .bind(leaseMilliseconds_ * 1000)
        .bind(jobId)
        .execute();
    auto rows = Query(connection, "SELECT lease_expires_at FROM runner_jobs WHERE id = ?")
                    .bind(jobId)
                    .rows();
    rows->next();
    heartbeat.leaseExpiresAt = toIsoTimestamp(std::string(rows->getString("lease_expires_at")));
    rows.reset();
    transaction.commit();
    return heartbeat;
  });
}

EventReceipt LeaseStore::recordEvent(const RunnerIdentity& runner, const std::string& jobId,
                                     const RunnerEvent& event) {
  return withRetry([&](Connection& connection) {
    Transaction transaction(connection);
    lockLeasedJob(connection, runner, jobId, false);
    if (event.type == "job.progress") {
      Query(connection, "UPDATE runner_jobs SET progress_percent = ? WHERE id = ?")
          .bind(*event.progressPercent)
          .bind(jobId)
          .execute();
    } else if (event.type != "step.output") {
      recordStep(connection, jobId, event);
    }
    EventReceipt receipt{appendEvent(connection, jobId, event.type, event.payload)};
    transaction.commit();
    return receipt;
  });
}

Job LeaseStore::complete(const RunnerIdentity& runner, const std::string& jobId,
                         const std::optional<std::string>& result) {
  return withRetry([&](Connection& connection) {
    Transaction transaction(connection);
    LeasedJob job = lockLeasedJob(connection, runner, jobId, false);
    Query(connection,
          "UPDATE runner_jobs SET status = 'COMPLETED', result = ?, progress_percent = 100,"
          " lease_expires_at = NULL, completed_at = UTC_TIMESTAMP(3), updated_at ="
          " UTC_TIMESTAMP(3) WHERE id = ?")
        .bind(result)
        .bind(jobId)
        .execute();
    appendEvent(connection, jobId, "job.completed", R"({"status":"COMPLETED"})");
    // Read before the commit: see db/retry.h.
    Job saved = *findJob(connection, job.workspaceId, jobId);
    transaction.commit();
    return saved;
  });
}

Job LeaseStore::fail(const RunnerIdentity& runner, const std::string& jobId,
                     const std::string& error) {
  return withRetry([&](Connection& connection) {
    Transaction transaction(connection);
    LeasedJob job = lockLeasedJob(connection, runner, jobId, false);
    JsonWriter payload;
    payload.startObject().key("status").string("FAILED").key("error").string(error).endObject();
    failLeasedJob(connection, jobId, error, payload.take());
    // Read before the commit: see db/retry.h.
    Job saved = *findJob(connection, job.workspaceId, jobId);
    transaction.commit();
    return saved;
  });
}

Job LeaseStore::release(const RunnerIdentity& runner, const std::string& jobId,
                        const std::optional<std::string>& reason) {
  return withRetry([&](Connection& connection) {
    Transaction transaction(connection);
    LeasedJob job = lockLeasedJob(connection, runner, jobId, false);
    int64_t releases = job.releases + 1;
    Query(connection, "UPDATE runner_jobs SET release_count = ? WHERE id = ?")
        .bind(releases)
        .bind(jobId)
        .execute();
    // A release is not the job's failure, but one released over and over must still end.
    bool costsAnAttempt = releases > kFreeReleases;
    bool fails = costsAnAttempt && job.attempt >= job.maxAttempts;
    int64_t attempt = costsAnAttempt && !fails ? job.attempt + 1 : job.attempt;
    JsonWriter payload;
    payload.startObject();
    std::string error;
    if (fails) {
      error = "Released by its runner " + std::to_string(releases) + " times; attempt " +
              std::to_string(attempt) + " of " + std::to_string(job.maxAttempts);
      payload.key("status").string("FAILED").key("error").string(error);
      payload.key("reason").string("released by runner").key("attempt").integer(attempt);
    } else {
      payload.key("attempt").integer(attempt).key("reason").string("released by runner");
    }
    payload.key("runnerId").string(runner.id).key("releases").integer(releases);
    if (reason) payload.key("detail").string(*reason);
    payload.endObject();
    if (fails) {
      failLeasedJob(connection, jobId, error, payload.take());
    } else {
      requeueLeasedJob(connection, jobId, attempt, payload.take());
    }
    // Read before the commit: see db/retry.h.
    Job saved = *findJob(connection, job.workspaceId, jobId);
    transaction.commit();
    return saved;
  });
}

std::string toJson(const Heartbeat& heartbeat) {
  JsonWriter out;
  out.startObject().key("cancelRequested").boolean(heartbeat.cancelRequested);
  out.key("leaseExpiresAt").optionalString(heartbeat.leaseExpiresAt).endObject();
  return out.take();
}

std::string toJson(const EventReceipt& receipt) {
  JsonWriter out;
  out.startObject().key("seq").integer(receipt.seq).endObject();
  return out.take();
}

}  // namespace rj
