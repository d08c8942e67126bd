// SSE framing and the resume cursor.
#include <gtest/gtest.h>

#include "errors/errors.h"
#include "sse/sse_format.h"

namespace rj {

TEST(SseFormat, EventHasIdTypeAndOneDataLine) {
  JobEvent event{"0b5c7e5e-6a43-4c1e-9d0a-5f0f6f4f1d11", 7, "step.output", R"({"line":"a\nb"})",
                 "2026-11-24T12:00:00.000Z"};
  std::string text = sseEvent(event);
  EXPECT_EQ(text.rfind("id: 7\nevent: step.output\ndata: {", 0), 0u) << text;
  EXPECT_EQ(text.substr(text.size() - 2), "\n\n");
  // The payload's newline stays escaped inside the JSON: one data line per event.
  std::string data = text.substr(text.find("data: ") + 6);
  EXPECT_EQ(data.find('\n'), data.size() - 2);
  EXPECT_NE(data.find(R"("line":"a\nb")"), std::string::npos);
  EXPECT_NE(data.find(R"("seq":7)"), std::string::npos);
}

TEST(SseFormat, ControlEventsCarryNoId) {
  std::string text = sseControlEvent("stream.complete", R"({"status":"COMPLETED"})");
  EXPECT_EQ(text, "event: stream.complete\ndata: {\"status\":\"COMPLETED\"}\n\n");
  EXPECT_EQ(sseRetryHint(3000), "retry: 3000\n\n");
  EXPECT_EQ(sseKeepAlive(), ": keep-alive\n\n");
}

TEST(LastEventId, AbsentOrEmptyMeansFromTheStart) {
  EXPECT_FALSE(parseLastEventId(std::nullopt).has_value());
  EXPECT_FALSE(parseLastEventId(std::string()).has_value());
}

TEST(LastEventId, NonNegativeIntegersAreCursors) {
  EXPECT_EQ(parseLastEventId(std::string("0")), 0);
  EXPECT_EQ(parseLastEventId(std::string("42")), 42);
  EXPECT_EQ(parseLastEventId(std::string("4294967295")), 4294967295LL);
}

TEST(LastEventId, AnythingElseIs400) {
  for (const char* bad : {"abc", "-1", "1.5", " 3", "3 ", "+3", "1e3", "0x10",
                          "1234567890123456789", "1; DROP TABLE job_events"}) {
    try {
      parseLastEventId(std::string(bad));
      ADD_FAILURE() << "accepted " << bad;
    } catch (const HttpError& error) {
      EXPECT_EQ(error.status(), 400) << bad;
    }
  }
}

}  // namespace rj
