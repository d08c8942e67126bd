#include "db/write_count.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "db/config.h"
#include "util/log.h"

namespace rj {

namespace {
constexpr size_t kMappedBytes = 4096;

std::runtime_error fileError(const std::string& path, const char* doing) {
  return std::runtime_error("write count file " + path + ": " + doing + ": " +
                            std::strerror(errno));
}
}  // namespace

WriteCount::WriteCount(const std::string& path) {
  int file = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0660);
  if (file < 0) throw fileError(path, "open");
  struct stat status {};
  if (fstat(file, &status) != 0 || (status.st_size < static_cast<off_t>(kMappedBytes) &&
                                    ftruncate(file, static_cast<off_t>(kMappedBytes)) != 0)) {
    auto error = fileError(path, "size");
    close(file);
    throw error;
  }
  mapping_ = mmap(nullptr, kMappedBytes, PROT_READ | PROT_WRITE, MAP_SHARED, file, 0);
  close(file);  // the mapping keeps the file
  if (mapping_ == MAP_FAILED) {
    mapping_ = nullptr;
    throw fileError(path, "mmap");
  }
  count_ = static_cast<uint64_t*>(mapping_);
}

WriteCount::~WriteCount() {
  if (mapping_) munmap(mapping_, kMappedBytes);
}

// The count is shared between processes: atomic operations on the mapped word (lock-free on every
// platform the service builds for, so they work across processes).
uint64_t WriteCount::value() const {
  return __atomic_load_n(count_, __ATOMIC_SEQ_CST);
}

void WriteCount::advance() {
  __atomic_fetch_add(count_, 1, __ATOMIC_SEQ_CST);
}

WriteCount* frontEndWriteCount() {
  static WriteCount* const count = []() -> WriteCount* {
    try {
      const std::string path = setting("RJ_WRITE_COUNT_FILE");
      if (path.empty()) return nullptr;
      return new WriteCount(path);  // lives as long as the process
    } catch (const std::exception& error) {
      logLine(std::string(error.what()) + "; kept answers ask the database for their version");
      return nullptr;
    }
  }();
  return count;
}

std::optional<uint64_t> frontEndWrites() {
  if (WriteCount* count = frontEndWriteCount()) return count->value();
  return std::nullopt;
}

void countFrontEndWrite() {
  if (WriteCount* count = frontEndWriteCount()) count->advance();
}

}  // namespace rj
