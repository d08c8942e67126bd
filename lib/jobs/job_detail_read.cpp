#include "jobs/job_detail_read.h"

#include <algorithm>

#include "db/select_list.h"
#include "jobs/job_change.h"
#include "util/time.h"

namespace rj {

namespace {
// Which part of the detail a row of the statement carries.
enum class DetailPart : int64_t { Job = 0, Step = 1, Event = 2, Caller = 3 };

// One UNION ALL of three parts with a common column list: the job's row (kJobColumns, the item
// columns NULL), then its steps and its events (the job's columns NULL, the item columns theirs).
// Rows stream as the parts produce them (no temporary table); the order is restored here.
// Only the job's part checks the workspace: the items of a job id from another workspace come
// back without their job row, and readJobDetail then answers nothing (404) and drops them. Each
// item part used to join runner_jobs for that check; the two joins were about a quarter of the
// statement's server CPU (218 -> 163 us an execution, docs/DESIGN.md "Statements per request").
const std::string& detailStatement() {
  static const std::string text = [] {
    std::string jobNulls = nullColumns(selectListLength(kJobColumns));
    return std::string("SELECT 0 AS part, ") + kJobColumns +
           ", NULL AS item_position, NULL AS item_name, NULL AS item_status,"
           " NULL AS item_payload, NULL AS item_at, NULL AS item_completed_at"
           " FROM runner_jobs WHERE id = ? AND workspace_id = ?"
           " UNION ALL SELECT 1, " +
           jobNulls +
           ", s.ordinal, s.name, s.status, NULL, s.started_at, s.completed_at"
           " FROM job_steps s WHERE s.job_id = ?"
           " UNION ALL (SELECT 2, " +
           jobNulls +
           ", e.seq, e.type, NULL, e.payload, e.created_at, NULL"
           " FROM job_events e WHERE e.job_id = ? ORDER BY e.seq LIMIT ?)";
  }();
  return text;
}

// The caller's part: the token lookup's three columns in the item columns, the job's NULL.
const std::string& callerPart() {
  static const std::string text = std::string(" UNION ALL SELECT 3, ") +
                                  nullColumns(selectListLength(kJobColumns)) + ", " +
                                  kLiveTokenColumns + ", NULL, NULL, NULL " + kLiveTokenSource;
  return text;
}

struct DetailRows {
  std::optional<Job> job;
  JobDetail detail;
  std::optional<LiveToken> caller;
};

// The caller's row, when the statement has one, is the token of this hash in this workspace.
DetailRows readDetailRows(sql::ResultSet& rows, const std::string& tokenHash = "",
                          const std::string& workspaceId = "") {
  // Read by position, as readJob does (Connector/C++ resolves a name anew for every getter): the
  // part, the job's columns, then the item columns in the order of the statement.
  constexpr uint32_t kPart = 1, kFirstJobColumn = 2;
  const uint32_t position = kFirstJobColumn + static_cast<uint32_t>(jobColumnLabels().size());
  const uint32_t name = position + 1, status = position + 2, payload = position + 3,
                 at = position + 4, completedAt = position + 5;
  DetailRows read;
  JobDetail& detail = read.detail;
  while (rows.next()) {
    switch (static_cast<DetailPart>(rows.getInt64(kPart))) {
      case DetailPart::Job:
        read.job = readJob(rows, kFirstJobColumn);
        break;
      case DetailPart::Step: {
        auto stepStatus = parseJobStatus(std::string(rows.getString(status)));
        detail.steps.push_back({rows.getInt64(position), rows.getString(name),
                                stepStatus.value_or(JobStatus::Running),
                                toIsoTimestamp(std::string(rows.getString(at))),
                                toIsoTimestamp(optionalString(rows, completedAt))});
        break;
      }
      case DetailPart::Event:
        detail.events.push_back({"", rows.getInt64(position), rows.getString(name),
                                 rows.getString(payload),
                                 toIsoTimestamp(std::string(rows.getString(at)))});
        break;
      case DetailPart::Caller:
        // The item columns from item_position on hold kLiveTokenColumns.
        read.caller = readLiveToken(rows, position, tokenHash, workspaceId);
        break;
    }
  }
  return read;
}

// No job row: no such job in this workspace. Items read for an id of another workspace go.
std::optional<JobDetail> assembled(DetailRows& read) {
  if (!read.job) return std::nullopt;
  JobDetail detail = std::move(read.detail);
  detail.job = std::move(*read.job);
  for (auto& event : detail.events) event.jobId = detail.job.id;  // as stored (lower case)
  std::sort(detail.steps.begin(), detail.steps.end(),
            [](const JobStep& a, const JobStep& b) { return a.ordinal < b.ordinal; });
  std::sort(detail.events.begin(), detail.events.end(),
            [](const JobEvent& a, const JobEvent& b) { return a.seq < b.seq; });
  return detail;
}
}  // namespace

std::optional<JobDetail> readJobDetail(Connection& connection, const std::string& workspaceId,
                                       const std::string& jobId) {
  // Causal on a cluster: a GET right after a create or change through another front end.
  auto rows = Query(connection, causalRead(connection, detailStatement()))
                  .bind(jobId)
                  .bind(workspaceId)
                  .bind(jobId)
                  .bind(jobId)
                  .bind(kMaxDetailEvents)
                  .rows();
  DetailRows read = readDetailRows(*rows);
  return assembled(read);
}

std::optional<JobVersion> readJobVersion(Connection& connection, const std::string& workspaceId,
                                         const std::string& jobId) {
  static const std::string text =
      "SELECT updated_at, last_event_seq, last_write_id FROM runner_jobs"
      " WHERE id = ? AND workspace_id = ?";
  // Causal on a cluster, as the full read: a write through another front end moves it.
  auto rows = Query(connection, causalRead(connection, text)).bind(jobId).bind(workspaceId).rows();
  if (!rows->next()) return std::nullopt;
  // Converted as readJob converts them, so that the two compare.
  return JobVersion{toIsoTimestamp(std::string(rows->getString(1))), rows->getInt64(2),
                    optionalString(*rows, 3)};
}

JobVersion versionOf(const Job& job) {
  return JobVersion{job.updatedAt, job.lastEventSeq, job.lastWriteId};
}

CallerAndJobDetail readCallerAndJobDetail(Connection& connection, const std::string& tokenHash,
                                          const std::string& workspaceId,
                                          const std::string& jobId) {
  static const std::string text = detailStatement() + callerPart();
  auto rows = Query(connection, causalRead(connection, text))
                  .bind(jobId)
                  .bind(workspaceId)
                  .bind(jobId)
                  .bind(jobId)
                  .bind(kMaxDetailEvents)
                  .bind(workspaceId)
                  .bind(tokenHash)
                  .rows();
  DetailRows read = readDetailRows(*rows, tokenHash, workspaceId);
  return {std::move(read.caller), assembled(read)};
}

}  // namespace rj
