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

}  // namespace

void register_record_type(std::string type, SubjectLoader loader) {
  auto& r = registry();
  std::lock_guard g(r.mu);
  r.loaders[std::move(type)] = std::move(loader);
}

bool may_see(store::Tx& tx, const Principal& p, std::string_view type, std::int64_t id) {
  if (id <= 0) return false;
  const auto s = loader_of(type)(tx, id);
  return s && allowed(tx, p, Action::read, *s);
}

void require_reference(store::Tx& tx, const Principal& p, std::string_view type, std::int64_t id,
                       const std::string& field, const std::string& message_key) {
  if (may_see(tx, p, type, id)) return;
  throw core::DomainError{core::ErrorKind::invalid, i18n::t(p.lang, "err.validation"), "",
                          {{field, i18n::t(p.lang, message_key), "unknown"}}};
}

}  // namespace sdelka::auth
