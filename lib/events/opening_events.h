#pragma once
// The first events of a job made in the caller's open transaction, written in one statement.
#include <string>
#include <utility>
#include <vector>

#include "db/connection.h"
#include "events/event_type.h"
#include "jobs/job.h"

namespace rj {

// An event type with its serialised JSON payload.
using EventRecord = std::pair<EventType, std::string>;

// Inserts `events` as the job's seq 1..n in one statement. The job's row must have been inserted
// in the same transaction with last_event_seq = n, so that appendEvent numbers later events on
// from n (nothing else can append to the job before that transaction commits). Counted in
// workspace_counters and recorded in the workspace change log as appendEvent does.
// `job` is the row as that INSERT returned it: its summary goes into the change log as is.
void insertOpeningEvents(Connection& connection, const Job& job,
                         const std::vector<EventRecord>& events);

}  // namespace rj
