#pragma once
#include <string>
#include <string_view>

namespace rj {

// Cryptographically secure random bytes.
std::string randomBytes(size_t count);
// Random bytes for what must be unique, not secret (ids): the same generator, drawn a few hundred
// bytes at a time into a buffer of the calling thread. RAND_bytes costs a getpid() system call
// (its fork check) and a DRBG call each time: two of a create's 24 system calls went to the job's
// id and its write id. A fork empties the buffer in the child, so that it never repeats its
// parent's bytes.
std::string uniqueBytes(size_t count);
std::string toHex(std::string_view bytes);
// Lower-case hex SHA-256 of the input.
std::string sha256Hex(std::string_view input);
// A new secret token: a prefix and 32 random bytes in hex.
std::string newSecretToken(std::string_view prefix);

}  // namespace rj
