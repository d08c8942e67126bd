#pragma once
// Answers a handler process last sent, each kept with the version of what it was read from, for
// at most a given age. A read that finds one asks the database only for the version, and sends
// the kept bytes again while it is unchanged (jobs/answer_caches.h: GET by id and the list).
// A change that moves the version shows at the next read; one that does not shows once the
// kept answer is too old. Given the front end's write count (db/write_count.h), a kept answer
// is sent without asking for the version while the count is the one read before the answer was
// read or its version last found unchanged: nothing was written through this front end since.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace rj {

template <typename Version>
class AnswerCache {
 public:
  using Clock = std::chrono::steady_clock;

  struct Known {
    Version version;
    std::string answer;
    // The read that kept it found the version moved since the answer before: what changes now
    // is likely to change again, so the next read goes straight to a full read (one statement,
    // not the version's and then the full read's).
    bool changing = false;
    // The front end's write count read before the read that kept the answer, or before the last
    // read of its version that found it unchanged; nullopt without a count.
    std::optional<uint64_t> writes;
  };

  // What readAnswer() gives: the version (nullopt when nothing carried one) and the answer, and
  // when a part of the answer stays fresh for less than maxAge (a kept total), the time it
  // stops: the answer is not kept past it.
  struct FullRead {
    std::optional<Version> version;
    std::string answer;
    std::optional<Clock::time_point> freshUntil;
  };

  AnswerCache(std::chrono::milliseconds maxAge, size_t capacity, size_t capacityBytes,
              size_t largestAnswer)
      : maxAge_(maxAge),
        capacity_(capacity),
        capacityBytes_(capacityBytes),
        largestAnswer_(largestAnswer) {}

  // The answer for `key`. A kept one that is not `changing` costs readVersion() (a Version), and
  // goes out while that is its version. Otherwise readAnswer() reads in full and gives a FullRead;
  // the answer is kept with it, marked `changing` when an answer was kept with another version,
  // or not kept when the version is nullopt.
  //
  // `writes` is the front end's write count, read before this call: a kept answer whose count is
  // the same goes out without readVersion(); one that goes out after it is kept with this count.
  template <typename ReadVersion, typename ReadAnswer>
  std::string answer(const std::string& key, std::optional<uint64_t> writes,
                     ReadVersion readVersion, ReadAnswer readAnswer) {
    const auto readAt = Clock::now();
    auto known = find(key, readAt);
    if (known && !known->changing) {
      if (writes && known->writes == writes) return std::move(known->answer);
      if (readVersion() == known->version) {
        if (writes) confirm(key, known->version, *writes);
        return std::move(known->answer);
      }
    }
    FullRead read = readAnswer();
    if (!read.version) {
      forget(key);
      return std::move(read.answer);
    }
    bool changing = known && known->version != *read.version;
    remember(key, {std::move(*read.version), read.answer, changing, writes}, readAt,
             read.freshUntil);
    return std::move(read.answer);
  }

  // The same without a write count: every kept answer asks for its version.
  template <typename ReadVersion, typename ReadAnswer>
  std::string answer(const std::string& key, ReadVersion readVersion, ReadAnswer readAnswer) {
    return answer(key, std::nullopt, readVersion, readAnswer);
  }

  // The answer kept for this key, while still fresh at `now`: read at most maxAge before it, and
  // before its freshUntil.
  std::optional<Known> find(const std::string& key, Clock::time_point now) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = entries_.find(key);
    if (found == entries_.end()) return std::nullopt;
    const Entry& entry = found->second;
    if (now < entry.readAt || now >= entry.freshUntil) return std::nullopt;
    return entry.known;
  }

  // Keeps the answer as read at `readAt` (the time before the read began), in place of what was
  // kept for the key, until maxAge after it or `freshUntil` if that comes first. Too large an
  // answer is not kept, nor one no longer fresh. A full cache drops what is too old, then
  // everything, rather than grow.
  void remember(const std::string& key, Known known, Clock::time_point readAt,
                std::optional<Clock::time_point> freshUntil = std::nullopt) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto kept = entries_.find(key);
    if (kept != entries_.end()) erase(kept);
    const size_t size = known.answer.size();
    if (size > largestAnswer_ || (freshUntil && *freshUntil <= readAt)) return;
    if (entries_.size() >= capacity_ || bytes_ + size > capacityBytes_) {
      dropOlderThan(readAt - maxAge_);
      if (entries_.size() >= capacity_ || bytes_ + size > capacityBytes_) {
        entries_.clear();
        bytes_ = 0;
      }
    }
    bytes_ += size;
    const auto until = readAt + maxAge_;
    entries_.emplace(key, Entry{std::move(known), readAt,
                                freshUntil && *freshUntil < until ? *freshUntil : until});
  }

  // The answer kept for `key` had `version` still when the write count was `writes`: kept with
  // that count from now on, unless another read has replaced it meanwhile. Its age is not reset.
  void confirm(const std::string& key, const Version& version, uint64_t writes) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto kept = entries_.find(key);
    if (kept != entries_.end() && kept->second.known.version == version) {
      kept->second.known.writes = writes;
    }
  }

  void forget(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto kept = entries_.find(key);
    if (kept != entries_.end()) erase(kept);
  }

  void clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.clear();
    bytes_ = 0;
  }

  size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return entries_.size();
  }

  size_t bytes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return bytes_;
  }

 private:
  struct Entry {
    Known known;
    Clock::time_point readAt;
    Clock::time_point freshUntil;  // at most maxAge after readAt
  };
  using Entries = std::unordered_map<std::string, Entry>;

  void erase(typename Entries::iterator entry) {
    bytes_ -= entry->second.known.answer.size();
    entries_.erase(entry);
  }

  void dropOlderThan(Clock::time_point cutoff) {
    for (auto entry = entries_.begin(); entry != entries_.end();) {
      if (entry->second.readAt <= cutoff) {
        bytes_ -= entry->second.known.answer.size();
        entry = entries_.erase(entry);
      } else {
        entry = std::next(entry);
      }
    }
  }

  std::chrono::milliseconds maxAge_;
  size_t capacity_;
  size_t capacityBytes_;
  size_t largestAnswer_;
  mutable std::mutex mutex_;
  Entries entries_;
  size_t bytes_ = 0;
};

}  // namespace rj
