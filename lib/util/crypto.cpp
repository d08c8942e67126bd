#include "util/crypto.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>

#include <array>
#include <memory>
#include <stdexcept>

namespace rj {

namespace {
void fillRandom(unsigned char* bytes, size_t count) {
  if (RAND_bytes(bytes, static_cast<int>(count)) != 1) {
    throw std::runtime_error("no secure random bytes available");
  }
}

// A thread's unique bytes not handed out yet. On the heap, only for the threads that draw:
// thread_local storage in place would be set up for each of a stream process's thousands of
// threads.
struct UniqueByteBuffer {
  std::array<unsigned char, 512> bytes{};
  size_t used = 512;  // all of them: empty
};
thread_local std::unique_ptr<UniqueByteBuffer> uniqueBuffer;

// SHA-256 as fetched once from OpenSSL's providers. Passing EVP_sha256() makes every digest look
// the algorithm up again (a lock and a table lookup); every authenticated request hashes its
// token. Kept for the process's life; a fork's child keeps using it.
const EVP_MD* sha256Algorithm() {
  static EVP_MD* const fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return fetched != nullptr ? fetched : EVP_sha256();
}

// In a forked child the one thread left keeps its parent's buffer: emptied, it draws anew.
void emptyUniqueBufferAfterFork() {
  if (uniqueBuffer) uniqueBuffer->used = uniqueBuffer->bytes.size();
}
}  // namespace

std::string randomBytes(size_t count) {
  std::string bytes(count, '\0');
  fillRandom(reinterpret_cast<unsigned char*>(bytes.data()), count);
  return bytes;
}

std::string uniqueBytes(size_t count) {
  static const bool forkHandled = pthread_atfork(nullptr, nullptr, emptyUniqueBufferAfterFork) == 0;
  if (!forkHandled || count > 64) return randomBytes(count);
  if (!uniqueBuffer) uniqueBuffer = std::make_unique<UniqueByteBuffer>();
  UniqueByteBuffer& buffer = *uniqueBuffer;
  if (buffer.bytes.size() - buffer.used < count) {
    fillRandom(buffer.bytes.data(), buffer.bytes.size());
    buffer.used = 0;
  }
  std::string bytes(reinterpret_cast<const char*>(buffer.bytes.data() + buffer.used), count);
  buffer.used += count;
  return bytes;
}

std::string toHex(std::string_view bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    hex.push_back(digits[c >> 4]);
    hex.push_back(digits[c & 0x0F]);
  }
  return hex;
}

std::string sha256Hex(std::string_view input) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &length, sha256Algorithm(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 digest failed");
  }
  return toHex(std::string_view(reinterpret_cast<char*>(digest), length));
}

std::string newSecretToken(std::string_view prefix) {
  return std::string(prefix) + toHex(randomBytes(32));
}

}  // namespace rj
