#include "recurring/due_jobs.h"

#include <cstdio>
#include <string>
#include <vector>

#include "db/retry.h"
#include "db/transaction.h"
#include "jobs/job_insert.h"
#include "recurring/recurring_rows.h"
#include "util/civil_time.h"

namespace rj {

namespace {

constexpr int kDueBatch = 100;
constexpr int kDuplicateKey = 1062;
// Where a schedule goes that can never be due again (a cron expression is checked to match when
// it is made, so only a hand-edited row gets here).
constexpr const char* kNever = "9999-12-31 23:59:59.999";

// One schedule's due time, if it is still due and no other pass holds it. True when a job was
// made.
bool runDueSchedule(Connection& connection, const std::string& scheduleId) {
  Transaction transaction(connection);
  auto rows = Query(connection, std::string("SELECT ") + kRecurringJobColumns +
                                    ", next_run_at AS due_at, UTC_TIMESTAMP(3) AS now"
                                    " FROM recurring_jobs WHERE id = ?"
                                    " AND next_run_at <= UTC_TIMESTAMP(3)"
                                    " FOR UPDATE SKIP LOCKED")
                  .bind(scheduleId)
                  .rows();
  if (!rows->next()) return false;  // another pass made it, or holds it now
  RecurringJob schedule = readRecurringJob(*rows);
  std::string dueAt = rows->getString("due_at");
  auto dueMs = parseDatabaseTime(dueAt);
  auto nowMs = parseDatabaseTime(rows->getString("now"));
  rows.reset();
  std::optional<int64_t> next;
  if (dueMs && nowMs) {
    next = nextDueTime(timingOf(schedule.cron, schedule.everySeconds, schedule.timezone), *dueMs,
                       *nowMs);
  }
  bool made = false;
  try {
    NewJob request;
    request.type = schedule.type;
    request.priority = schedule.priority;
    request.data = schedule.data;
    JobOrigin origin;
    origin.recurringJobId = schedule.id;
    origin.scheduledFor = dueAt;
    insertQueuedJob(connection, schedule.workspaceId, request, origin);
    made = true;
  } catch (const sql::SQLException& error) {
    // This due time has its job already (a pass that did not see the schedule locked, say on
    // another Galera node): only the schedule is behind.
    if (error.getErrorCode() != kDuplicateKey) throw;
  }
  Query(connection, "UPDATE recurring_jobs SET next_run_at = ?, last_run_at = ? WHERE id = ?")
      .bind(next ? toDatabaseTime(*next) : std::string(kNever))
      .bind(dueAt)
      .bind(scheduleId)
      .execute();
  transaction.commit();
  return made;
}

}  // namespace

int createDueRecurringJobs() {
  // A plain read first: usually nothing is due and no transaction is needed.
  std::vector<std::string> due = withRetry([](Connection& connection) {
    auto rows = Query(connection,
                      "SELECT id FROM recurring_jobs WHERE next_run_at <= UTC_TIMESTAMP(3)"
                      " ORDER BY next_run_at LIMIT ?")
                    .bind(kDueBatch)
                    .rows();
    std::vector<std::string> ids;
    while (rows->next()) ids.push_back(rows->getString("id"));
    return ids;
  });
  int made = 0;
  for (const auto& id : due) {
    // Each schedule in its own transaction: one that fails for a reason of its own is logged and
    // does not hold back the others (a database outage, TransientDatabaseError, ends the pass).
    try {
      if (withRetry([&](Connection& connection) { return runDueSchedule(connection, id); })) ++made;
    } catch (const sql::SQLException& error) {
      std::fprintf(stderr, "runner-jobs: recurring job %s: database error %d: %s\n", id.c_str(),
                   error.getErrorCode(), error.what());
    }
  }
  return made;
}

}  // namespace rj
