#include "recurring/recurring_store.h"

#include "db/retry.h"
#include "db/transaction.h"
#include "errors/errors.h"
#include "recurring/recurring_rows.h"
#include "util/civil_time.h"
#include "util/uuid.h"

namespace rj {

namespace {
constexpr int kDuplicateKey = 1062;

HttpError scheduleNotFound(const std::string& id) {
  return NotFound(ErrorCode::RecurringJobNotFound, "Recurring job with ID " + id + " not found");
}
}  // namespace

RecurringJob RecurringStore::create(const std::string& workspaceId,
                                    const NewRecurringJob& request) {
  ScheduleTiming timing = timingOf(request.cron, request.everySeconds, request.timezone);
  return withRetry([&](Connection& connection) {
    auto firstDue = firstDueTime(timing, databaseNow(connection));
    // The parser refused expressions that never match.
    if (!firstDue) throw ValidationFailed({"cron never matches a day of the calendar"});
    std::string id = newUuid();
    Transaction transaction(connection);
    try {
      Query insert(connection,
                   "INSERT INTO recurring_jobs (id, workspace_id, name, type, priority, data, cron,"
                   " every_seconds, timezone, next_run_at, created_at)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3))");
      insert.bind(id).bind(workspaceId).bind(request.name).bind(request.job.type);
      insert.bind(request.job.priority).bind(request.job.data).bind(request.cron);
      if (request.everySeconds) {
        insert.bind(*request.everySeconds);
      } else {
        insert.bindNull();
      }
      insert.bind(request.timezone).bind(toDatabaseTime(*firstDue)).execute();
    } catch (const sql::SQLException& error) {
      if (error.getErrorCode() != kDuplicateKey) throw;
      throw Conflict(ErrorCode::RecurringJobExists,
                     "A recurring job named \"" + request.name + "\" already exists");
    }
    auto rows = Query(connection, std::string("SELECT ") + kRecurringJobColumns +
                                      " FROM recurring_jobs WHERE id = ?")
                    .bind(id)
                    .rows();
    rows->next();
    RecurringJob created = readRecurringJob(*rows);
    rows.reset();
    transaction.commit();
    return created;
  });
}

std::vector<RecurringJob> RecurringStore::list(const std::string& workspaceId) {
  return withRetry([&](Connection& connection) {
    auto rows = Query(connection, std::string("SELECT ") + kRecurringJobColumns +
                                      " FROM recurring_jobs WHERE workspace_id = ?"
                                      " ORDER BY created_at, id")
                    .bind(workspaceId)
                    .rows();
    std::vector<RecurringJob> schedules;
    while (rows->next()) schedules.push_back(readRecurringJob(*rows));
    return schedules;
  });
}

void RecurringStore::remove(const std::string& workspaceId, const std::string& id) {
  int64_t deleted = withRetry([&](Connection& connection) {
    return Query(connection, "DELETE FROM recurring_jobs WHERE id = ? AND workspace_id = ?")
        .bind(id)
        .bind(workspaceId)
        .execute();
  });
  if (deleted == 0) throw scheduleNotFound(id);
}

}  // namespace rj
