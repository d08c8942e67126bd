#pragma once
// Reading recurring_jobs rows, shared by the store and the maintenance pass.
#include <cppconn/resultset.h>

#include <cstdint>

#include "db/connection.h"
#include "recurring/recurring_job.h"

namespace rj {

// SELECT list of recurring_jobs columns readRecurringJob() expects.
extern const char* const kRecurringJobColumns;
RecurringJob readRecurringJob(sql::ResultSet& row);
// The database's clock (UTC_TIMESTAMP(3)) in milliseconds since the epoch: every process
// computes due times against the same clock.
int64_t databaseNow(Connection& connection);

}  // namespace rj
