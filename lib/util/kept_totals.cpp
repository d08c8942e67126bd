#include "util/kept_totals.h"

namespace rj {

KeptTotals::KeptTotals(int64_t keptFrom, std::chrono::milliseconds freshFor,
                       std::chrono::milliseconds maxAge, size_t capacity)
    : keptFrom_(keptFrom), freshFor_(freshFor), maxAge_(maxAge), capacity_(capacity) {}

std::optional<KeptTotals::Count> KeptTotals::kept(const std::string& key, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = entries_.find(key);
  if (found == entries_.end()) return std::nullopt;
  Entry& entry = found->second;
  // A clock read before the count was taken (another thread's) is within its freshness too.
  const auto age =
      now < entry.count.countedAt ? Clock::duration::zero() : now - entry.count.countedAt;
  if (age < freshFor_) return entry.count;
  if (age >= maxAge_) {
    entries_.erase(found);
    return std::nullopt;
  }
  Count count = entry.count;
  count.countAgain = !entry.counting;
  entry.counting = true;
  return count;
}

bool KeptTotals::counted(const std::string& key, int64_t total, Clock::time_point countedAt) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = entries_.find(key);
  if (total < keptFrom_) {
    if (found != entries_.end()) entries_.erase(found);
    return false;
  }
  if (found != entries_.end()) {
    // A count that began before the kept one is older: it does not replace it.
    if (countedAt >= found->second.count.countedAt)
      found->second = Entry{{total, countedAt}, false};
    return true;
  }
  if (entries_.size() >= capacity_) {
    for (auto entry = entries_.begin(); entry != entries_.end();) {
      entry = countedAt - entry->second.count.countedAt >= maxAge_ ? entries_.erase(entry)
                                                                   : std::next(entry);
    }
    if (entries_.size() >= capacity_) entries_.clear();
  }
  entries_.emplace(key, Entry{{total, countedAt}, false});
  return true;
}

void KeptTotals::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.clear();
}

size_t KeptTotals::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

}  // namespace rj
