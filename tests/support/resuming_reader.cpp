#include "support/resuming_reader.h"

#include <gtest/gtest.h>

#include <thread>

namespace rj::test {

void ResumingReader::run(const std::function<std::string()>& url,
                         const std::vector<std::string>& headers, int hangUpAfter, int cuts,
                         std::chrono::steady_clock::duration limit) {
  using Clock = std::chrono::steady_clock;
  auto until = Clock::now() + limit;
  std::optional<std::string> lastId;
  while (!completedWith && Clock::now() < until) {
    auto connectionHeaders = headers;
    if (lastId) connectionHeaders.push_back("Last-Event-ID: " + *lastId);
    bool cutThisTime = cuts > 0;
    auto session = readSse(
        url(), connectionHeaders,
        [&](const SseSession& current) {
          if (current.events.empty()) return true;
          const SseEvent& event = current.events.back();
          if (event.type == "stream.complete" || event.type == "error") return true;
          return !(cutThisTime && current.events.size() >= size_t(hangUpAfter));
        },
        std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()));
    ++connections;
    if (session.status != 200) {
      // Refused (503 while the database is down): try again shortly, like a reconnect would.
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      continue;
    }
    for (const auto& event : session.events) {
      if (event.type == "stream.complete") {
        completedWith = event.data;
      } else if (event.type == "error") {
        EXPECT_NE(event.data.find(R"("retryable":true)"), std::string::npos) << event.data;
        ++retryableErrors;
      } else {
        events.push_back(event);
        lastId = event.id;
      }
    }
    if (!session.ended && cutThisTime) --cuts;
    // Like EventSource: after the server ended the stream, wait for the retry hint; after
    // hanging up itself, the client comes straight back.
    if (!completedWith && session.ended) {
      std::this_thread::sleep_for(
          std::chrono::milliseconds(session.retryMilliseconds.value_or(3000)));
    }
  }
}

WriterOutputs writerOutputs(const std::vector<SseEvent>& events) {
  WriterOutputs outputs;
  for (const auto& event : events) {
    if (event.type != "step.output") continue;
    ++outputs.count;
    size_t at = event.data.find("\"writer\":");
    outputs.distinct.insert(event.data.substr(at, event.data.find('}', at) - at));
  }
  return outputs;
}

std::vector<int64_t> sequenceNumbers(const std::vector<SseEvent>& events) {
  std::vector<int64_t> seqs;
  for (const auto& event : events) {
    if (event.id) seqs.push_back(std::stoll(*event.id));
  }
  return seqs;
}

}  // namespace rj::test
