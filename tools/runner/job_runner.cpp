#include "job_runner.h"

#include <cstdint>
#include <cstdio>
#include <optional>
#include <thread>

#include "child_process.h"
#include "errors/errors.h"
#include "events/event_type.h"
#include "json/json.h"
#include "output_buffer.h"
#include "runners/progress_line.h"

namespace rj::runner {

namespace {

using Clock = std::chrono::steady_clock;

void log(const std::string& message) {
  std::fprintf(stderr, "rj-runner: %s\n", message.c_str());
  std::fflush(stderr);
}

std::string eventBody(const std::string& type, const std::string& payload) {
  return R"({"type":")" + type + R"(","payload":)" + payload + "}";
}

bool isJsonDocument(const std::string& line) {
  size_t start = line.find_first_not_of(" \t");
  if (start == std::string::npos || (line[start] != '{' && line[start] != '[')) return false;
  // One level less than the server accepts: the result goes out inside {"result": ...}.
  rapidjson::Document document;
  return !parseJson(document, line, kMaxJsonDepth - 1);
}

bool cancelRequested(const ApiResponse& heartbeat) {
  if (heartbeat.status != 200) return false;
  rapidjson::Document document;
  if (parseJson(document, heartbeat.body) || !document.IsObject()) return false;
  auto member = document.FindMember("cancelRequested");
  return member != document.MemberEnd() && member->value.IsBool() && member->value.GetBool();
}

class JobSession {
 public:
  JobSession(ApiClient& api, const ClaimedJob& job, const JobRunnerSettings& settings)
      : api_(api), job_(job), settings_(settings), output_(settings) {}

  // A job call; remembers when the server says the lease is gone (409) or the job unknown (404).
  ApiResponse call(const std::string& action, const std::string& body) {
    ApiResponse response = api_.post("/api/runner/jobs/" + job_.id + "/" + action, body, 30);
    if (response.status == 409 || response.status == 404) leaseGone_ = true;
    if (response.errorCode() == errorCodeName(ErrorCode::JobCancelled)) cancelled_ = true;
    if (response.errorCode() == errorCodeName(ErrorCode::JobTimedOut)) timedOut_ = true;
    if (response.status == 0 || response.status >= 400) {
      log("job " + job_.id + " " + action + ": " +
          (response.status ? std::to_string(response.status) + " " + response.body
                           : response.failure));
    }
    return response;
  }

  // Sends buffered output; keeps it for the next try when the server cannot be reached.
  // At most maxEventsPerFlush events, so the event rate stays bounded however chatty the command.
  void flushOutput(size_t maxEvents) {
    for (size_t sent = 0; sent < maxEvents && !output_.empty() && !leaseGone_; ++sent) {
      PendingEvent event = output_.next();
      ApiResponse response = call("events", eventBody(event.type, event.payload));
      if (response.retryable()) return;
      output_.drop(event.count);  // sent, or refused for good
    }
  }

  // Delivers complete/fail, retrying while the server is unreachable for up to about a minute.
  bool report(const std::string& action, const std::string& body) {
    auto delay = std::chrono::milliseconds(500);
    for (int attempt = 0; attempt < 12; ++attempt) {
      ApiResponse response = call(action, body);
      if (response.status == 200) return true;
      if (!response.retryable()) return false;
      std::this_thread::sleep_for(delay);
      delay = std::min(delay * 2, std::chrono::milliseconds(8000));
    }
    return false;
  }

  JobOutcome run(const CommandLine& command, const std::atomic<bool>& stopping) {
    JsonWriter started;
    started.startObject().key("ordinal").integer(kStepOrdinal).key("name").string(job_.type);
    started.endObject();
    call("events", eventBody(eventTypeName(EventType::StepStarted), started.take()));
    std::optional<ChildProcess> process;
    try {
      process.emplace(command, job_.data);
    } catch (const std::exception& error) {
      // No pipe, no fork or no such program: the job fails now rather than wait out its lease.
      std::string reason = "could not start the command " + command.front() + ": " + error.what();
      log("job " + job_.id + ": " + reason);
      return fail(reason);
    }
    ChildProcess& child = *process;
    log("job " + job_.id + " (" + job_.type + ") started, pid " + std::to_string(child.pid()));
    std::optional<std::string> lastJson;
    std::string lastError;
    auto collect = [&](OutputStream stream, const std::string& line) {
      if (stream == OutputStream::Stdout) {
        if (auto percent = progressLinePercent(line)) {
          output_.addProgress(*percent);
          return;
        }
        if (isJsonDocument(line)) lastJson = line;
      }
      if (stream == OutputStream::Stderr && !line.empty()) lastError = line;
      output_.add(stream, line);
    };
    Clock::time_point nextHeartbeat = Clock::now() + settings_.heartbeatInterval;
    Clock::time_point nextFlush = Clock::now() + settings_.flushInterval;
    std::optional<Clock::time_point> stopDeadline;
    std::optional<JobOutcome> interrupted;
    while (!child.finished()) {
      child.pump(std::chrono::milliseconds(50), collect);
      Clock::time_point now = Clock::now();
      if (now >= nextFlush) {
        flushOutput(settings_.maxEventsPerFlush);
        nextFlush = now + settings_.flushInterval;
      }
      if (!interrupted && now >= nextHeartbeat) {
        ApiResponse beat = call("heartbeat", "{}");
        nextHeartbeat = now + settings_.heartbeatInterval;
        if (cancelRequested(beat)) {
          log("job " + job_.id + " was cancelled: killing pid " + std::to_string(child.pid()));
          interrupted = JobOutcome::Cancelled;
        }
      }
      if (!interrupted && cancelled_) {
        log("job " + job_.id + " was cancelled: killing pid " + std::to_string(child.pid()));
        interrupted = JobOutcome::Cancelled;
      }
      if (!interrupted && timedOut_) {
        log("job " + job_.id + " timed out: killing pid " + std::to_string(child.pid()));
        interrupted = JobOutcome::TimedOut;
      }
      if (!interrupted && leaseGone_) {
        log("job " + job_.id + ": lease lost, killing pid " + std::to_string(child.pid()));
        interrupted = JobOutcome::LeaseLost;
      }
      if (!interrupted && stopping && !stopDeadline) stopDeadline = now + settings_.stopGrace;
      if (!interrupted && stopDeadline && now >= *stopDeadline) {
        log("job " + job_.id + ": stopping, killing pid " + std::to_string(child.pid()) +
            " and releasing the job");
        interrupted = JobOutcome::Abandoned;
      }
      if (interrupted) child.terminate();
    }
    if (interrupted == JobOutcome::Abandoned) {
      // The command is gone: its last output, then the job back to the queue for another runner
      // (else it waits out its lease).
      flushOutput(SIZE_MAX);
      if (!leaseGone_ && releaseJob(api_, job_.id, "runner stopped before the command finished")) {
        return JobOutcome::Released;
      }
    }
    if (interrupted) return *interrupted;
    flushOutput(SIZE_MAX);
    if (child.succeeded()) {
      JsonWriter step;
      step.startObject().key("ordinal").integer(kStepOrdinal).endObject();
      call("events", eventBody(eventTypeName(EventType::StepCompleted), step.take()));
      JsonWriter body;
      body.startObject();
      if (lastJson) body.key("result").raw(*lastJson);
      body.endObject();
      if (!report("complete", body.take()))
        return leaseGone_ ? JobOutcome::LeaseLost : JobOutcome::Unreported;
      return JobOutcome::Completed;
    }
    std::string error = child.describeExit();
    if (!lastError.empty()) error += ": " + lastError.substr(0, 1000);
    // EX_TEMPFAIL (sysexits.h): the command says try again later.
    return fail(error, child.exitedWith(kTemporaryFailureStatus));
  }

  // Marks the step failed and reports the job failed with `error` (to be tried again after its
  // backoff when `retryable` and attempts are left).
  JobOutcome fail(const std::string& error, bool retryable = false) {
    JsonWriter step;
    step.startObject().key("ordinal").integer(kStepOrdinal).endObject();
    call("events", eventBody(eventTypeName(EventType::StepFailed), step.take()));
    JsonWriter body;
    body.startObject().key("error").string(error);
    if (retryable) body.key("retryable").boolean(true);
    body.endObject();
    if (!report("fail", body.take()))
      return leaseGone_ ? JobOutcome::LeaseLost : JobOutcome::Unreported;
    return JobOutcome::Failed;
  }

 private:
  ApiClient& api_;
  const ClaimedJob& job_;
  const JobRunnerSettings& settings_;
  OutputBuffer output_;
  bool leaseGone_ = false;
  bool cancelled_ = false;
  bool timedOut_ = false;
};

}  // namespace

const char* outcomeName(JobOutcome outcome) {
  switch (outcome) {
    case JobOutcome::Completed:
      return "completed";
    case JobOutcome::Failed:
      return "failed";
    case JobOutcome::Cancelled:
      return "cancelled";
    case JobOutcome::LeaseLost:
      return "lease lost";
    case JobOutcome::TimedOut:
      return "timed out";
    case JobOutcome::Released:
      return "released";
    case JobOutcome::Abandoned:
      return "abandoned";
    case JobOutcome::Unreported:
      return "unreported";
  }
  return "?";
}

bool releaseJob(ApiClient& api, const std::string& jobId, const std::string& reason) {
  JsonWriter body;
  body.startObject().key("reason").string(reason).endObject();
  // One short try: a runner that is stopping must not hang; the lease is the fallback.
  ApiResponse response = api.post("/api/runner/jobs/" + jobId + "/release", body.take(), 5);
  if (response.status == 200) {
    log("job " + jobId + " released: " + reason);
    return true;
  }
  log("job " + jobId + " release: " +
      (response.status ? std::to_string(response.status) + " " + response.body : response.failure) +
      "; its lease will requeue it");
  return false;
}

JobOutcome runJob(ApiClient& api, const ClaimedJob& job, const CommandLine& command,
                  const JobRunnerSettings& settings, const std::atomic<bool>& stopping) {
  return JobSession(api, job, settings).run(command, stopping);
}

}  // namespace rj::runner
