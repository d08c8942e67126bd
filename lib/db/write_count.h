#pragma once
// A count that every process of one front end moves after each statement that may write to the
// database, kept in a small file they all map (RJ_WRITE_COUNT_FILE). A process that kept an answer
// with the count it read before reading that answer knows, while the count has not moved, that
// nothing was written through this front end since: it can answer again without asking the
// database for the version (jobs/answer_caches.h, docs/DESIGN.md "A count of the front end's
// writes").
//
// Writes that do not go through a process with the file (another front end, SQL, a process that
// cannot open it) do not move the count. So the file is for a deployment with one front end; on
// one with several, or a cluster, it is left unset and every kept answer asks for its version.
// Kept answers are bounded by their age either way.
#include <cstdint>
#include <optional>
#include <string>

namespace rj {

class WriteCount {
 public:
  // Maps the file at `path`, creating it (mode 0660, within the umask) when there is none, and
  // growing it to a page when it is shorter. Throws std::runtime_error when it cannot.
  explicit WriteCount(const std::string& path);
  ~WriteCount();
  WriteCount(const WriteCount&) = delete;
  WriteCount& operator=(const WriteCount&) = delete;

  uint64_t value() const;
  void advance();

 private:
  void* mapping_ = nullptr;
  uint64_t* count_ = nullptr;
};

// This process's count from the setting RJ_WRITE_COUNT_FILE: nullptr when it is unset, or when the
// file cannot be mapped (said once in the log).
WriteCount* frontEndWriteCount();
// Its value, or nullopt without one.
std::optional<uint64_t> frontEndWrites();
// Moves it, when there is one. Called after a statement that may have written has ended, its
// commit included, whether it succeeded or not.
void countFrontEndWrite();

}  // namespace rj
