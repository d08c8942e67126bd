#include "util/concurrency_caps.h"

namespace rj {

ConcurrencyCaps::Slot::~Slot() {
  caps_.release(keys_);
}

std::unique_ptr<ConcurrencyCaps::Slot> ConcurrencyCaps::take(
    const std::vector<std::pair<std::string, int64_t>>& keysAndCaps) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [key, cap] : keysAndCaps) {
    auto found = held_.find(key);
    if (cap > 0 && found != held_.end() && found->second >= cap) return nullptr;
  }
  std::vector<std::string> keys;
  for (const auto& [key, cap] : keysAndCaps) {
    ++held_[key];
    keys.push_back(key);
  }
  return std::unique_ptr<Slot>(new Slot(*this, std::move(keys)));
}

int64_t ConcurrencyCaps::held(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = held_.find(key);
  return found == held_.end() ? 0 : found->second;
}

void ConcurrencyCaps::release(const std::vector<std::string>& keys) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& key : keys) {
    auto found = held_.find(key);
    if (found == held_.end()) continue;
    if (--found->second <= 0) held_.erase(found);
  }
}

}  // namespace rj
