// A stdout line of a job's command, as rj-runner reads it for progress reports.
#include "runners/progress_line.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string line(reinterpret_cast<const char*>(data), size);
  auto percent = rj::progressLinePercent(line);
  if (percent && (*percent < 0 || *percent > 100)) __builtin_trap();
  return 0;
}
