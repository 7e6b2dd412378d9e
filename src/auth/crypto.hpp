#pragma once
// Passwords (argon2id via libsodium) and random tokens. Thread-safe.
#include <string>
#include <string_view>

namespace sdelka::auth {

// Initialises libsodium; call once at start-up. Throws std::runtime_error if it cannot.
void crypto_init();

// argon2id hash (libsodium "interactive" limits: ~64 MiB, tens of ms). At most
// `max_concurrent_hashes()` hashes run at once process-wide; callers beyond that wait, so memory
// stays bounded under a burst of logins. Throws std::runtime_error when out of memory.
std::string hash_password(std::string_view password);
// True when password matches the stored hash (constant-time). Bounded like hash_password.
bool verify_password(std::string_view password, const std::string& stored_hash);
// Spends the same effort as a verification, for unknown logins (no timing oracle).
void verify_dummy(std::string_view password);
int max_concurrent_hashes();

// 32 random bytes as URL-safe base64 without padding (43 characters).
std::string random_token();
// Hex BLAKE2b-256 of a token: what the database stores for sessions and API tokens.
std::string token_hash(std::string_view token);
// Constant-time string comparison.
bool equal_ct(std::string_view a, std::string_view b);

}  // namespace sdelka::auth
