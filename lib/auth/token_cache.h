#pragma once
// Live tokens as this process last read them from the database. Every workspace request starts
// with the token's lookup; a lookup remembered for at most kTokenCacheMaxAge lets the requests
// that follow within it skip that round trip. The cost is staleness with a written bound: a token
// revoked or expired by SQL, a member removed or a role changed keeps its old answer in a process
// that read it for at most kTokenCacheMaxAge (docs/DESIGN.md "The token cache").
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "auth/token_store.h"

namespace rj {

constexpr std::chrono::milliseconds kTokenCacheMaxAge{2000};
// Distinct (token, workspace) pairs a process remembers; a full cache drops what is too old, and
// then everything, rather than grow with a stream of made-up tokens.
constexpr size_t kTokenCacheEntries = 4096;

class TokenCache {
 public:
  using Clock = std::chrono::steady_clock;

  explicit TokenCache(std::chrono::milliseconds maxAge = kTokenCacheMaxAge,
                      size_t capacity = kTokenCacheEntries);

  // The token read for this hash and workspace (nullopt: read without one) at most maxAge ago,
  // with its seconds left counted down since; nullopt when there is none that young, or when
  // the token may have expired since.
  std::optional<LiveToken> find(const std::string& tokenHash,
                                const std::optional<std::string>& workspaceId,
                                Clock::time_point now) const;
  // Remembers a token as the database gave it at `readAt`. Only an accepting answer is kept: a
  // token read for a workspace its user is not a member of is not (a member added elsewhere
  // must work at once, as before), nor one that expires within the second; either drops what was
  // kept for the pair.
  void remember(const LiveToken& token, Clock::time_point readAt);
  void clear();
  size_t size() const;

  // The one this process's guards use.
  static TokenCache& process();

 private:
  struct Entry {
    LiveToken token;
    Clock::time_point readAt;
  };
  static std::string keyOf(const std::string& tokenHash,
                           const std::optional<std::string>& workspaceId);
  void dropOlderThan(Clock::time_point cutoff);

  std::chrono::milliseconds maxAge_;
  size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace rj
