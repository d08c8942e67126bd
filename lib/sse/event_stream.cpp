#include "sse/event_stream.h"

#include <malloc.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <atomic>
#include <cstdio>

#include "db/config.h"
#include "db/retry.h"
#include "jobs/job.h"
#include "jobs/job_change.h"
#include "json/json.h"
#include "sse/event_poller.h"
#include "sse/sse_format.h"
#include "util/concurrency_caps.h"

namespace rj {

namespace {

constexpr int64_t kReplayBatch = 500;
constexpr int64_t kTrimIntervalSeconds = 5;

std::string completeData(JobStatus status) {
  JsonWriter out;
  out.startObject().key("status").string(statusName(status)).endObject();
  return out.take();
}

}  // namespace

std::string streamErrorData(const StreamFailure& failure) {
  JsonWriter out;
  out.startObject()
      .key("message")
      .string(failure.message)
      .key("retryable")
      .boolean(failure.retryable)
      .endObject();
  return out.take();
}

void limitWriteTime(int fd, std::chrono::seconds timeout) {
  if (fd < 0) return;
  timeval limit{static_cast<time_t>(timeout.count()), 0};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
}

void endWithFailure(StreamWriter& out, const StreamFailure& failure) {
  out.write(sseControlEvent("error", streamErrorData(failure)));
  out.flush();
}

StreamSettings streamSettingsFromConfig() {
  StreamSettings settings;
  auto defaultSeconds = std::chrono::duration_cast<std::chrono::seconds>(settings.keepAlive);
  settings.keepAlive = std::chrono::seconds(
      integerSetting("RJ_STREAM_KEEPALIVE_SECONDS", defaultSeconds.count(), 1, 300));
  settings.writeTimeout = std::chrono::seconds(
      integerSetting("RJ_STREAM_WRITE_TIMEOUT_SECONDS", settings.writeTimeout.count(), 1, 600));
  settings.streamsPerUser =
      integerSetting("RJ_STREAMS_PER_USER", settings.streamsPerUser, 0, 1000000);
  settings.streamsPerWorkspace =
      integerSetting("RJ_STREAMS_PER_WORKSPACE", settings.streamsPerWorkspace, 0, 1000000);
  return settings;
}

int streamThreadCount() {
  return static_cast<int>(
      integerSetting("RJ_STREAM_THREADS", kDefaultStreamThreads, 1, kMaxStreamThreads));
}

void writeStreamsBusy(StreamWriter& out) {
  out.write(sseRetryHint(kBusyReconnectHintMilliseconds));
  endWithFailure(out, {"Too many open streams for this user or workspace; retrying later", true});
}

Response eventStreamHead() {
  Response response;
  response.headers = {{"Content-Type", "text/event-stream; charset=utf-8"},
                      {"Cache-Control", "no-cache"},
                      {"X-Accel-Buffering", "no"}};
  return response;
}

std::shared_ptr<ConcurrencyCaps::Slot> takeOpenStreamSlot(const std::string& userId,
                                                          const std::string& workspaceId,
                                                          const StreamSettings& settings) {
  // Job and workspace streams of a process count against the same caps.
  static ConcurrencyCaps openStreams;
  return openStreams.take({{"user:" + userId, settings.streamsPerUser},
                           {"workspace:" + workspaceId, settings.streamsPerWorkspace}});
}

void releaseStreamResources() {
  // A replay cut short keeps this thread's connection with buffers sized for its batches, and
  // the batches came from this thread's malloc arena: give both back, so the process shrinks
  // again after a burst of heavy streams. The next request on the thread reconnects.
  discardThreadConnection();
  // Trimming walks every arena and makes every thread's CPU drop its address mappings: with
  // thousands of streams ending at once (a crowd of browsers closing) one trim per stream kept
  // the process busy for minutes. Once every few seconds gives the memory back all the same.
  static std::atomic<int64_t> lastTrimSeconds{0};
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::steady_clock::now().time_since_epoch())
                    .count();
  int64_t last = lastTrimSeconds.load();
  if (now - last >= kTrimIntervalSeconds && lastTrimSeconds.compare_exchange_strong(last, now)) {
    malloc_trim(0);
  }
}

std::optional<int64_t> requestCursor(const Request& request) {
  auto lastEventId = request.header("Last-Event-ID");
  if (!lastEventId || lastEventId->empty()) lastEventId = request.queryValue("lastEventId");
  return parseLastEventId(lastEventId);
}

Response databaseUnavailableStream() {
  Response response = eventStreamHead();
  response.stream = [](StreamWriter& out) {
    out.write(sseRetryHint(kReconnectHintMilliseconds));
    endWithFailure(out, {"Database temporarily unavailable", true});
  };
  return response;
}

Response openEventStream(const std::string& userId, const std::string& tokenHash,
                         const std::string& workspaceId, StreamBody body) {
  Response response = eventStreamHead();
  StreamSettings settings = streamSettingsFromConfig();
  std::shared_ptr<ConcurrencyCaps::Slot> slot = takeOpenStreamSlot(userId, workspaceId, settings);
  if (!slot) {
    response.stream = [](StreamWriter& out) { writeStreamsBusy(out); };
    return response;
  }
  StreamCredential credential{tokenHash, workspaceId};
  response.stream = [body = std::move(body), settings, slot, credential](StreamWriter& out) {
    body(out, settings, credential);
    releaseStreamResources();
  };
  return response;
}

bool replayOrEnd(StreamWriter& out, const std::function<void()>& replay) {
  try {
    replay();
    return true;
  } catch (const TransientDatabaseError&) {
    endWithFailure(out, {"Database temporarily unavailable", true});
  } catch (const sql::SQLException& error) {
    std::fprintf(stderr, "runner-jobs: stream replay failed: %s\n", error.what());
    endWithFailure(out, {"Database error", false});
  }
  return false;
}

Response jobEventStream(const std::string& userId, const std::string& tokenHash,
                        const std::string& workspaceId, const std::string& jobId, int64_t cursor) {
  bool exists = withRetry([&](Connection& connection) {
    // A job created through another front end may not have reached this node yet: a miss is
    // read again causally before it is a 404.
    return loadJob(connection, jobId, workspaceId, JobLock::None).has_value() ||
           (connection.clusterNode() &&
            loadJob(connection, jobId, workspaceId, JobLock::None, Freshness::Causal).has_value());
  });
  if (!exists) throw jobNotFound(jobId);
  return openEventStream(userId, tokenHash, workspaceId,
                         [jobId, cursor](StreamWriter& out, const StreamSettings& settings,
                                         const StreamCredential& credential) {
                           writeJobEvents(out, jobId, cursor, settings, credential);
                         });
}

void writeJobEvents(StreamWriter& out, const std::string& jobId, int64_t cursor,
                    const StreamSettings& settings,
                    const std::optional<StreamCredential>& credential) {
  limitWriteTime(out.connectionFd(), settings.writeTimeout);
  out.write(sseRetryHint(kReconnectHintMilliseconds));
  if (!out.flush()) return;

  // Replay on this thread's own connection, in batches, until caught up.
  std::optional<JobEventMark> mark;
  bool writing = true;
  bool replayed = replayOrEnd(out, [&] {
    for (;;) {
      auto events = withRetry([&](Connection& connection) {
        return readEventsAfter(connection, jobId, cursor, kReplayBatch, kMaxPendingBytes);
      });
      size_t bytes = 0;
      for (const auto& event : events) {
        out.write(sseEvent(event));
        cursor = event.seq;
        bytes += event.payload.size();
      }
      if (!events.empty() && !out.flush()) {
        writing = false;
        return;
      }
      // A short batch within the byte budget is the end of what is stored.
      if (static_cast<int64_t>(events.size()) < kReplayBatch && bytes < kMaxPendingBytes) break;
    }
    auto marks =
        withRetry([&](Connection& connection) { return readJobEventMarks(connection, {jobId}); });
    if (!marks.empty()) mark = marks.begin()->second;
  });
  if (!replayed || !writing) return;
  if (!mark) {
    endWithFailure(out, {"Runner job " + jobId + " no longer exists", false});
    return;
  }
  if (isTerminal(mark->status) && cursor >= mark->lastEventSeq) {
    out.write(sseControlEvent("stream.complete", completeData(mark->status)));
    out.flush();
    return;
  }

  // A watching stream needs no connection of its own: the poller reads for all of them. The
  // next request on this thread opens a fresh one.
  discardThreadConnection();
  EventWatch watch(EventPoller::shared(), jobId, cursor, out.connectionFd(), credential);
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
