#pragma once
// Job events with a per-job, gap-free sequence number.
#include <cstdint>
#include <string>
#include <vector>

#include "db/connection.h"

namespace rj {

struct JobEvent {
  std::string jobId;
  int64_t seq = 0;
  std::string type;
  std::string payload;  // serialised JSON object
  std::string timestamp;
};

// Appends inside the caller's open transaction: bumps the job's last_event_seq (which locks the
// job row until commit, so one job's events commit in seq order) and inserts the event with
// that seq. Returns the seq.
int64_t appendEvent(Connection& connection, const std::string& jobId, const std::string& type,
                    const std::string& payloadJson);

// The job's events with seq > afterSeq, in seq order, at most `limit`.
std::vector<JobEvent> readEventsAfter(Connection& connection, const std::string& jobId,
                                      int64_t afterSeq, int64_t limit);

// The event as clients see it: its payload plus jobId, seq, type and timestamp, on one line.
std::string eventData(const JobEvent& event);

}  // namespace rj
