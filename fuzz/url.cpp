// A query string and a Cookie header, as a request arrives with them.
#include "http/url.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (rj::percentDecode(text, false).size() > size) __builtin_trap();
  if (rj::percentDecode(text, true).size() > size) __builtin_trap();
  rj::parseQueryString(text);
  rj::parseCookies(text);
  return 0;
}
