#pragma once
// A job's detail (GET /api/runner-jobs/:id) as this process last answered it, kept with the
// job row's version. A read of a job the process knows asks the database only for the version
// (one primary-key read of three columns) and answers the kept bytes when it is unchanged, so
// the detail's steps and events are neither read nor written out again. Every write of the
// service moves the version, so every change made through the API shows at once. A change made
// by SQL that leaves the version alone shows within kJobDetailCacheMaxAge, after which an entry
// is read again in full (docs/DESIGN.md "The job detail cache").
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace rj {

constexpr std::chrono::milliseconds kJobDetailCacheMaxAge{2000};
// Bounds of one process's cache: jobs kept, and the bytes of their answers. A detail larger than
// kJobDetailCacheLargestAnswer is not kept (a chatty job's tens of thousands of events).
constexpr size_t kJobDetailCacheEntries = 1024;
constexpr size_t kJobDetailCacheBytes = 16 * 1024 * 1024;
constexpr size_t kJobDetailCacheLargestAnswer = 256 * 1024;

// What every write of a job moves: updated_at (each write sets it), last_event_seq (each event)
// and last_write_id (each request's writes stamp their own, so two writes within the same
// millisecond still differ).
struct JobVersion {
  std::string updatedAt;
  int64_t lastEventSeq = 0;
  std::optional<std::string> lastWriteId;

  bool operator==(const JobVersion& other) const {
    return updatedAt == other.updatedAt && lastEventSeq == other.lastEventSeq &&
           lastWriteId == other.lastWriteId;
  }
  bool operator!=(const JobVersion& other) const { return !(*this == other); }
};

class JobDetailCache {
 public:
  using Clock = std::chrono::steady_clock;

  struct Known {
    JobVersion version;
    std::string answer;
  };

  explicit JobDetailCache(std::chrono::milliseconds maxAge = kJobDetailCacheMaxAge,
                          size_t capacity = kJobDetailCacheEntries,
                          size_t capacityBytes = kJobDetailCacheBytes,
                          size_t largestAnswer = kJobDetailCacheLargestAnswer);

  // The answer kept for this job of this workspace, read at most maxAge before `now`.
  std::optional<Known> find(const std::string& workspaceId, const std::string& jobId,
                            Clock::time_point now) const;
  // Keeps the answer as read at `readAt` (the time before the read began). Too large an answer
  // is not kept, and drops what was kept for the job.
  void remember(const std::string& workspaceId, const std::string& jobId, JobVersion version,
                std::string answer, Clock::time_point readAt);
  void forget(const std::string& workspaceId, const std::string& jobId);
  void clear();
  size_t size() const;
  size_t bytes() const;

  // The one this process's job reads use.
  static JobDetailCache& process();

 private:
  struct Entry {
    Known known;
    Clock::time_point readAt;
  };
  using Entries = std::unordered_map<std::string, Entry>;
  static std::string keyOf(const std::string& workspaceId, const std::string& jobId);
  void erase(Entries::iterator entry);
  void dropOlderThan(Clock::time_point cutoff);

  std::chrono::milliseconds maxAge_;
  size_t capacity_;
  size_t capacityBytes_;
  size_t largestAnswer_;
  mutable std::mutex mutex_;
  Entries entries_;
  size_t bytes_ = 0;
};

}  // namespace rj
