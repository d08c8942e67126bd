#pragma once
// A job's output and progress waiting to be sent as events, in the command's order; bounded so a
// chatty command cannot eat the runner's memory.
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "child_process.h"
#include "job_runner.h"

namespace rj::runner {

// rj-runner reports a job as one step.
constexpr int kStepOrdinal = 1;

// One stdout/stderr line, or a progress report (a progress line of the command).
struct OutputLine {
  OutputStream stream;
  std::string text;
  std::optional<int64_t> progressPercent;
};

// An event ready to send: `count` items leave the buffer once it is delivered.
struct PendingEvent {
  std::string type;
  std::string payload;
  size_t count = 0;
};

class OutputBuffer {
 public:
  // Uses maxLinesPerEvent, maxPendingLines and maxLineBytes.
  explicit OutputBuffer(const JobRunnerSettings& settings) : settings_(settings) {}
  // A line; cut at maxLineBytes, counted and dropped past maxPendingLines waiting.
  void add(OutputStream stream, std::string text);
  // Progress reports in a row keep only the latest: nothing between them to order against.
  void addProgress(int64_t percent);
  bool empty() const { return lines_.empty() && dropped_ == 0; }
  // The next event: a job.progress, or a step.output of a run of lines of one stream (stopping at
  // a progress report, so output before it is sent before it). Taken out only once sent; only
  // when not empty().
  PendingEvent next();
  void drop(size_t count);

 private:
  const JobRunnerSettings& settings_;
  std::deque<OutputLine> lines_;
  size_t dropped_ = 0;
};

}  // namespace rj::runner
