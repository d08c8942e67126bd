#pragma once
// A Server-Sent Events client for the end-to-end suites: reads a stream through libcurl and parses
// it into events, so a test can stop after any event (a client that hangs up) and resume with
// Last-Event-ID like a browser does.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rj::test {

struct SseEvent {
  std::optional<std::string> id;
  std::string type = "message";
  std::string data;
};

struct SseSession {
  long status = 0;                             // HTTP status of the answer
  std::map<std::string, std::string> headers;  // lower-case names
  std::string raw;                             // every byte received
  std::vector<SseEvent> events;
  std::optional<long> retryMilliseconds;  // the last retry: field
  int comments = 0;                       // ": ..." lines (keep-alives)
  bool ended = false;                     // the server ended the stream
};

// Called after each parsed event and comment (and once after the first bytes); return false to
// hang up.
using SseListener = std::function<bool(const SseSession&)>;

// GETs `url` with the given header lines until the server ends, the listener hangs up or
// `timeout` passes.
SseSession readSse(const std::string& url, const std::vector<std::string>& headers,
                   const SseListener& listener, std::chrono::milliseconds timeout);

}  // namespace rj::test
