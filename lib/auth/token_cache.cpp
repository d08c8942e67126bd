#include "auth/token_cache.h"

namespace rj {

TokenCache::TokenCache(std::chrono::milliseconds maxAge, size_t capacity)
    : maxAge_(maxAge), capacity_(capacity) {}

std::string TokenCache::keyOf(const std::string& tokenHash,
                              const std::optional<std::string>& workspaceId) {
  // A hash is hex and a workspace id a UUID: a space cannot occur in either.
  return workspaceId ? tokenHash + " " + *workspaceId : tokenHash;
}

std::optional<LiveToken> TokenCache::find(const std::string& tokenHash,
                                          const std::optional<std::string>& workspaceId,
                                          Clock::time_point now) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = entries_.find(keyOf(tokenHash, workspaceId));
  if (found == entries_.end()) return std::nullopt;
  const Entry& entry = found->second;
  if (now < entry.readAt || now - entry.readAt >= maxAge_) return std::nullopt;
  LiveToken token = entry.token;
  if (token.secondsLeft) {
    // The database truncates the seconds left, so the token lives at least that long after the
    // read; counting the time since up to whole seconds keeps the estimate on the safe side.
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - entry.readAt);
    int64_t elapsedSeconds = (elapsed.count() + 999) / 1000;
    if (*token.secondsLeft - elapsedSeconds <= 0) return std::nullopt;
    *token.secondsLeft -= elapsedSeconds;
  }
  return token;
}

void TokenCache::remember(const LiveToken& token, Clock::time_point readAt) {
  std::optional<std::string> workspaceId;
  if (token.membership) workspaceId = token.membership->workspaceId;
  std::string key = keyOf(token.tokenHash, workspaceId);
  bool refused = token.membership && !token.membership->role;
  bool expiring = token.secondsLeft && *token.secondsLeft <= 0;
  std::lock_guard<std::mutex> lock(mutex_);
  if (refused || expiring) {
    entries_.erase(key);  // newer news than what was kept
    return;
  }
  if (entries_.size() >= capacity_) {
    dropOlderThan(readAt - maxAge_);
    if (entries_.size() >= capacity_) entries_.clear();
  }
  entries_[key] = Entry{token, readAt};
}

void TokenCache::dropOlderThan(Clock::time_point cutoff) {
  for (auto entry = entries_.begin(); entry != entries_.end();) {
    entry = entry->second.readAt <= cutoff ? entries_.erase(entry) : std::next(entry);
  }
}

void TokenCache::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.clear();
}

size_t TokenCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

TokenCache& TokenCache::process() {
  static TokenCache cache;
  return cache;
}

}  // namespace rj
