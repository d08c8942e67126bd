#include "jobs/job_change.h"

#include <stdexcept>

#include "db/write_identity.h"
#include "events/event_confirmation.h"
#include "events/event_store.h"
#include "util/time.h"

namespace rj {

namespace {
const char* const kStateColumns =
    " runner_id, lease_expires_at, lease_expires_at > UTC_TIMESTAMP(3) AS lease_live,"
    " release_count, last_event_seq, timeout_at, timed_out_runner_id,"
    " run_at, max_attempts, backoff_seconds, timeout_seconds, unique_key, concurrency_key,"
    " concurrency_limit, recurring_job_id, scheduled_for, last_write_id";
}  // namespace

const char* const kJobColumns = []() {
  static const std::string columns =
      std::string(
          "id, workspace_id, type, status, priority, progress_percent, data, result,"
          " 0 AS data_omitted, 0 AS result_omitted, error, agent_task_id, retry_of_id,"
          " attempt, created_at, updated_at, started_at, completed_at,") +
      kStateColumns;
  return columns.c_str();
}();

const char* const kJobSummaryColumns = []() {
  static const std::string limit = std::to_string(kMaxListedDocumentBytes);
  static const std::string columns =
      "id, workspace_id, type, status, priority, progress_percent,"
      " IF(LENGTH(data) > " +
      limit +
      ", NULL, data) AS data,"
      " IF(LENGTH(result) > " +
      limit +
      ", NULL, result) AS result,"
      " COALESCE(LENGTH(data) > " +
      limit +
      ", 0) AS data_omitted,"
      " COALESCE(LENGTH(result) > " +
      limit +
      ", 0) AS result_omitted,"
      " error, agent_task_id, retry_of_id, attempt, created_at, updated_at, started_at,"
      " completed_at," +
      kStateColumns;
  return columns.c_str();
}();

Job readJob(sql::ResultSet& row) {
  Job job;
  job.id = row.getString("id");
  job.workspaceId = row.getString("workspace_id");
  job.type = row.getString("type");
  // The column only ever holds names statusName() wrote.
  job.status = parseJobStatus(std::string(row.getString("status"))).value_or(JobStatus::Pending);
  job.priority = row.getInt("priority");
  job.progressPercent = row.getInt("progress_percent");
  job.data = optionalString(row, "data");
  job.result = optionalString(row, "result");
  job.dataOmitted = row.getBoolean("data_omitted");
  job.resultOmitted = row.getBoolean("result_omitted");
  job.error = optionalString(row, "error");
  job.agentTaskId = optionalString(row, "agent_task_id");
  job.retryOfId = optionalString(row, "retry_of_id");
  job.attempt = row.getInt64("attempt");
  job.createdAt = toIsoTimestamp(std::string(row.getString("created_at")));
  job.updatedAt = toIsoTimestamp(std::string(row.getString("updated_at")));
  job.startedAt = toIsoTimestamp(optionalString(row, "started_at"));
  job.completedAt = toIsoTimestamp(optionalString(row, "completed_at"));
  job.runnerId = optionalString(row, "runner_id");
  job.leaseExpiresAt = toIsoTimestamp(optionalString(row, "lease_expires_at"));
  job.leaseLive = !row.isNull("lease_live") && row.getBoolean("lease_live");
  job.runAt = toIsoTimestamp(std::string(row.getString("run_at")));
  job.maxAttempts = row.getInt64("max_attempts");
  job.backoffSeconds = row.getInt64("backoff_seconds");
  job.timeoutSeconds = optionalInteger(row, "timeout_seconds");
  job.uniqueKey = optionalString(row, "unique_key");
  job.concurrencyKey = optionalString(row, "concurrency_key");
  job.concurrencyLimit = optionalInteger(row, "concurrency_limit");
  job.timeoutAt = toIsoTimestamp(optionalString(row, "timeout_at"));
  job.timedOutRunnerId = optionalString(row, "timed_out_runner_id");
  job.releaseCount = row.getInt64("release_count");
  job.lastEventSeq = row.getInt64("last_event_seq");
  job.lastWriteId = optionalString(row, "last_write_id");
  job.recurringJobId = optionalString(row, "recurring_job_id");
  job.scheduledFor = toIsoTimestamp(optionalString(row, "scheduled_for"));
  return job;
}

std::optional<Job> loadJob(Connection& connection, const std::string& jobId,
                           const std::optional<std::string>& workspaceId, JobLock lock,
                           Freshness freshness) {
  std::string text = std::string("SELECT ") + kJobColumns + " FROM runner_jobs WHERE id = ?";
  if (workspaceId) text += " AND workspace_id = ?";
  if (lock == JobLock::ForUpdate) text += " FOR UPDATE";
  if (freshness == Freshness::Causal) text = causalRead(connection, text);
  Query query(connection, text);
  query.bind(jobId);
  if (workspaceId) query.bind(*workspaceId);
  auto rows = query.rows();
  if (!rows->next()) return std::nullopt;
  return readJob(*rows);
}

HttpError jobNotFound(const std::string& jobId) {
  return NotFound(ErrorCode::JobNotFound, "Runner job with ID " + jobId + " not found");
}

void JobChange::assign(const char* sql) {
  assignments_.push_back({sql, Assignment::Parameter::None, 0, std::nullopt});
}

void JobChange::assign(const char* sql, int64_t number) {
  assignments_.push_back({sql, Assignment::Parameter::Number, number, std::nullopt});
}

void JobChange::assign(const char* sql, std::optional<std::string> text) {
  assignments_.push_back({sql, Assignment::Parameter::Text, 0, std::move(text)});
}

void JobChange::setStatus(JobStatus status) {
  assign("status = ?", std::string(statusName(status)));
  if (isTerminal(status)) assign("completed_at = UTC_TIMESTAMP(3)");
  // Only a QUEUED job waits for its run_at; only a RUNNING job can time out.
  if (status != JobStatus::Queued) assign("scheduled = 0");
  if (status != JobStatus::Running && job_.timeoutAt) assign("timeout_at = NULL");
}

std::string JobChange::setRunAfter(int64_t delayMilliseconds) {
  // The database's clock decides, as everywhere else; read it so that the event can say when.
  auto rows = Query(connection_, "SELECT UTC_TIMESTAMP(3) + INTERVAL ? MICROSECOND AS run_at")
                  .bind(delayMilliseconds * 1000)
                  .rows();
  rows->next();
  std::string runAt = rows->getString("run_at");
  assign("run_at = ?", runAt);
  if (delayMilliseconds > 0) assign("scheduled = 1");
  return toIsoTimestamp(runAt);
}

void JobChange::setTimedOutRunner(const std::string& runnerId) {
  assign("timed_out_runner_id = ?", runnerId);
}

void JobChange::setResult(const std::optional<std::string>& resultJson) {
  assign("result = ?", resultJson);
}

void JobChange::setError(const std::string& error) {
  assign("error = ?", error);
}

void JobChange::clearError() {
  assign("error = NULL");
}

void JobChange::setProgress(int64_t percent) {
  assign("progress_percent = ?", percent);
}

void JobChange::setAttempt(int64_t attempt) {
  assign("attempt = ?", attempt);
}

void JobChange::setReleaseCount(int64_t releases) {
  assign("release_count = ?", releases);
}

void JobChange::extendLease(int64_t leaseMilliseconds) {
  assign("lease_expires_at = UTC_TIMESTAMP(3) + INTERVAL ? MICROSECOND", leaseMilliseconds * 1000);
}

void JobChange::clearLease() {
  assign("lease_expires_at = NULL");
}

void JobChange::clearRunner() {
  assign("runner_id = NULL");
  clearLease();
}

void JobChange::append(EventType type, std::string payloadJson) {
  events_.emplace_back(type, std::move(payloadJson));
}

bool JobChange::committedEarlier() const {
  return earlierCommitMayHaveSucceeded() && job_.lastWriteId &&
         job_.lastWriteId == currentWriteId();
}

void JobChange::apply() {
  if (committedEarlier()) {
    lastAppendedSeq_ = job_.lastEventSeq;
    return;
  }
  if (!assignments_.empty()) {
    std::string text = "UPDATE runner_jobs SET ";
    for (const auto& assignment : assignments_) text += std::string(assignment.sql) + ", ";
    text += "updated_at = UTC_TIMESTAMP(3), last_write_id = ? WHERE id = ?";
    Query update(connection_, text);
    for (const auto& assignment : assignments_) {
      if (assignment.parameter == Assignment::Parameter::Number) update.bind(assignment.number);
      if (assignment.parameter == Assignment::Parameter::Text) update.bind(assignment.text);
    }
    update.bind(currentWriteId()).bind(job_.id).execute();
    assignments_.clear();
  }
  for (const auto& [type, payload] : events_) {
    lastAppendedSeq_ = appendEvent(connection_, job_.id, type, payload);
  }
  events_.clear();
}

Job commitReading(Connection& connection, Transaction& transaction, const std::string& jobId) {
  auto job = loadJob(connection, jobId, std::nullopt, JobLock::None);
  if (!job) throw std::logic_error("commitReading: job " + jobId + " vanished in its transaction");
  transaction.commit();
  return *job;
}

int64_t JobChange::commitAppended(Transaction& transaction) {
  apply();
  transaction.commit();
  confirmEventsKept(connection_);
  return lastAppendedSeq_;
}

Job JobChange::commit(Transaction& transaction) {
  apply();
  Job committed = commitReading(connection_, transaction, answerId_.value_or(job_.id));
  confirmEventsKept(connection_);
  return committed;
}

}  // namespace rj
