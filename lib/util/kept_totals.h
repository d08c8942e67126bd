#pragma once
// Counts a handler process last took, each kept for a short while when it was large. Counting a
// large workspace's jobs costs tens of milliseconds of database time (an exact COUNT(*) reads
// every matching index entry), and a request that counted held its serving thread that long:
// the requests queued behind it made the list's tail. A large count read within freshFor is
// answered again as it was. One that is older is still answered until maxAge, and the first
// caller to find it so is told to have it counted again (off the request path); past maxAge
// every caller counts. A small count is never kept: it is cheap, and exact.
// (docs/DESIGN.md "Large totals are counted beside the requests")
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace rj {

class KeptTotals {
 public:
  using Clock = std::chrono::steady_clock;

  // Counts of at least keptFrom are kept: fresh for freshFor, answered while one thread counts
  // again until maxAge, at most `capacity` of them.
  KeptTotals(int64_t keptFrom, std::chrono::milliseconds freshFor, std::chrono::milliseconds maxAge,
             size_t capacity);

  struct Count {
    int64_t total = 0;
    Clock::time_point countedAt;
    // This caller found the count older than freshFor, first: it has the count taken again and
    // told to counted(). The callers after it are not asked until maxAge.
    bool countAgain = false;
  };

  // The count to answer with at `now` instead of counting, or nullopt: count, and tell
  // counted().
  std::optional<Count> kept(const std::string& key, Clock::time_point now);

  // The count as taken at `countedAt` (the time before the statement began); whether it is kept
  // (a large count).
  bool counted(const std::string& key, int64_t total, Clock::time_point countedAt);

  void clear();
  size_t size() const;

 private:
  struct Entry {
    Count count;
    bool counting = false;  // a caller was told to have it counted again
  };

  int64_t keptFrom_;
  std::chrono::milliseconds freshFor_;
  std::chrono::milliseconds maxAge_;
  size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace rj
