// A job command's output as rj-runner reads it: lines of stdout and stderr (progress lines among
// them) through the bounded output buffer into events.
#include <cstddef>
#include <cstdint>
#include <string>

#include "json/json.h"
#include "output_buffer.h"
#include "runners/progress_line.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rj::runner::JobRunnerSettings settings;
  settings.maxLinesPerEvent = 7;
  settings.maxPendingLines = 20;
  settings.maxLineBytes = 64;
  rj::runner::OutputBuffer buffer(settings);
  std::string input(reinterpret_cast<const char*>(data), size);
  size_t start = 0;
  while (start < input.size()) {
    size_t end = input.find('\n', start);
    if (end == std::string::npos) end = input.size();
    std::string line = input.substr(start, end - start);
    // The first byte picks the stream, as two pipes would interleave.
    auto stream = !line.empty() && (line[0] & 1) ? rj::runner::OutputStream::Stderr
                                                 : rj::runner::OutputStream::Stdout;
    if (auto percent = rj::progressLinePercent(line)) {
      buffer.addProgress(*percent);
    } else {
      buffer.add(stream, line);
    }
    start = end + 1;
  }
  for (int events = 0; !buffer.empty(); ++events) {
    rj::runner::PendingEvent event = buffer.next();
    // Every event the runner would send is JSON the server accepts (valid UTF-8 included), and
    // every event takes something out of the buffer.
    rapidjson::Document payload;
    if (rj::parseJson(payload, event.payload) || !payload.IsObject()) __builtin_trap();
    if (event.count == 0 || events > 100000) __builtin_trap();
    buffer.drop(event.count);
  }
  return 0;
}
