#pragma once
// Reads a job's whole event stream like EventSource does: after an end without stream.complete,
// waits for the retry hint and reconnects with the last id. `hangUpAfter` makes the client cut
// the connection itself after that many events of a connection, `cuts` times.
#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "support/sse_client.h"

namespace rj::test {

struct ResumingReader {
  std::vector<SseEvent> events;  // every event received, in order, control events excluded
  int connections = 0;
  int retryableErrors = 0;
  std::optional<std::string> completedWith;

  // `url` is asked for each connection (a cluster's reader may change front ends); `headers`
  // are sent with every connection, plus Last-Event-ID from the second on.
  void run(const std::function<std::string()>& url, const std::vector<std::string>& headers,
           int hangUpAfter, int cuts, std::chrono::steady_clock::duration limit);
};

// The ids of the events, as numbers (events without an id are skipped).
std::vector<int64_t> sequenceNumbers(const std::vector<SseEvent>& events);

// The step.output events of writers that tag their payloads {"writer": W, "n": N}: how many
// arrived, and the distinct tags among them (fewer than `count` when one arrived twice).
struct WriterOutputs {
  size_t count = 0;
  std::set<std::string> distinct;
};
WriterOutputs writerOutputs(const std::vector<SseEvent>& events);

}  // namespace rj::test
