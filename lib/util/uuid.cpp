#include "util/uuid.h"

#include <cctype>
#include <chrono>
#include <utility>

#include "util/crypto.h"

namespace rj {

bool isUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

std::string normalizeUuid(std::string_view uuid) {
  std::string lower(uuid);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

namespace {
// 16 bytes with the version and the RFC 9562 variant set, in 8-4-4-4-12 lower-case hex.
std::string formatUuid(std::string bytes, int version) {
  bytes[6] = static_cast<char>((bytes[6] & 0x0F) | (version << 4));
  bytes[8] = static_cast<char>((bytes[8] & 0x3F) | 0x80);
  std::string hex = toHex(bytes);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}
}  // namespace

std::string newUuid() {
  return formatUuid(uniqueBytes(16), 4);
}

std::string newTimeOrderedUuid(int64_t unixMilliseconds) {
  std::string bytes = uniqueBytes(16);
  // Big-endian, so that the text sorts as the time does.
  for (int i = 0; i < 6; ++i) {
    bytes[static_cast<size_t>(i)] =
        static_cast<char>((static_cast<uint64_t>(unixMilliseconds) >> (8 * (5 - i))) & 0xFF);
  }
  return formatUuid(std::move(bytes), 7);
}

std::string newTimeOrderedUuid() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return newTimeOrderedUuid(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

}  // namespace rj
