// A UUID from a path or a body (job id, agentTaskId).
#include "util/uuid.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (rj::isUuid(text)) {
    std::string normal = rj::normalizeUuid(text);
    if (normal.size() != 36 || !rj::isUuid(normal) || rj::normalizeUuid(normal) != normal) {
      __builtin_trap();
    }
  }
  return 0;
}
