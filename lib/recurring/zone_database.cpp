#include "recurring/zone_database.h"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>

#include "recurring/utc_offset.h"

namespace rj {

namespace {

constexpr size_t kMaxZoneFileBytes = 1024 * 1024;

// Segments of letters, digits and "_+-" joined by "/": no "..", no absolute path, nothing but
// zone files (the "right/" zones count leap seconds, which schedules do not).
bool isZoneName(const std::string& name) {
  if (name.empty() || name.size() > 64 || name.rfind("right/", 0) == 0) return false;
  size_t segmentStart = 0;
  for (size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '/') {
      if (i == segmentStart) return false;
      segmentStart = i + 1;
      continue;
    }
    char c = name[i];
    bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '+' || c == '-';
    if (!allowed || (i == segmentStart && c == '-')) return false;
  }
  return true;
}

std::optional<TimeZone> readZoneFile(const std::string& name) {
  const char* directory = std::getenv("TZDIR");
  std::string path =
      std::string(directory && *directory ? directory : "/usr/share/zoneinfo") + "/" + name;
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::string bytes;
  bytes.resize(kMaxZoneFileBytes + 1);
  file.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<size_t>(file.gcount()));
  if (bytes.size() > kMaxZoneFileBytes) return std::nullopt;
  try {
    return TimeZone::fromTzif(bytes);
  } catch (const TimeZoneError&) {
    return std::nullopt;
  }
}

}  // namespace

std::optional<TimeZone> findTimeZone(const std::string& name) {
  if (name == "UTC") return TimeZone();
  if (auto offset = parseUtcOffset(name)) return TimeZone::fixed(*offset);
  if (!isZoneName(name)) return std::nullopt;
  // Zone files change only with a tzdata upgrade; a restart picks that up.
  static std::mutex mutex;
  static std::map<std::string, std::optional<TimeZone>> loaded;
  std::lock_guard<std::mutex> lock(mutex);
  auto found = loaded.find(name);
  if (found != loaded.end()) return found->second;
  auto zone = readZoneFile(name);
  // Unknown names are not remembered: the map stays as small as the zones in use.
  if (zone) loaded.emplace(name, zone);
  return zone;
}

}  // namespace rj
