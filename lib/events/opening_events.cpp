#include "events/opening_events.h"

#include <stdexcept>

#include "db/write_identity.h"
#include "events/workspace_change_store.h"
#include "operations/workspace_counters.h"

namespace rj {

namespace {
// The seq and type of each event that is a change of the job.
std::vector<std::pair<int64_t, EventType>> changesOf(const std::vector<EventRecord>& events) {
  std::vector<std::pair<int64_t, EventType>> changes;
  int64_t seq = 0;
  for (const auto& [type, payload] : events) {
    ++seq;
    if (isWorkspaceChangeType(type)) changes.emplace_back(seq, type);
  }
  return changes;
}
}  // namespace

std::string openingEventsStatements(const std::vector<EventRecord>& events) {
  if (events.empty()) return "";
  std::string text =
      "INSERT INTO job_events (job_id, seq, type, payload, payload_bytes, created_at, write_id)"
      " VALUES";
  for (size_t i = 0; i < events.size(); ++i) {
    if (isCountedEventType(events[i].first)) {
      throw std::logic_error("an opening event of a counted type: " +
                             std::string(eventTypeName(events[i].first)));
    }
    text += (i == 0 ? " (" : ", (") + std::string(kNewJobIdVariable) + ", " +
            std::to_string(i + 1) + ", ?, ?, ?, UTC_TIMESTAMP(3), " + kWriteIdVariable + ")";
  }
  text += ";";
  size_t changes = changesOf(events).size();
  if (changes > 0) text += " " + newJobChangesInsert(changes, kNewJobIdVariable) + ";";
  return text;
}

void bindOpeningEvents(Query& query, const std::vector<EventRecord>& events) {
  for (const auto& [type, payload] : events) {
    query.bind(eventTypeName(type)).bind(payload).bind(static_cast<int64_t>(payload.size()));
  }
  for (const auto& [seq, type] : changesOf(events)) query.bind(seq).bind(eventTypeName(type));
}

void noteOpeningEventsWritten(const std::string& jobId, const std::vector<EventRecord>& events) {
  if (!events.empty()) noteStampedRow({jobId, static_cast<int64_t>(events.size())});
}

}  // namespace rj
