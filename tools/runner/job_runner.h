#pragma once
// Runs one claimed job: starts its command, streams its output as step.output events (batched,
// at a bounded rate), heartbeats, kills the command on cancellation or a lost lease, and reports
// the outcome (exit 0: complete with the last JSON line of stdout as result; else fail).
#include <atomic>
#include <chrono>
#include <string>

#include "api_client.h"
#include "config.h"

namespace rj::runner {

struct ClaimedJob {
  std::string id;
  std::string type;
  std::string data;  // serialised JSON object ("{}" when the job has none)
};

struct JobRunnerSettings {
  std::chrono::milliseconds heartbeatInterval{10000};
  std::chrono::milliseconds flushInterval{250};  // at most one output batch per interval
  size_t maxLinesPerEvent = 200;
  size_t maxEventsPerFlush = 4;
  size_t maxPendingLines = 5000;  // beyond this, lines are dropped (and counted)
  size_t maxLineBytes = 4096;     // longer lines are cut
  std::chrono::milliseconds stopGrace{8000};
};

// A command's exit status that asks for the job to be tried again (EX_TEMPFAIL).
constexpr int kTemporaryFailureStatus = 75;

enum class JobOutcome {
  Completed,   // reported COMPLETED
  Failed,      // reported FAILED
  Cancelled,   // cancelled by a user: the command was killed, nothing reported
  LeaseLost,   // the server no longer counts this runner as the job's holder
  TimedOut,    // the job passed its timeoutSeconds: the command was killed, nothing reported
  Released,    // the runner was stopped before the command ended: killed, the job given back
  Abandoned,   // as Released, but the release failed: the lease will requeue it
  Unreported,  // the outcome could not be delivered (server unreachable)
};

const char* outcomeName(JobOutcome outcome);

// Gives a claimed job back unfinished (POST .../release): true once the server took it back.
bool releaseJob(ApiClient& api, const std::string& jobId, const std::string& reason);

// `stopping` is the runner's SIGTERM flag: the command gets stopGrace to finish, then it is
// killed and the job released (back to QUEUED at once).
JobOutcome runJob(ApiClient& api, const ClaimedJob& job, const CommandLine& command,
                  const JobRunnerSettings& settings, const std::atomic<bool>& stopping);

}  // namespace rj::runner
