#pragma once
#include <string>
#include <string_view>

namespace rj {

// True for a lower- or upper-case 8-4-4-4-12 hex UUID.
bool isUuid(std::string_view text);
// The UUID in lower case, the form ids are stored in.
std::string normalizeUuid(std::string_view uuid);
// A fresh random (version 4) UUID in lower case.
std::string newUuid();

}  // namespace rj
