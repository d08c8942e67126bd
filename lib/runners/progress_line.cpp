#include "runners/progress_line.h"

#include "json/json.h"

namespace rj {

std::optional<int64_t> progressLinePercent(const std::string& line) {
  // Cheap rejection first: this runs on every stdout line of every command.
  size_t start = line.find_first_not_of(" \t\r");
  if (start == std::string::npos || line[start] != '{' ||
      line.find("progressPercent") == std::string::npos) {
    return std::nullopt;
  }
  rapidjson::Document document;
  if (parseJson(document, line) || !document.IsObject() || document.MemberCount() != 1) {
    return std::nullopt;
  }
  const auto& member = *document.MemberBegin();
  if (std::string(member.name.GetString(), member.name.GetStringLength()) != "progressPercent" ||
      !member.value.IsInt64()) {
    return std::nullopt;
  }
  int64_t percent = member.value.GetInt64();
  if (percent < 0 || percent > 100) return std::nullopt;
  return percent;
}

}  // namespace rj
