#include "runners/lease_store.h"

#include "errors/errors.h"
#include "jobs/job_change.h"
#include "json/json.h"
#include "runners/lease_end.h"

namespace rj {

namespace {

enum class WhenCancelled { Refuse, Answer };

// The lease rule of every runner call: 409 unless this runner holds a live lease on the RUNNING
// job. A job cancelled under this runner's lease is refused (JOB_CANCELLED), or passes when the
// call reports it (the heartbeat); returns whether it was cancelled.
bool requireLease(const JobChange& change, const RunnerIdentity& runner, WhenCancelled cancelled) {
  const Job& job = change.job();
  if (job.timedOutRunnerId == runner.id &&
      (job.runnerId != runner.id || job.status != JobStatus::Running)) {
    throw Conflict(ErrorCode::JobTimedOut, "Runner job with ID " + job.id + " timed out after " +
                                               std::to_string(job.timeoutSeconds.value_or(0)) +
                                               " s");
  }
  if (job.runnerId != runner.id) {
    throw Conflict(ErrorCode::LeaseLost,
                   "This runner does not hold the lease of runner job " + job.id);
  }
  if (job.status == JobStatus::Cancelled) {
    if (cancelled == WhenCancelled::Answer) return true;
    throw Conflict(ErrorCode::JobCancelled, "Runner job with ID " + job.id + " was cancelled");
  }
  if (job.status != JobStatus::Running) {
    throw Conflict(isTerminal(job.status) ? ErrorCode::JobTerminal : ErrorCode::LeaseLost,
                   "Runner job with ID " + job.id + " is already " + statusName(job.status));
  }
  if (!job.leaseLive) {
    throw Conflict(ErrorCode::LeaseLost, "The lease of runner job " + job.id + " has expired");
  }
  return false;
}

// A step event keeps job_steps: started opens (or reopens) the step, completed/failed close it.
void recordStep(Connection& connection, const std::string& jobId, const RunnerEvent& event) {
  if (event.type == EventType::StepStarted) {
    Query(connection,
          "INSERT INTO job_steps (job_id, ordinal, name, status, started_at)"
          " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(3)) ON DUPLICATE KEY UPDATE"
          " name = VALUES(name), status = VALUES(status), started_at = VALUES(started_at),"
          " completed_at = NULL")
        .bind(jobId)
        .bind(*event.stepOrdinal)
        .bind(*event.stepName)
        .bind(statusName(JobStatus::Running))
        .execute();
    return;
  }
  // A step closed without a step.started is recorded anyway: the runner knows best.
  JobStatus status =
      event.type == EventType::StepCompleted ? JobStatus::Completed : JobStatus::Failed;
  std::string name = event.stepName.value_or("step " + std::to_string(*event.stepOrdinal));
  Query(connection,
        "INSERT INTO job_steps (job_id, ordinal, name, status, started_at, completed_at)"
        " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)) ON DUPLICATE KEY UPDATE"
        " status = VALUES(status), completed_at = VALUES(completed_at)")
      .bind(jobId)
      .bind(*event.stepOrdinal)
      .bind(name)
      .bind(statusName(status))
      .execute();
}

std::string statusPayload(JobStatus status, const std::optional<std::string>& error = {}) {
  JsonWriter payload;
  payload.startObject().key("status").string(statusName(status));
  if (error) payload.key("error").string(*error);
  return payload.endObject().take();
}

}  // namespace

Heartbeat LeaseStore::heartbeat(const RunnerIdentity& runner, const std::string& jobId) {
  Job saved = changeJob(runner.workspaceId, jobId, [&](JobChange& job) {
    if (requireLease(job, runner, WhenCancelled::Answer)) return;
    job.extendLease(leaseMilliseconds_);
  });
  Heartbeat heartbeat;
  heartbeat.cancelRequested = saved.status == JobStatus::Cancelled;
  if (!heartbeat.cancelRequested) heartbeat.leaseExpiresAt = saved.leaseExpiresAt;
  return heartbeat;
}

EventReceipt LeaseStore::recordEvent(const RunnerIdentity& runner, const std::string& jobId,
                                     const RunnerEvent& event) {
  auto rule = [&](JobChange& job) {
    requireLease(job, runner, WhenCancelled::Refuse);
    if (event.type == EventType::JobProgress) {
      job.setProgress(*event.progressPercent);
    } else if (event.type != EventType::StepOutput) {
      recordStep(job.connection(), jobId, event);
    }
    job.append(event.type, event.payload);
  };
  return EventReceipt{changeJob(
      runner.workspaceId, jobId, rule,
      [](JobChange& job, Transaction& transaction) { return job.commitAppended(transaction); })};
}

Job LeaseStore::complete(const RunnerIdentity& runner, const std::string& jobId,
                         const std::optional<std::string>& result) {
  return changeJob(runner.workspaceId, jobId, [&](JobChange& job) {
    requireLease(job, runner, WhenCancelled::Refuse);
    job.setStatus(JobStatus::Completed);
    job.setResult(result);
    if (job.job().error) job.clearError();  // an earlier attempt's
    job.setProgress(100);
    job.clearLease();
    job.append(EventType::JobCompleted, statusPayload(JobStatus::Completed));
  });
}

Job LeaseStore::fail(const RunnerIdentity& runner, const std::string& jobId,
                     const RunnerFailure& failure) {
  return changeJob(runner.workspaceId, jobId, [&](JobChange& job) {
    requireLease(job, runner, WhenCancelled::Refuse);
    if (failure.retryable) {
      retryOrFailLeasedJob(job, failure.error, "failed");
    } else {
      failLeasedJob(job, failure.error, statusPayload(JobStatus::Failed, failure.error));
    }
  });
}

Job LeaseStore::release(const RunnerIdentity& runner, const std::string& jobId,
                        const std::optional<std::string>& reason) {
  return changeJob(runner.workspaceId, jobId, [&](JobChange& job) {
    requireLease(job, runner, WhenCancelled::Refuse);
    const Job& leased = job.job();
    int64_t releases = leased.releaseCount + 1;
    job.setReleaseCount(releases);
    // A release is not the job's failure, but one released over and over must still end.
    bool costsAnAttempt = releases > kFreeReleases;
    bool fails = costsAnAttempt && leased.attempt >= leased.maxAttempts;
    int64_t attempt = costsAnAttempt && !fails ? leased.attempt + 1 : leased.attempt;
    JsonWriter payload;
    payload.startObject();
    std::string error;
    if (fails) {
      error = "Released by its runner " + std::to_string(releases) + " times; attempt " +
              std::to_string(attempt) + " of " + std::to_string(leased.maxAttempts);
      payload.key("status").string(statusName(JobStatus::Failed)).key("error").string(error);
      payload.key("reason").string("released by runner").key("attempt").integer(attempt);
    } else {
      payload.key("attempt").integer(attempt).key("reason").string("released by runner");
    }
    payload.key("runnerId").string(runner.id).key("releases").integer(releases);
    if (reason) payload.key("detail").string(*reason);
    payload.endObject();
    if (fails) {
      failLeasedJob(job, error, payload.take());
    } else {
      requeueLeasedJob(job, attempt, payload.take());
    }
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
