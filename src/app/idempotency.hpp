#pragma once
// The repository of Idempotency-Keys (table idempotency_keys): a POST with a key is run once per
// user and key; a retry gets the stored answer. Kept in the database, so that it holds across
// server processes.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sdelka::store { class Database; }

namespace sdelka::web::idempotency {

struct Stored {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

enum class Claim {
  taken,     // the key is this request's now: run it, then finish() or release()
  replay,    // answered before: `stored` is the answer
  busy,      // another request with this key is running
  mismatch,  // the key was used for a different request
};

struct ClaimResult {
  Claim claim;
  Stored stored;
};

// A key still in progress after this long was taken by a request that never finished (its process
// died; the handler timeout is 120 s) and is free again. Keys are forgotten after a day.
inline constexpr std::int64_t kAbandonSeconds = 180;

// In one transaction: forgets the user's keys older than a day, then takes the key for a request
// whose hash is `request_hash`, or tells why not.
ClaimResult claim(store::Database& db, std::int64_t user_id, const std::string& key, const std::string& request_hash);
// Stores the answer of a request that took the key.
void finish(store::Database& db, std::int64_t user_id, const std::string& key, const Stored& answer);
// Frees the key (the request failed in a way a retry may mend: a 5xx, an exception).
void release(store::Database& db, std::int64_t user_id, const std::string& key);

}  // namespace sdelka::web::idempotency
