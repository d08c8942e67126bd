// The stream body writer (writeJobEvents) on a recording writer, without a web server; the
// database settings point at a socket that does not exist.
#include "sse/event_stream.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "sse/sse_format.h"
#include "support/fake_channel.h"

namespace rj {

namespace {

[[maybe_unused]] const bool kNoDatabase = [] {
  unsetenv("RJ_CONFIG");
  setenv("RJ_DB_SOCKET", "/nonexistent/runner-jobs-unit-test.sock", 1);
  return true;
}();

const std::string kJobId = "0b7e8a52-56ad-4f0e-9a49-6b1d3c1a2f10";

}  // namespace

TEST(EventStreamWriter, StartsWithTheReconnectHintAndFlushesIt) {
  test::RecordingStreamWriter out;
  out.hangUpAfterFlushes(0);
  writeJobEvents(out, kJobId, 0, StreamSettings{});
  EXPECT_EQ(out.written(), sseRetryHint(kReconnectHintMilliseconds));
  ASSERT_EQ(out.flushedAt().size(), 1u);
  EXPECT_EQ(out.flushedAt()[0], out.written().size());
}

TEST(EventStreamWriter, DatabaseTroubleEndsTheStreamWithARetryableError) {
  test::RecordingStreamWriter out;
  writeJobEvents(out, kJobId, 0, StreamSettings{});
  std::string hint = sseRetryHint(kReconnectHintMilliseconds);
  ASSERT_EQ(out.written().rfind(hint, 0), 0u) << out.written();
  std::string rest = out.written().substr(hint.size());
  EXPECT_NE(rest.find("event: error\n"), std::string::npos) << rest;
  EXPECT_NE(rest.find("\"message\":\"Database temporarily unavailable\""), std::string::npos)
      << rest;
  EXPECT_NE(rest.find("\"retryable\":true"), std::string::npos) << rest;
  EXPECT_EQ(out.flushedAt().back(), out.written().size());  // the error went out
}

TEST(EventStreamWriter, StreamOverItsCapSaysComeBackLaterAndEnds) {
  test::RecordingStreamWriter out;
  writeStreamsBusy(out);
  std::string hint = sseRetryHint(kBusyReconnectHintMilliseconds);
  ASSERT_EQ(out.written().rfind(hint, 0), 0u) << out.written();
  EXPECT_GE(kBusyReconnectHintMilliseconds, 5000);
  EXPECT_NE(out.written().find("event: error\n"), std::string::npos) << out.written();
  EXPECT_NE(out.written().find("\"retryable\":true"), std::string::npos) << out.written();
  EXPECT_EQ(out.written().find("id:"), std::string::npos) << out.written();
  EXPECT_EQ(out.flushedAt().back(), out.written().size());
}

}  // namespace rj
