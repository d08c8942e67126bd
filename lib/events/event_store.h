#pragma once
// Job events with a per-job, gap-free sequence number.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "db/connection.h"
#include "events/job_event.h"

namespace rj {

// Appends inside the caller's open transaction: bumps the job's last_event_seq (which locks the
// job row until commit, so one job's events commit in seq order) and inserts the event with
// that seq. Returns the seq.
int64_t appendEvent(Connection& connection, const std::string& jobId, const std::string& type,
                    const std::string& payloadJson);

// The job's events with seq > afterSeq, in seq order, at most `limit`.
std::vector<JobEvent> readEventsAfter(Connection& connection, const std::string& jobId,
                                      int64_t afterSeq, int64_t limit);

// Where a job stands for its watchers: its status and the seq of its newest committed event.
// Both change in the transaction that appends the event, so one read sees them consistently.
struct JobEventMark {
  std::string status;
  int64_t lastEventSeq = 0;
};

// The marks of up to kMaxMarkedJobs jobs in one query; a job that does not exist is absent.
constexpr size_t kMaxMarkedJobs = 1024;
std::map<std::string, JobEventMark> readJobEventMarks(Connection& connection,
                                                      const std::vector<std::string>& jobIds);

}  // namespace rj
