#include "sse/event_stream.h"

#include <algorithm>
#include <cstdio>

#include "db/config.h"
#include "db/retry.h"
#include "jobs/job.h"
#include "jobs/job_change.h"
#include "json/json.h"
#include "sse/event_poller.h"
#include "sse/sse_format.h"

namespace rj {

namespace {

constexpr int64_t kReplayBatch = 500;

std::string completeData(JobStatus status) {
  JsonWriter out;
  out.startObject().key("status").string(statusName(status)).endObject();
  return out.take();
}

std::string errorData(const StreamFailure& failure) {
  JsonWriter out;
  out.startObject()
      .key("message")
      .string(failure.message)
      .key("retryable")
      .boolean(failure.retryable)
      .endObject();
  return out.take();
}

void endWithFailure(StreamWriter& out, const StreamFailure& failure) {
  out.write(sseControlEvent("error", errorData(failure)));
  out.flush();
}

}  // namespace

StreamSettings streamSettingsFromConfig() {
  StreamSettings settings;
  auto defaultSeconds = std::chrono::duration_cast<std::chrono::seconds>(settings.keepAlive);
  settings.keepAlive = std::chrono::seconds(
      integerSetting("RJ_STREAM_KEEPALIVE_SECONDS", defaultSeconds.count(), 1, 300));
  return settings;
}

int streamThreadCount() {
  return static_cast<int>(integerSetting("RJ_STREAM_THREADS", 64, 1, 4096));
}

Response jobEventStream(const std::string& workspaceId, const std::string& jobId, int64_t cursor) {
  bool exists = withRetry([&](Connection& connection) {
    return loadJob(connection, jobId, workspaceId, JobLock::None).has_value();
  });
  if (!exists) throw jobNotFound(jobId);
  Response response;
  response.headers = {{"Content-Type", "text/event-stream; charset=utf-8"},
                      {"Cache-Control", "no-cache"},
                      {"X-Accel-Buffering", "no"}};
  StreamSettings settings = streamSettingsFromConfig();
  response.stream = [jobId, cursor, settings](StreamWriter& out) {
    writeJobEvents(out, jobId, cursor, settings);
  };
  return response;
}

void writeJobEvents(StreamWriter& out, const std::string& jobId, int64_t cursor,
                    const StreamSettings& settings) {
  out.write(sseRetryHint(kReconnectHintMilliseconds));
  if (!out.flush()) return;

  // Replay on this thread's own connection, in batches, until caught up.
  JobEventMark mark;
  try {
    for (;;) {
      auto events = withRetry([&](Connection& connection) {
        return readEventsAfter(connection, jobId, cursor, kReplayBatch);
      });
      for (const auto& event : events) {
        out.write(sseEvent(event));
        cursor = event.seq;
      }
      if (!events.empty() && !out.flush()) return;
      if (static_cast<int64_t>(events.size()) < kReplayBatch) break;
    }
    auto marks =
        withRetry([&](Connection& connection) { return readJobEventMarks(connection, {jobId}); });
    if (marks.empty()) {
      endWithFailure(out, {"Runner job " + jobId + " no longer exists", false});
      return;
    }
    mark = marks.begin()->second;
  } catch (const TransientDatabaseError&) {
    endWithFailure(out, {"Database temporarily unavailable", true});
    return;
  } catch (const sql::SQLException& error) {
    std::fprintf(stderr, "runner-jobs: stream replay failed: %s\n", error.what());
    endWithFailure(out, {"Database error", false});
    return;
  }
  if (isTerminal(mark.status) && cursor >= mark.lastEventSeq) {
    out.write(sseControlEvent("stream.complete", completeData(mark.status)));
    out.flush();
    return;
  }

  // A watching stream needs no connection of its own: the poller reads for all of them. The
  // next request on this thread opens a fresh one.
  discardThreadConnection();
  EventWatch watch(EventPoller::shared(), jobId, cursor, out.connectionFd());
  for (;;) {
    StreamBatch batch = watch->next(std::chrono::steady_clock::now() + settings.keepAlive);
    if (batch.clientGone) return;
    for (const auto& event : batch.events) out.write(sseEvent(event));
    if (batch.failure) {
      endWithFailure(out, *batch.failure);
      return;
    }
    if (batch.completedStatus) {
      out.write(sseControlEvent("stream.complete", completeData(*batch.completedStatus)));
      out.flush();
      return;
    }
    if (batch.timedOut) out.write(sseKeepAlive());
    // A client that went away shows here, at the latest with the next keep-alive.
    if (!out.flush()) return;
  }
}

}  // namespace rj
