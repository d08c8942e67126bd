#include "jobs/job_detail_cache.h"

#include <iterator>

namespace rj {

JobDetailCache::JobDetailCache(std::chrono::milliseconds maxAge, size_t capacity,
                               size_t capacityBytes, size_t largestAnswer)
    : maxAge_(maxAge),
      capacity_(capacity),
      capacityBytes_(capacityBytes),
      largestAnswer_(largestAnswer) {}

std::string JobDetailCache::keyOf(const std::string& workspaceId, const std::string& jobId) {
  // Both are UUIDs: a space cannot occur in either.
  return workspaceId + " " + jobId;
}

std::optional<JobDetailCache::Known> JobDetailCache::find(const std::string& workspaceId,
                                                          const std::string& jobId,
                                                          Clock::time_point now) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = entries_.find(keyOf(workspaceId, jobId));
  if (found == entries_.end()) return std::nullopt;
  const Entry& entry = found->second;
  if (now < entry.readAt || now - entry.readAt >= maxAge_) return std::nullopt;
  return entry.known;
}

void JobDetailCache::remember(const std::string& workspaceId, const std::string& jobId,
                              JobVersion version, std::string answer, Clock::time_point readAt) {
  std::string key = keyOf(workspaceId, jobId);
  std::lock_guard<std::mutex> lock(mutex_);
  auto kept = entries_.find(key);
  if (kept != entries_.end()) erase(kept);
  if (answer.size() > largestAnswer_) return;
  if (entries_.size() >= capacity_ || bytes_ + answer.size() > capacityBytes_) {
    dropOlderThan(readAt - maxAge_);
    if (entries_.size() >= capacity_ || bytes_ + answer.size() > capacityBytes_) {
      entries_.clear();
      bytes_ = 0;
    }
  }
  bytes_ += answer.size();
  entries_.emplace(std::move(key), Entry{Known{std::move(version), std::move(answer)}, readAt});
}

void JobDetailCache::forget(const std::string& workspaceId, const std::string& jobId) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto kept = entries_.find(keyOf(workspaceId, jobId));
  if (kept != entries_.end()) erase(kept);
}

void JobDetailCache::erase(Entries::iterator entry) {
  bytes_ -= entry->second.known.answer.size();
  entries_.erase(entry);
}

void JobDetailCache::dropOlderThan(Clock::time_point cutoff) {
  for (auto entry = entries_.begin(); entry != entries_.end();) {
    if (entry->second.readAt <= cutoff) {
      bytes_ -= entry->second.known.answer.size();
      entry = entries_.erase(entry);
    } else {
      entry = std::next(entry);
    }
  }
}

void JobDetailCache::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.clear();
  bytes_ = 0;
}

size_t JobDetailCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

size_t JobDetailCache::bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return bytes_;
}

JobDetailCache& JobDetailCache::process() {
  static JobDetailCache cache;
  return cache;
}

}  // namespace rj
