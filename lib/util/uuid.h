#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace rj {

// True for a lower- or upper-case 8-4-4-4-12 hex UUID.
bool isUuid(std::string_view text);
// The UUID in lower case, the form ids are stored in.
std::string normalizeUuid(std::string_view uuid);
// A fresh random (version 4) UUID in lower case.
std::string newUuid();
// A fresh time-ordered (version 7, RFC 9562) UUID in lower case: the Unix time in milliseconds,
// then 74 random bits. Rows keyed by it are added at the end of their index, not at a random
// place in it: see docs/DESIGN.md, "Job ids in time order".
std::string newTimeOrderedUuid();
// The same for a given time (milliseconds since the Unix epoch).
std::string newTimeOrderedUuid(int64_t unixMilliseconds);

}  // namespace rj
