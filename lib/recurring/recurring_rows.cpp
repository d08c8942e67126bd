#include "recurring/recurring_rows.h"

#include <stdexcept>

#include "util/civil_time.h"
#include "util/time.h"

namespace rj {

const char* const kRecurringJobColumns =
    "id, workspace_id, name, type, priority, data, cron, every_seconds, timezone, next_run_at,"
    " last_run_at, created_at";

RecurringJob readRecurringJob(sql::ResultSet& row) {
  RecurringJob schedule;
  schedule.id = row.getString("id");
  schedule.workspaceId = row.getString("workspace_id");
  schedule.name = row.getString("name");
  schedule.type = row.getString("type");
  schedule.priority = row.getInt("priority");
  schedule.data = optionalString(row, "data");
  schedule.cron = optionalString(row, "cron");
  if (!row.isNull("every_seconds")) schedule.everySeconds = row.getInt64("every_seconds");
  schedule.timezone = row.getString("timezone");
  schedule.nextRunAt = toIsoTimestamp(std::string(row.getString("next_run_at")));
  schedule.lastRunAt = toIsoTimestamp(optionalString(row, "last_run_at"));
  schedule.createdAt = toIsoTimestamp(std::string(row.getString("created_at")));
  return schedule;
}

int64_t databaseNow(Connection& connection) {
  auto rows = Query(connection, "SELECT UTC_TIMESTAMP(3) AS now").rows();
  rows->next();
  auto now = parseDatabaseTime(rows->getString("now"));
  if (!now) throw std::runtime_error("unreadable UTC_TIMESTAMP(3) from the database");
  return *now;
}

}  // namespace rj
