#pragma once
// API tokens as the guards see them: only live ones (unexpired, unrevoked) count, found by hash.
#include <cstdint>
#include <optional>
#include <string>

namespace rj {

struct LiveToken {
  std::string userId;
  // Seconds until the token expires; nullopt when it never does.
  std::optional<int64_t> secondsLeft;
};

class TokenStore {
 public:
  // The live token with this value, looked up by its SHA-256 hash (tokens themselves are never
  // stored or compared); nullopt when there is none.
  std::optional<LiveToken> findLive(const std::string& token) const;
};

}  // namespace rj
