#pragma once
// One way to change a job: lock its row, let the operation's rule decide (refuse by throwing,
// or set fields and append events), write the changes and events, read the answer and commit,
// all in one transaction retried on transient database errors.
//
//   Job JobStore::cancel(const std::string& workspaceId, const std::string& jobId) {
//     return changeJob(workspaceId, jobId, [&](JobChange& job) {
//       if (isTerminal(job.status())) throw Conflict(ErrorCode::JobTerminal, ...);
//       job.setStatus(JobStatus::Cancelled);
//       job.append(EventType::JobCancelled, payload);
//     });
//   }
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "db/connection.h"
#include "db/retry.h"
#include "db/transaction.h"
#include "errors/errors.h"
#include "events/event_type.h"
#include "jobs/job.h"

namespace rj {

enum class JobLock { None, ForUpdate };

// SELECT list of runner_jobs columns readJob() expects.
extern const char* const kJobColumns;
// The same for list items: data and result over kMaxListedDocumentBytes are left out (null, with
// dataOmitted/resultOmitted set), so a page stays small whatever its jobs hold.
extern const char* const kJobSummaryColumns;
// The labels of both lists, in their order (what readJob's positions stand for).
const std::vector<std::string>& jobColumnLabels();
// Reads the job from kJobColumns (or kJobSummaryColumns) starting at column `firstColumn`
// (1-based), by position.
Job readJob(sql::ResultSet& row, uint32_t firstColumn = 1);
// The job when it exists (within the workspace, when one is given), locked FOR UPDATE if asked
// (inside a transaction); Freshness::Causal sees every write the cluster committed before.
std::optional<Job> loadJob(Connection& connection, const std::string& jobId,
                           const std::optional<std::string>& workspaceId, JobLock lock,
                           Freshness freshness = Freshness::Local);
// Reads the job, then commits. The read comes first: withRetry runs the whole operation again
// when a statement fails, and a read failing after a successful commit would repeat the change.
Job commitReading(Connection& connection, Transaction& transaction, const std::string& jobId);
// 404 JOB_NOT_FOUND "Runner job with ID ... not found".
HttpError jobNotFound(const std::string& jobId);

// A locked job and the changes an operation makes to it; written by apply() or commit().
class JobChange {
 public:
  JobChange(Connection& connection, Job locked)
      : connection_(connection), job_(std::move(locked)) {}

  // The job as it was locked, before this change.
  const Job& job() const { return job_; }
  JobStatus status() const { return job_.status; }
  const std::string& id() const { return job_.id; }
  // For statements of the operation's own on other tables (steps), in the same transaction.
  Connection& connection() { return connection_; }
  // True when this write already committed in an earlier attempt whose COMMIT lost its answer
  // (the job carries this write's id): the change is not made again, and the answer is the job
  // as it is (commitAppended: the job's newest seq).
  bool committedEarlier() const;

  // A terminal status also stamps completed_at.
  void setStatus(JobStatus status);
  void setResult(const std::optional<std::string>& resultJson);
  void setError(const std::string& error);
  void clearError();
  void setProgress(int64_t percent);
  void setAttempt(int64_t attempt);
  void setReleaseCount(int64_t releases);
  // Not claimable for this long from now; returns the ISO time it becomes claimable.
  std::string setRunAfter(int64_t delayMilliseconds);
  // Remembers the runner whose run timed out, so that its later calls hear JOB_TIMED_OUT.
  void setTimedOutRunner(const std::string& runnerId);
  void extendLease(int64_t leaseMilliseconds);
  void clearLease();
  // Back in the queue: no runner, no lease.
  void clearRunner();
  // Records an event after the field changes, in the order appended.
  void append(EventType type, std::string payloadJson = "{}");
  // The operation answers with another job made in the same transaction (a retry's new job).
  void answerWith(std::string jobId) { answerId_ = std::move(jobId); }

  // Writes the field changes and events.
  void apply();
  // apply(), then commitReading() the job to answer with.
  Job commit(Transaction& transaction);
  // apply() and commit, reading nothing back: the answer is the seq of the last event appended
  // (a runner's event, where a read of the whole job would only cost a round trip).
  int64_t commitAppended(Transaction& transaction);

 private:
  struct Assignment {
    enum class Parameter { None, Number, Text };
    const char* sql;  // "status = ?" (column names are the code's, never input)
    Parameter parameter = Parameter::None;
    int64_t number = 0;
    std::optional<std::string> text;  // nullopt binds NULL
  };
  // A column set to an SQL expression without parameters, to a number, or to a text or NULL.
  void assign(const char* sql);
  void assign(const char* sql, int64_t number);
  void assign(const char* sql, std::optional<std::string> text);

  Connection& connection_;
  Job job_;
  std::vector<Assignment> assignments_;
  std::vector<std::pair<EventType, std::string>> events_;
  std::optional<std::string> answerId_;
  int64_t lastAppendedSeq_ = 0;
};

// Changes one job by id: 404 when it is not in the workspace (any workspace when nullopt),
// otherwise `rule(JobChange&)` decides and `finish(JobChange&, Transaction&)` writes and commits,
// answering with what it returns.
template <typename Rule, typename Finish>
auto changeJob(const std::optional<std::string>& workspaceId, const std::string& jobId, Rule&& rule,
               Finish&& finish) {
  return withRetry([&](Connection& connection) {
    Transaction transaction(connection);
    // Causal: a change through one front end may follow one through another (a runner's
    // complete after its claim, a cancel after a create), on another cluster node.
    auto job = loadJob(connection, jobId, workspaceId, JobLock::ForUpdate, Freshness::Causal);
    if (!job) throw jobNotFound(jobId);
    JobChange change(connection, std::move(*job));
    if (!change.committedEarlier()) rule(change);
    return finish(change, transaction);
  });
}

// The same, committing and answering with the job as committed.
template <typename Rule>
Job changeJob(const std::optional<std::string>& workspaceId, const std::string& jobId,
              Rule&& rule) {
  return changeJob(
      workspaceId, jobId, std::forward<Rule>(rule),
      [](JobChange& change, Transaction& transaction) { return change.commit(transaction); });
}

}  // namespace rj
