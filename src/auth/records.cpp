#include "auth/records.hpp"

#include <map>
#include <mutex>
#include <stdexcept>

#include "core/error.hpp"
#include "i18n/i18n.hpp"

namespace sdelka::auth {
namespace {

struct Registry {
  std::mutex mu;
  std::map<std::string, SubjectLoader, std::less<>> loaders;
  std::map<std::string, bool, std::less<>> confidential;
};

Registry& registry() {
  static Registry r;
  return r;
}

const SubjectLoader& loader_of(std::string_view type) {
  auto& r = registry();
  std::lock_guard g(r.mu);
  auto it = r.loaders.find(type);
  if (it == r.loaders.end()) throw std::logic_error("no record type registered as " + std::string(type));
  return it->second;  // map nodes are stable; loaders are not removed
}

bool may_be_confidential(std::string_view type) {
  auto& r = registry();
  std::lock_guard g(r.mu);
  auto it = r.confidential.find(type);
  return it == r.confidential.end() || it->second;
}

}  // namespace

void register_record_type(std::string type, SubjectLoader loader, bool confidential) {
  auto& r = registry();
  std::lock_guard g(r.mu);
  r.confidential[type] = confidential;
  r.loaders[std::move(type)] = std::move(loader);
}

bool may_see(store::Tx& tx, const Principal& p, std::string_view type, std::int64_t id) {
  if (id <= 0) return false;
  const auto s = loader_of(type)(tx, id);
  return s && allowed(tx, p, Action::read, *s);
}

bool SeenCache::sees_all(std::string_view type) const {
  return !may_be_confidential(type) && scope_for(p_, Action::read, type) == Scope::all;
}

bool SeenCache::sees(std::string_view type, std::int64_t id) {
  // A principal who reads every record of a type without confidential ones sees each that exists;
  // the ids asked about here come from stored links, which point at existing records.
  if (sees_all(type)) return id > 0;
  auto key = std::make_pair(std::string(type), id);
  if (auto it = seen_.find(key); it != seen_.end()) return it->second;
  const bool yes = may_see(tx_, p_, type, id);
  seen_.emplace(std::move(key), yes);
  return yes;
}

void require_reference(store::Tx& tx, const Principal& p, std::string_view type, std::int64_t id,
                       const std::string& field, const std::string& message_key) {
  if (may_see(tx, p, type, id)) return;
  throw core::DomainError{core::ErrorKind::invalid, i18n::t(p.lang, "err.validation"), "",
                          {{field, i18n::t(p.lang, message_key), "unknown"}}};
}

}  // namespace sdelka::auth
