#include "http/request_id.h"

#include "util/crypto.h"

namespace rj {

namespace {
constexpr size_t kMaxRequestIdLength = 64;

bool isRequestIdCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}
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
  return toHex(randomBytes(16));
}

}  // namespace rj
