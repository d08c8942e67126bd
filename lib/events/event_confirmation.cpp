#include "events/event_confirmation.h"

#include "db/padded_list.h"
#include "db/write_identity.h"
#include "util/log.h"

namespace rj {

namespace {
constexpr int kDeadlockCode = 1213;
}  // namespace

void confirmEventsKept(Connection& connection) {
  std::vector<StampedRow> events = takeStampedRows();
  if (events.empty() || !connection.clusterNode()) return;
  const size_t slots = paddedSlots(events.size());
  const std::string text = "SELECT COUNT(*) AS kept FROM job_events WHERE write_id = ? AND (" +
                           placeholderList(slots, "(job_id = ? AND seq = ?)", " OR ") + ")";
  int64_t kept = 0;
  try {
    Query query(connection, causalRead(connection, text));
    query.bind(currentWriteId());
    for (size_t i = 0; i < slots; ++i) {
      query.bind(paddedValue(events, i).id).bind(paddedValue(events, i).seq);
    }
    auto rows = query.rows();
    rows->next();
    kept = rows->getInt64("kept");
  } catch (const sql::SQLException&) {
    // The commit may well be kept: the next attempt looks for it by its write id, as after a
    // COMMIT whose answer was lost.
    noteCommitOutcomeUnknown();
    throw;
  }
  if (kept == static_cast<int64_t>(events.size())) return;
  // Rare and worth an operator's eye (docs/SCALE.md): one line each time it happens.
  logLine("the cluster acknowledged a COMMIT without keeping it (job " + events.front().id +
          ", seq " + std::to_string(events.front().seq) + "); running the write again");
  throw sql::SQLException(
      "the cluster acknowledged a COMMIT but does not hold its events; running the write again",
      "40001", kDeadlockCode);
}

}  // namespace rj
