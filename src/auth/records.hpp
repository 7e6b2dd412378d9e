#pragma once
// The one check every link between records goes through: may this principal see record X of type
// T, and so reference it from another record (a person's company, a company's referrer, and later a
// deal's client, an invoice's payer, a loan application's borrower)?
//
// Each context registers, once per record type it owns, how to find a record's owner, department
// and confidentiality (register_record_type); the check then asks the central policy
// (auth::allowed, Action::read) on that subject. "Does not exist" and "exists but you may not see
// it" give the same answer, so a reference reveals nothing about records the principal cannot see.
//
// Thread-safety: registration happens while the application starts (before requests are served);
// the checks may run concurrently afterwards.
#include <cstdint>
#include <functional>
#include <map>
#include <utility>
#include <optional>
#include <string>
#include <string_view>

#include "auth/model.hpp"
#include "auth/policy.hpp"

namespace sdelka::store { class Tx; }

namespace sdelka::auth {

// The subject of record `id` (owner, department, confidential) read in `tx`, or nullopt when there is
// no such record (or it was merged away).
using SubjectLoader = std::function<std::optional<Subject>(store::Tx& tx, std::int64_t id)>;

// Registers the loader of a record type ("company", "person", …). Registering a type again replaces
// its loader. `confidential`: records of the type may be confidential (then even a principal who
// reads all of the type is checked record by record, against the access list).
void register_record_type(std::string type, SubjectLoader loader, bool confidential = false);

// True when record (type, id) exists and p may read it. A type nobody registered is a programming
// error: std::logic_error.
bool may_see(store::Tx& tx, const Principal& p, std::string_view type, std::int64_t id);

// may_see for many records of one principal in one transaction, each asked once: a page of records
// linking to the same few others costs a query per distinct record, and none at all for a principal
// who reads every record of a type that has no confidential ones. Not thread-safe; short-lived.
class SeenCache {
 public:
  SeenCache(store::Tx& tx, const Principal& p) : tx_(tx), p_(p) {}
  bool sees(std::string_view type, std::int64_t id);
  // True when sees() says yes to every existing record of the type without asking (no query).
  bool sees_all(std::string_view type) const;
  store::Tx& tx() { return tx_; }
  const Principal& principal() const { return p_; }

 private:
  store::Tx& tx_;
  const Principal& p_;
  std::map<std::pair<std::string, std::int64_t>, bool, std::less<>> seen_;
};

// For a field that references another record: throws core::DomainError (invalid, 422) naming `field`
// with code "unknown" and the message of `message_key` in p's language unless may_see(). The same
// error for a record that does not exist and for one p may not see.
void require_reference(store::Tx& tx, const Principal& p, std::string_view type, std::int64_t id,
                       const std::string& field, const std::string& message_key = "err.record_unknown");

}  // namespace sdelka::auth
