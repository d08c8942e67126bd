#pragma once
// Job events with a per-job, gap-free sequence number.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "db/connection.h"
#include "events/event_type.h"
#include "events/job_event.h"
#include "jobs/job_status.h"

namespace rj {

// Appends inside the caller's open transaction: bumps the job's last_event_seq (which locks the
// job row until commit, so one job's events commit in seq order) and inserts the event with
// that seq. Returns the seq.
int64_t appendEvent(Connection& connection, const std::string& jobId, EventType type,
                    const std::string& payloadJson);

// One event for each of several jobs whose last_event_seq the caller has already advanced to
// `seq`, in its own UPDATE of their locked rows: inserts them with the metrics counters and the
// workspace changes appendEvent keeps, in a few statements whatever their number (a batch claim's
// job.started events). The rows are stamped with the write id, as appendEvent's.
struct NewJobEvent {
  std::string jobId;
  int64_t seq = 0;
  std::string payloadJson;
};
void insertEvents(Connection& connection, EventType type, const std::vector<NewJobEvent>& events);

// The job's events with seq > afterSeq, in seq order, at most `limit`, and no more than needed to
// pass `maxPayloadBytes` of payload (the first event always comes, whatever its size): a stream
// holds one bounded batch at a time, whatever the job's events weigh.
std::vector<JobEvent> readEventsAfter(Connection& connection, const std::string& jobId,
                                      int64_t afterSeq, int64_t limit,
                                      int64_t maxPayloadBytes = INT64_MAX);

// Where a job stands for its watchers: its status and the seq of its newest committed event.
// Both change in the transaction that appends the event, so one read sees them consistently.
struct JobEventMark {
  JobStatus status = JobStatus::Queued;
  int64_t lastEventSeq = 0;
};

// The marks of up to kMaxMarkedJobs jobs in one query; a job that does not exist is absent.
// A stream process polls all its watched jobs (up to RJ_STREAM_THREADS, 10,000 by default) with
// one such query per tick.
constexpr size_t kMaxMarkedJobs = 16384;
std::map<std::string, JobEventMark> readJobEventMarks(Connection& connection,
                                                      const std::vector<std::string>& jobIds);
// The marks of every job (of any workspace) written within the last `window`, by the database's
// clock: what a poller of many jobs reads each tick instead of all of them. A write whose COMMIT
// came later than `window` after its statement is not among them: a poller still reads every job
// now and then.
std::map<std::string, JobEventMark> readRecentJobEventMarks(Connection& connection,
                                                            std::chrono::milliseconds window);

}  // namespace rj
