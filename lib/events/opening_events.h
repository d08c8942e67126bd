#pragma once
// The first events of a job, written by the compound statement that inserts the job
// (jobs/job_insert.cpp), in the same round trip and the same transaction.
#include <string>
#include <utility>
#include <vector>

#include "db/connection.h"
#include "events/event_type.h"

namespace rj {

// An event type with its serialised JSON payload.
using EventRecord = std::pair<EventType, std::string>;

// The compound statement's variables these statements read: the new job's id and the write id
// its rows are stamped with.
constexpr const char* kNewJobIdVariable = "new_job_id";
constexpr const char* kWriteIdVariable = "stamped_write_id";

// Statements for that compound statement, after the INSERT of the job's row (born with
// last_event_seq = the number of `events`, so that appendEvent numbers later events on from
// there): `events` as seq 1..n in one INSERT, then the workspace change rows of those that are
// changes of the job. Their placeholders, bound by bindOpeningEvents: each event's type, payload
// and payload size; then each change's seq and type. Opening events are never of a type
// workspace_counters counts (it would need its own statement): throws std::logic_error if one is.
std::string openingEventsStatements(const std::vector<EventRecord>& events);
void bindOpeningEvents(Query& query, const std::vector<EventRecord>& events);
// After the compound statement ran: notes the last event for confirmEventsKept (the events are
// one statement, so it stands for all).
void noteOpeningEventsWritten(const std::string& jobId, const std::vector<EventRecord>& events);

}  // namespace rj
