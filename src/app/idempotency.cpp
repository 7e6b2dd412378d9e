#include "app/idempotency.hpp"

#include <nlohmann/json.hpp>

#include "store/database.hpp"

namespace sdelka::web::idempotency {

ClaimResult claim(store::Database& db, std::int64_t user_id, const std::string& key, const std::string& request_hash) {
  ClaimResult out{Claim::taken, {}};
  db.write([&](store::Tx& tx) {
    tx.exec("DELETE FROM idempotency_keys WHERE user_id = ? AND created_at < ?", {user_id, store::iso_after(-24 * 3600)});
    auto r = tx.one("SELECT request_hash, status, response, headers, created_at FROM idempotency_keys WHERE user_id = ? AND idem_key = ?",
                    {user_id, key});
    if (!r) {
      tx.exec("INSERT INTO idempotency_keys (user_id, idem_key, request_hash, status, created_at) VALUES (?, ?, ?, 0, ?)",
              {user_id, key, request_hash, store::now_iso()});
      return;
    }
    if (r->str(0) != request_hash) {
      out.claim = Claim::mismatch;
      return;
    }
    if (r->i64(1) == 0) {
      // In progress — or left behind by a process that died after taking the key: a key busy for
      // longer than a request may take is free again, taken over only if nobody took it over
      // meanwhile (two retries at once: one runs).
      if (r->str(4) >= store::iso_after(-kAbandonSeconds) ||
          tx.exec("UPDATE idempotency_keys SET created_at = ? WHERE user_id = ? AND idem_key = ? AND status = 0 AND created_at = ?",
                  {store::now_iso(), user_id, key, r->str(4)}) != 1)
        out.claim = Claim::busy;
      return;
    }
    out.claim = Claim::replay;
    out.stored.status = static_cast<int>(r->i64(1));
    out.stored.body = r->str(2);
    const auto stored = nlohmann::json::parse(r->str(3));
    for (auto& [k, v] : stored.items()) out.stored.headers.emplace_back(k, v.get<std::string>());
  });
  return out;
}

void finish(store::Database& db, std::int64_t user_id, const std::string& key, const Stored& answer) {
  nlohmann::json h = nlohmann::json::object();
  for (auto& [k, v] : answer.headers) h[k] = v;
  db.write([&](store::Tx& tx) {
    tx.exec("UPDATE idempotency_keys SET status = ?, response = ?, headers = ? WHERE user_id = ? AND idem_key = ?",
            {std::int64_t{answer.status}, answer.body, h.dump(), user_id, key});
  });
}

void release(store::Database& db, std::int64_t user_id, const std::string& key) {
  db.write([&](store::Tx& tx) { tx.exec("DELETE FROM idempotency_keys WHERE user_id = ? AND idem_key = ?", {user_id, key}); });
}

}  // namespace sdelka::web::idempotency
