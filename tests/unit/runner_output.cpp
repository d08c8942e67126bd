// rj-runner's output buffer: batching of output lines into step.output events, the cap on
// waiting lines, and progress reports in order with the output around them.
#include <gtest/gtest.h>

#include "json/json.h"
#include "output_buffer.h"

namespace rj::runner {
namespace {

// The lines of a step.output payload.
std::vector<std::string> linesOf(const PendingEvent& event) {
  EXPECT_EQ(event.type, "step.output");
  auto payload = parseJsonBody(event.payload);
  std::vector<std::string> lines;
  for (const auto& line : payload["lines"].GetArray()) lines.push_back(line.GetString());
  return lines;
}

std::string streamOf(const PendingEvent& event) {
  return parseJsonBody(event.payload)["stream"].GetString();
}

// Takes the next event out, as the runner does once it is sent.
PendingEvent take(OutputBuffer& buffer) {
  PendingEvent event = buffer.next();
  buffer.drop(event.count);
  return event;
}

TEST(RunnerOutput, LinesOfOneStreamGoInOneEvent) {
  JobRunnerSettings settings;
  OutputBuffer buffer(settings);
  EXPECT_TRUE(buffer.empty());
  buffer.add(OutputStream::Stdout, "one");
  buffer.add(OutputStream::Stdout, "two");
  PendingEvent event = buffer.next();
  EXPECT_EQ(event.payload, R"({"ordinal":1,"stream":"stdout","lines":["one","two"]})");
  EXPECT_EQ(event.count, 2u);
  // Not taken out until sent: a failed send tries the same event again.
  EXPECT_EQ(buffer.next().payload, event.payload);
  buffer.drop(event.count);
  EXPECT_TRUE(buffer.empty());
}

TEST(RunnerOutput, AnotherStreamStartsAnotherEvent) {
  JobRunnerSettings settings;
  OutputBuffer buffer(settings);
  buffer.add(OutputStream::Stdout, "out 1");
  buffer.add(OutputStream::Stderr, "err 1");
  buffer.add(OutputStream::Stdout, "out 2");
  PendingEvent first = take(buffer);
  EXPECT_EQ(streamOf(first), "stdout");
  EXPECT_EQ(linesOf(first), (std::vector<std::string>{"out 1"}));
  PendingEvent second = take(buffer);
  EXPECT_EQ(streamOf(second), "stderr");
  EXPECT_EQ(linesOf(second), (std::vector<std::string>{"err 1"}));
  EXPECT_EQ(linesOf(take(buffer)), (std::vector<std::string>{"out 2"}));
  EXPECT_TRUE(buffer.empty());
}

TEST(RunnerOutput, AtMost200LinesAnEvent) {
  JobRunnerSettings settings;
  ASSERT_EQ(settings.maxLinesPerEvent, 200u);
  OutputBuffer buffer(settings);
  for (int i = 0; i < 450; ++i) buffer.add(OutputStream::Stdout, "line " + std::to_string(i));
  auto first = linesOf(take(buffer));
  ASSERT_EQ(first.size(), 200u);
  EXPECT_EQ(first.front(), "line 0");
  EXPECT_EQ(first.back(), "line 199");
  auto second = linesOf(take(buffer));
  ASSERT_EQ(second.size(), 200u);
  EXPECT_EQ(second.front(), "line 200");
  auto third = linesOf(take(buffer));
  ASSERT_EQ(third.size(), 50u);
  EXPECT_EQ(third.back(), "line 449");
  EXPECT_TRUE(buffer.empty());
}

TEST(RunnerOutput, Past5000WaitingLinesTheRestIsCountedAndDropped) {
  JobRunnerSettings settings;
  ASSERT_EQ(settings.maxPendingLines, 5000u);
  OutputBuffer buffer(settings);
  for (int i = 0; i < 5123; ++i) buffer.add(OutputStream::Stdout, std::to_string(i));
  size_t sent = 0;
  std::string lastLine;
  while (true) {
    PendingEvent event = take(buffer);
    auto lines = linesOf(event);
    if (streamOf(event) == "stderr") {
      EXPECT_EQ(lines, (std::vector<std::string>{"[rj-runner: 123 lines dropped]"}));
      break;
    }
    EXPECT_LE(lines.size(), 200u);
    sent += lines.size();
    lastLine = lines.back();
  }
  EXPECT_EQ(sent, 5000u);
  EXPECT_EQ(lastLine, "4999");
  EXPECT_TRUE(buffer.empty());
}

TEST(RunnerOutput, RoomAgainOnceSent) {
  JobRunnerSettings settings;
  settings.maxPendingLines = 3;
  settings.maxLinesPerEvent = 2;
  OutputBuffer buffer(settings);
  for (const char* line : {"a", "b", "c", "d"}) buffer.add(OutputStream::Stdout, line);
  EXPECT_EQ(linesOf(take(buffer)), (std::vector<std::string>{"a", "b"}));
  buffer.add(OutputStream::Stdout, "e");
  EXPECT_EQ(linesOf(take(buffer)), (std::vector<std::string>{"c", "e"}));
  EXPECT_FALSE(buffer.empty());
  EXPECT_EQ(linesOf(take(buffer)), (std::vector<std::string>{"[rj-runner: 1 lines dropped]"}));
  EXPECT_TRUE(buffer.empty());
}

TEST(RunnerOutput, LongLinesAreCut) {
  JobRunnerSettings settings;
  settings.maxLineBytes = 5;
  OutputBuffer buffer(settings);
  buffer.add(OutputStream::Stdout, "12345");
  buffer.add(OutputStream::Stdout, "123456");
  EXPECT_EQ(linesOf(take(buffer)), (std::vector<std::string>{"12345", "12345…"}));
}

TEST(RunnerOutput, ProgressIsSentInOrderWithTheOutputAroundIt) {
  JobRunnerSettings settings;
  OutputBuffer buffer(settings);
  buffer.add(OutputStream::Stdout, "count 1/2");
  buffer.addProgress(50);
  buffer.add(OutputStream::Stdout, "count 2/2");
  buffer.addProgress(100);
  EXPECT_EQ(linesOf(take(buffer)), (std::vector<std::string>{"count 1/2"}));
  PendingEvent progress = take(buffer);
  EXPECT_EQ(progress.type, "job.progress");
  EXPECT_EQ(progress.payload, R"({"progressPercent":50})");
  EXPECT_EQ(progress.count, 1u);
  EXPECT_EQ(linesOf(take(buffer)), (std::vector<std::string>{"count 2/2"}));
  EXPECT_EQ(take(buffer).payload, R"({"progressPercent":100})");
  EXPECT_TRUE(buffer.empty());
}

TEST(RunnerOutput, ProgressReportsInARowKeepTheLatest) {
  JobRunnerSettings settings;
  OutputBuffer buffer(settings);
  buffer.addProgress(10);
  buffer.addProgress(20);
  buffer.addProgress(30);
  EXPECT_EQ(take(buffer).payload, R"({"progressPercent":30})");
  EXPECT_TRUE(buffer.empty());
}

TEST(RunnerOutput, ProgressIsKeptWhenOutputIsDropped) {
  JobRunnerSettings settings;
  settings.maxPendingLines = 1;
  OutputBuffer buffer(settings);
  buffer.add(OutputStream::Stdout, "kept");
  buffer.add(OutputStream::Stdout, "dropped");
  buffer.addProgress(70);
  EXPECT_EQ(linesOf(take(buffer)), (std::vector<std::string>{"kept"}));
  EXPECT_EQ(take(buffer).payload, R"({"progressPercent":70})");
  EXPECT_EQ(linesOf(take(buffer)), (std::vector<std::string>{"[rj-runner: 1 lines dropped]"}));
}

TEST(RunnerOutput, BytesThatAreNotUtf8BecomeReplacementCharactersAndLongLinesCutBetweenThem) {
  JobRunnerSettings settings;
  settings.maxLineBytes = 4;
  OutputBuffer buffer(settings);
  buffer.add(OutputStream::Stdout, "a\xFF");
  buffer.add(OutputStream::Stdout, "ab\xE2\x82\xAC");  // "ab€" is 5 bytes: cut before the euro
  PendingEvent event = take(buffer);
  // The server parses with UTF-8 validation: the event must pass it.
  rapidjson::Document payload;
  EXPECT_FALSE(parseJson(payload, event.payload));
  EXPECT_EQ(linesOf(event), (std::vector<std::string>{"a\xEF\xBF\xBD", "ab\xE2\x80\xA6"}));
}

}  // namespace
}  // namespace rj::runner
