#pragma once
// How many requests of this process hold something at once, counted per key ("user:ID",
// "workspace:ID"), each key with its own cap: one caller cannot take every serving thread.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace rj {

class ConcurrencyCaps {
 public:
  // Holds one place under each of its keys until destroyed.
  class Slot {
   public:
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot();

   private:
    friend class ConcurrencyCaps;
    Slot(ConcurrencyCaps& caps, std::vector<std::string> keys)
        : caps_(caps), keys_(std::move(keys)) {}
    ConcurrencyCaps& caps_;
    std::vector<std::string> keys_;
  };

  // A place under every key, or nullptr when any of them already holds its cap (a cap below 1
  // means no limit).
  std::unique_ptr<Slot> take(const std::vector<std::pair<std::string, int64_t>>& keysAndCaps);
  // Places held under `key` now.
  int64_t held(const std::string& key) const;

 private:
  void release(const std::vector<std::string>& keys);
  mutable std::mutex mutex_;
  std::map<std::string, int64_t> held_;
};

}  // namespace rj
