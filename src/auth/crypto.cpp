#include "auth/crypto.hpp"

#include <sodium.h>

#include <semaphore>
#include <stdexcept>

namespace sdelka::auth {
namespace {
constexpr int kMaxHashes = 2;
std::counting_semaphore<kMaxHashes>& hash_slots() {
  static std::counting_semaphore<kMaxHashes> s(kMaxHashes);
  return s;
}
struct Slot {
  Slot() { hash_slots().acquire(); }
  ~Slot() { hash_slots().release(); }
};
}  // namespace

void crypto_init() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

int max_concurrent_hashes() { return kMaxHashes; }

std::string hash_password(std::string_view password) {
  Slot slot;
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    throw std::runtime_error("password hashing ran out of memory");
  return out;
}

bool verify_password(std::string_view password, const std::string& stored_hash) {
  Slot slot;
  return crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
}

void verify_dummy(std::string_view password) {
  static const std::string dummy = hash_password("sdelka-dummy-password");
  (void)verify_password(password, dummy);
}

std::string random_token() {
  unsigned char buf[32];
  randombytes_buf(buf, sizeof buf);
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, buf, sizeof buf, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

std::string token_hash(std::string_view token) {
  unsigned char h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr, 0);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

bool equal_ct(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace sdelka::auth
