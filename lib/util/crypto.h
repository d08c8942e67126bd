#pragma once
#include <string>
#include <string_view>

namespace rj {

// Cryptographically secure random bytes.
std::string randomBytes(size_t count);
std::string toHex(std::string_view bytes);
// Lower-case hex SHA-256 of the input.
std::string sha256Hex(std::string_view input);
// A new secret token: a prefix and 32 random bytes in hex.
std::string newSecretToken(std::string_view prefix);

}  // namespace rj
