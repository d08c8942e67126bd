#pragma once
// UTF-8 text from outside (a command's output): made valid, and cut on character boundaries.
#include <cstddef>
#include <string>
#include <string_view>

namespace rj {

// `text` with every byte that does not start a valid UTF-8 sequence (RFC 3629: no overlongs, no
// surrogates, nothing past U+10FFFF) replaced by U+FFFD.
std::string validUtf8(std::string_view text);
// The length of the longest prefix of valid UTF-8 `text` that is at most `maxBytes` long and
// does not split a character.
size_t utf8PrefixLength(std::string_view text, size_t maxBytes);

}  // namespace rj
