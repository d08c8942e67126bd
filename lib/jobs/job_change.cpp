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

namespace {
// The positions of kJobColumns (and kJobSummaryColumns: the same labels in the same order),
// counted from the first; jobColumnLabels() names them and an integration test compares the two
// with the server's result metadata. readJob reads by position because Connector/C++ resolves a
// column name anew for every getter (an upper-cased copy and a map lookup): a job row took
// about 55 of those.
enum JobColumn : uint32_t {
  kId,
  kWorkspaceId,
  kType,
  kStatus,
  kPriority,
  kProgressPercent,
  kData,
  kResult,
  kDataOmitted,
  kResultOmitted,
  kError,
  kAgentTaskId,
  kRetryOfId,
  kAttempt,
  kCreatedAt,
  kUpdatedAt,
  kStartedAt,
  kCompletedAt,
  kRunnerId,
  kLeaseExpiresAt,
  kLeaseLive,
  kReleaseCount,
  kLastEventSeq,
  kTimeoutAt,
  kTimedOutRunnerId,
  kRunAt,
  kMaxAttempts,
  kBackoffSeconds,
  kTimeoutSeconds,
  kUniqueKey,
  kConcurrencyKey,
  kConcurrencyLimit,
  kRecurringJobId,
  kScheduledFor,
  kLastWriteId,
  kJobColumnCount
};
}  // namespace

const std::vector<std::string>& jobColumnLabels() {
  static const std::vector<std::string> labels = {"id",
                                                  "workspace_id",
                                                  "type",
                                                  "status",
                                                  "priority",
                                                  "progress_percent",
                                                  "data",
                                                  "result",
                                                  "data_omitted",
                                                  "result_omitted",
                                                  "error",
                                                  "agent_task_id",
                                                  "retry_of_id",
                                                  "attempt",
                                                  "created_at",
                                                  "updated_at",
                                                  "started_at",
                                                  "completed_at",
                                                  "runner_id",
                                                  "lease_expires_at",
                                                  "lease_live",
                                                  "release_count",
                                                  "last_event_seq",
                                                  "timeout_at",
                                                  "timed_out_runner_id",
                                                  "run_at",
                                                  "max_attempts",
                                                  "backoff_seconds",
                                                  "timeout_seconds",
                                                  "unique_key",
                                                  "concurrency_key",
                                                  "concurrency_limit",
                                                  "recurring_job_id",
                                                  "scheduled_for",
                                                  "last_write_id"};
  static_assert(kJobColumnCount == 35, "one label for each JobColumn");
  return labels;
}

Job readJob(sql::ResultSet& row, uint32_t firstColumn) {
  auto at = [firstColumn](JobColumn column) { return firstColumn + column; };
  auto text = [&](JobColumn column) { return std::string(row.getString(at(column))); };
  auto optionalText = [&](JobColumn column) { return optionalString(row, at(column)); };
  Job job;
  job.id = text(kId);
  job.workspaceId = text(kWorkspaceId);
  job.type = text(kType);
  // The column only ever holds names statusName() wrote.
  job.status = parseJobStatus(text(kStatus)).value_or(JobStatus::Pending);
  job.priority = row.getInt(at(kPriority));
  job.progressPercent = row.getInt(at(kProgressPercent));
  job.data = optionalText(kData);
  job.result = optionalText(kResult);
  job.dataOmitted = row.getBoolean(at(kDataOmitted));
  job.resultOmitted = row.getBoolean(at(kResultOmitted));
  job.error = optionalText(kError);
  job.agentTaskId = optionalText(kAgentTaskId);
  job.retryOfId = optionalText(kRetryOfId);
  job.attempt = row.getInt64(at(kAttempt));
  job.createdAt = toIsoTimestamp(text(kCreatedAt));
  job.updatedAt = toIsoTimestamp(text(kUpdatedAt));
  job.startedAt = toIsoTimestamp(optionalText(kStartedAt));
  job.completedAt = toIsoTimestamp(optionalText(kCompletedAt));
  job.runnerId = optionalText(kRunnerId);
  job.leaseExpiresAt = toIsoTimestamp(optionalText(kLeaseExpiresAt));
  job.leaseLive = !row.isNull(at(kLeaseLive)) && row.getBoolean(at(kLeaseLive));
  job.runAt = toIsoTimestamp(text(kRunAt));
  job.maxAttempts = row.getInt64(at(kMaxAttempts));
  job.backoffSeconds = row.getInt64(at(kBackoffSeconds));
  job.timeoutSeconds = optionalInteger(row, at(kTimeoutSeconds));
  job.uniqueKey = optionalText(kUniqueKey);
  job.concurrencyKey = optionalText(kConcurrencyKey);
  job.concurrencyLimit = optionalInteger(row, at(kConcurrencyLimit));
  job.timeoutAt = toIsoTimestamp(optionalText(kTimeoutAt));
  job.timedOutRunnerId = optionalText(kTimedOutRunnerId);
  job.releaseCount = row.getInt64(at(kReleaseCount));
  job.lastEventSeq = row.getInt64(at(kLastEventSeq));
  job.lastWriteId = optionalText(kLastWriteId);
  job.recurringJobId = optionalText(kRecurringJobId);
  job.scheduledFor = toIsoTimestamp(optionalText(kScheduledFor));
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
