#include "http/request_id.h"

#include <cstdint>
#include <cstring>

#include "util/crypto.h"

namespace rj {

namespace {
constexpr size_t kMaxRequestIdLength = 64;

bool isRequestIdCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// A new id must be unique, not secret (the caller gets it and may log it anywhere). RAND_bytes
// for every request cost about 4 % of a GET's handler CPU (the DRBG, and a getpid() system call
// for its fork check). Each thread now draws 16 random bytes once: one half names the thread's
// ids, the other starts a counter; an id is the thread's half and the counter passed through
// SplitMix64's finaliser, a bijection, so a thread never repeats an id, ids do not read as a
// count, and two threads share a half with a chance of 2^-64.
class RequestIdSequence {
 public:
  RequestIdSequence() {
    std::string seed = randomBytes(16);
    std::memcpy(&threadHalf_, seed.data(), sizeof threadHalf_);
    std::memcpy(&counter_, seed.data() + 8, sizeof counter_);
  }

  std::string next() {
    uint64_t mixed = ++counter_;
    mixed = (mixed ^ (mixed >> 30)) * 0xbf58476d1ce4e5b9ULL;
    mixed = (mixed ^ (mixed >> 27)) * 0x94d049bb133111ebULL;
    mixed ^= mixed >> 31;
    char bytes[16];
    std::memcpy(bytes, &threadHalf_, sizeof threadHalf_);
    std::memcpy(bytes + 8, &mixed, sizeof mixed);
    return toHex(std::string_view(bytes, sizeof bytes));
  }

 private:
  uint64_t threadHalf_ = 0;
  uint64_t counter_ = 0;
};
}  // namespace

bool isWellFormedRequestId(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  for (char c : id) {
    if (!isRequestIdCharacter(c)) return false;
  }
  return true;
}

std::string requestIdFor(const char* incoming) {
  if (incoming && isWellFormedRequestId(incoming)) return incoming;
  thread_local RequestIdSequence sequence;
  return sequence.next();
}

}  // namespace rj
