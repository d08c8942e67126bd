#include "events/event_store.h"

#include <algorithm>
#include <stdexcept>

#include "db/padded_list.h"
#include "db/write_identity.h"
#include "events/workspace_change_store.h"
#include "operations/workspace_counters.h"
#include "util/time.h"

namespace rj {

int64_t appendEvent(Connection& connection, const std::string& jobId, EventType type,
                    const std::string& payloadJson) {
  // LAST_INSERT_ID(expr) hands the new seq to the INSERT on this connection without a read.
  int64_t updated = Query(connection,
                          "UPDATE runner_jobs SET last_event_seq = LAST_INSERT_ID(last_event_seq "
                          "+ 1), updated_at = UTC_TIMESTAMP(3), last_write_id = ? WHERE id = ?")
                        .bind(currentWriteId())
                        .bind(jobId)
                        .execute();
  if (updated != 1) throw std::runtime_error("appendEvent: job " + jobId + " does not exist");
  Query(connection,
        "INSERT INTO job_events (job_id, seq, type, payload, payload_bytes, created_at, write_id)"
        " VALUES (?, LAST_INSERT_ID(), ?, ?, ?, UTC_TIMESTAMP(3), ?)")
      .bind(jobId)
      .bind(eventTypeName(type))
      .bind(payloadJson)
      .bind(static_cast<int64_t>(payloadJson.size()))
      .bind(currentWriteId())
      .execute();
  auto rows = Query(connection, "SELECT LAST_INSERT_ID() AS seq").rows();
  rows->next();
  int64_t seq = rows->getInt64("seq");
  noteStampedRow({jobId, seq});
  countJobEvent(connection, jobId, type);  // metrics counters, in the same transaction
  // The workspace stream's row, last: its AUTO_INCREMENT id replaces LAST_INSERT_ID().
  recordWorkspaceChanges(connection, jobId, {{seq, type}});
  return seq;
}

void insertEvents(Connection& connection, EventType type, const std::vector<NewJobEvent>& events) {
  const std::optional<std::string> writeId = currentWriteId();
  // In chunks of power-of-two sizes (50: 32, 16, 2), so a handful of statement shapes serve
  // every batch size.
  for (size_t done = 0; done < events.size();) {
    size_t chunk = 1;
    while (chunk * 2 <= events.size() - done) chunk *= 2;
    std::string text =
        "INSERT INTO job_events (job_id, seq, type, payload, payload_bytes, created_at, write_id)"
        " VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(3), ?)";
    for (size_t i = 1; i < chunk; ++i) text += ", (?, ?, ?, ?, ?, UTC_TIMESTAMP(3), ?)";
    Query insert(connection, text);
    for (size_t i = done; i < done + chunk; ++i) {
      insert.bind(events[i].jobId)
          .bind(events[i].seq)
          .bind(eventTypeName(type))
          .bind(events[i].payloadJson)
          .bind(static_cast<int64_t>(events[i].payloadJson.size()))
          .bind(writeId);
    }
    insert.execute();
    done += chunk;
  }
  std::vector<std::string> jobIds;
  std::vector<JobEventKey> changes;
  for (const auto& event : events) {
    noteStampedRow({event.jobId, event.seq});
    jobIds.push_back(event.jobId);
    changes.push_back({event.jobId, event.seq, type});
  }
  countJobEvents(connection, jobIds, type);
  recordWorkspaceChanges(connection, changes);
}

std::vector<JobEvent> readEventsAfter(Connection& connection, const std::string& jobId,
                                      int64_t afterSeq, int64_t limit, int64_t maxPayloadBytes) {
  // The batch is chosen from the stored sizes alone; only the chosen payloads are read.
  auto rows = Query(connection,
                    "SELECT e.job_id, e.seq, e.type, e.payload, e.created_at FROM job_events e"
                    " JOIN (SELECT seq FROM (SELECT seq, SUM(payload_bytes) OVER (ORDER BY seq)"
                    " - payload_bytes AS bytes_before FROM (SELECT seq, payload_bytes"
                    " FROM job_events WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?) page)"
                    " running WHERE bytes_before < ?) chosen ON e.seq = chosen.seq"
                    " WHERE e.job_id = ? ORDER BY e.seq")
                  .bind(jobId)
                  .bind(afterSeq)
                  .bind(limit)
                  .bind(maxPayloadBytes)
                  .bind(jobId)
                  .rows();
  std::vector<JobEvent> events;
  while (rows->next()) {
    events.push_back({rows->getString("job_id"), rows->getInt64("seq"), rows->getString("type"),
                      rows->getString("payload"),
                      toIsoTimestamp(std::string(rows->getString("created_at")))});
  }
  return events;
}

namespace {
// Rows of (id, status, last_event_seq), keyed by id.
std::map<std::string, JobEventMark> marksOf(sql::ResultSet& rows) {
  std::map<std::string, JobEventMark> marks;
  while (rows.next()) {
    auto status = parseJobStatus(std::string(rows.getString("status")));
    marks[rows.getString("id")] = {status.value_or(JobStatus::Pending),
                                   rows.getInt64("last_event_seq")};
  }
  return marks;
}
}  // namespace

std::map<std::string, JobEventMark> readJobEventMarks(Connection& connection,
                                                      const std::vector<std::string>& jobIds) {
  if (jobIds.empty()) return {};
  if (jobIds.size() > kMaxMarkedJobs)
    throw std::invalid_argument("readJobEventMarks: too many jobs");
  const size_t slots = paddedSlots(jobIds.size(), 8);
  Query query(connection, "SELECT id, status, last_event_seq FROM runner_jobs WHERE id IN (" +
                              placeholderList(slots) + ")");
  for (size_t i = 0; i < slots; ++i) query.bind(paddedValue(jobIds, i));
  return marksOf(*query.rows());
}

std::map<std::string, JobEventMark> readRecentJobEventMarks(Connection& connection,
                                                            std::chrono::milliseconds window) {
  auto rows = Query(connection,
                    "SELECT id, status, last_event_seq FROM runner_jobs"
                    " WHERE updated_at >= UTC_TIMESTAMP(3) - INTERVAL ? MICROSECOND")
                  .bind(static_cast<int64_t>(window.count()) * 1000)
                  .rows();
  return marksOf(*rows);
}

}  // namespace rj
