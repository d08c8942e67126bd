#pragma once
// GET /api/runner-jobs/:id/events/stream as a long-lived response: the retry hint, a replay of
// the events after the client's cursor, then the live events the process's poller hands over,
// keep-alives while idle, and stream.complete once the job is terminal and everything is sent.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "http/request.h"
#include "http/response.h"
#include "sse/event_poller.h"
#include "util/concurrency_caps.h"

namespace rj {

constexpr int kReconnectHintMilliseconds = 3000;
// The retry hint of a stream refused for being over its cap: come back later, not at once.
constexpr int kBusyReconnectHintMilliseconds = 10000;

struct StreamSettings {
  std::chrono::milliseconds keepAlive{15000};
  // A client that takes no bytes for this long (its buffers full) is cut off.
  std::chrono::seconds writeTimeout{30};
  // Open streams of one process per user (all their tokens and sessions) and per workspace.
  int64_t streamsPerUser = 8;
  int64_t streamsPerWorkspace = 32;
};

// RJ_STREAM_KEEPALIVE_SECONDS (1..300, default 15), RJ_STREAM_WRITE_TIMEOUT_SECONDS (1..600,
// default 30), RJ_STREAMS_PER_USER (0 = no cap, default 8), RJ_STREAMS_PER_WORKSPACE (0 = no cap,
// default 32).
StreamSettings streamSettingsFromConfig();
// Serving threads of a stream process at most, each holding one live stream: RJ_STREAM_THREADS
// (1..kMaxStreamThreads, default kDefaultStreamThreads). The pool grows with its streams.
constexpr int64_t kDefaultStreamThreads = 10000;
constexpr int64_t kMaxStreamThreads = 32768;
int streamThreadCount();

// Checks, before any byte of the stream, that the job exists in the workspace (404 otherwise),
// then answers with the stream of its events after `cursor`. A user or workspace at its cap of
// open streams gets a stream that only says to come back later (a 4xx/5xx would make
// EventSource give up for good).
// The stream ends (not retryable) once the token is no longer live or its user no longer a member
// of the workspace (checked by the poller, every RJ_STREAM_CREDENTIAL_CHECK_SECONDS).
Response jobEventStream(const std::string& userId, const std::string& tokenHash,
                        const std::string& workspaceId, const std::string& jobId, int64_t cursor);

// Parts every stream (a job's, a workspace's) is made of.
// The stream's headers: text/event-stream, no caching, no proxy buffering.
Response eventStreamHead();
// A slot among the process's open streams, or null when the user or workspace is at its cap.
std::shared_ptr<ConcurrencyCaps::Slot> takeOpenStreamSlot(const std::string& userId,
                                                          const std::string& workspaceId,
                                                          const StreamSettings& settings);
// A write to a client that stopped reading blocks once the buffers between are full; past the
// timeout it fails and the stream ends, freeing its thread. (Not a socket under plain CGI: then
// the web server's own timeouts apply.)
void limitWriteTime(int fd, std::chrono::seconds timeout);
// `event: error` with {"message", "retryable"}, flushed: the stream's last words.
std::string streamErrorData(const StreamFailure& failure);
void endWithFailure(StreamWriter& out, const StreamFailure& failure);
// After a stream: gives back the thread's connection and malloc arena.
void releaseStreamResources();
// The body of a stream that got its slot, for the user's live credential.
using StreamBody =
    std::function<void(StreamWriter& out, const StreamSettings&, const StreamCredential&)>;
// A stream response: past the caps of open streams the body says to come back later (a 4xx/5xx
// would make EventSource give up for good); otherwise `body` writes the stream, and then the
// thread gives back its connection and malloc arena.
Response openEventStream(const std::string& userId, const std::string& tokenHash,
                         const std::string& workspaceId, StreamBody body);
// Runs a replay; database trouble ends the stream with the matching error event (retryable for a
// transient failure) and false.
bool replayOrEnd(StreamWriter& out, const std::function<void()>& replay);

// The resume cursor: Last-Event-ID when present and not empty, else the lastEventId query
// parameter; 400 when malformed.
std::optional<int64_t> requestCursor(const Request& request);

// The whole body of a stream refused for its cap: a long retry hint and a retryable error event.
void writeStreamsBusy(StreamWriter& out);

// A stream whose guards met database trouble before its first byte: 200 with the retry hint and
// a retryable error event, then the end.
Response databaseUnavailableStream();

// Writes the stream body (everything after the headers) until the job ends, the client goes
// away or the database fails.
void writeJobEvents(StreamWriter& out, const std::string& jobId, int64_t cursor,
                    const StreamSettings& settings,
                    const std::optional<StreamCredential>& credential = std::nullopt);

}  // namespace rj
