#include "util/time.h"

namespace rj {

std::string toIsoTimestamp(const std::string& databaseTime) {
  // Date and time are always 19 characters; the fraction is padded or cut to milliseconds.
  std::string iso = databaseTime.substr(0, 19);
  if (iso.size() > 10) iso[10] = 'T';
  std::string fraction = databaseTime.size() > 20 ? databaseTime.substr(20, 3) : "";
  fraction.resize(3, '0');
  return iso + "." + fraction + "Z";
}

std::optional<std::string> toIsoTimestamp(const std::optional<std::string>& databaseTime) {
  if (!databaseTime) return std::nullopt;
  return toIsoTimestamp(*databaseTime);
}

}  // namespace rj
