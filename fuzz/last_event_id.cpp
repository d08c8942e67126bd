// The Last-Event-ID header (or ?lastEventId=) a reconnecting stream sends.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "errors/errors.h"
#include "sse/sse_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string value(reinterpret_cast<const char*>(data), size);
  try {
    auto id = rj::parseLastEventId(value);
    if (id && *id < 0) __builtin_trap();
  } catch (const rj::HttpError& error) {
    if (error.status() != 400) __builtin_trap();
  }
  return 0;
}
