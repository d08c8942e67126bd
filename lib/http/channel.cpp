#include "http/channel.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern char** environ;

namespace rj {

size_t FcgiChannel::read(char* buffer, size_t size) {
  int count = FCGX_GetStr(buffer, static_cast<int>(size), request_.in);
  if (count <= 0) return 0;
  return static_cast<size_t>(count);
}

bool FcgiChannel::write(std::string_view bytes) {
  if (bytes.empty()) return FCGX_GetError(request_.out) == 0;
  return FCGX_PutStr(bytes.data(), static_cast<int>(bytes.size()), request_.out) ==
         static_cast<int>(bytes.size());
}

bool FcgiChannel::flush() {
  // A stream that failed in an earlier write (a hang-up, a write timeout) is closed, and
  // FCGX_FFlush then reports success: the error is what tells.
  return FCGX_FFlush(request_.out) == 0 && FCGX_GetError(request_.out) == 0;
}

const char* CgiChannel::env(const char* name) {
  return std::getenv(name);
}
char** CgiChannel::environment() {
  return environ;
}

size_t CgiChannel::read(char* buffer, size_t size) {
  size_t count = std::fread(buffer, 1, size, stdin);
  bytesRead_ += count;
  return count;
}

void CgiChannel::discardUnreadBody() {
  const char* length = std::getenv("CONTENT_LENGTH");
  if (!length || !*length) return;
  char* end = nullptr;
  unsigned long long declared = std::strtoull(length, &end, 10);
  if (*end != '\0') return;
  char buffer[16384];
  while (bytesRead_ < declared) {
    size_t count = read(buffer, std::min<unsigned long long>(sizeof buffer, declared - bytesRead_));
    if (count == 0) break;
  }
}

bool CgiChannel::write(std::string_view bytes) {
  return std::fwrite(bytes.data(), 1, bytes.size(), stdout) == bytes.size();
}

bool CgiChannel::flush() {
  return std::fflush(stdout) == 0;
}

}  // namespace rj
