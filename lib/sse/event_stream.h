#pragma once
// GET /api/runner-jobs/:id/events/stream as a long-lived response: the retry hint, a replay of
// the events after the client's cursor, then the live events the process's poller hands over,
// keep-alives while idle, and stream.complete once the job is terminal and everything is sent.
#include <chrono>
#include <cstdint>
#include <string>

#include "http/response.h"

namespace rj {

constexpr int kReconnectHintMilliseconds = 3000;

struct StreamSettings {
  std::chrono::milliseconds keepAlive{15000};
};

// RJ_STREAM_KEEPALIVE_SECONDS (1..300, default 15).
StreamSettings streamSettingsFromConfig();
// Serving threads of a stream process, each holding one live stream: RJ_STREAM_THREADS
// (1..4096, default 64).
int streamThreadCount();

// Checks, before any byte of the stream, that the job exists in the workspace (404 otherwise),
// then answers with the stream of its events after `cursor`.
Response jobEventStream(const std::string& workspaceId, const std::string& jobId, int64_t cursor);

// Writes the stream body (everything after the headers) until the job ends, the client goes
// away or the database fails.
void writeJobEvents(StreamWriter& out, const std::string& jobId, int64_t cursor,
                    const StreamSettings& settings);

}  // namespace rj
