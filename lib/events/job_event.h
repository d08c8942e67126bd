#pragma once
// One event of a job's log, as stored and as clients see it. Pure: no database.
#include <cstdint>
#include <string>

namespace rj {

struct JobEvent {
  std::string jobId;
  int64_t seq = 0;
  std::string type;
  std::string payload;  // serialised JSON object
  std::string timestamp;
};

// The event as clients see it: its payload plus jobId, seq, type and timestamp, on one line.
std::string eventData(const JobEvent& event);

}  // namespace rj
