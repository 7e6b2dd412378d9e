#include "audit/module.hpp"

#include "audit/routes.hpp"
#include "web/host.hpp"

namespace sdelka::audit {

void register_audit(web::Host& host) {
  register_audit_api(host);
  register_audit_pages(host);
  host.add_nav({"/audit", "nav.audit", auth::Action::read, "audit", auth::Scope::all, 50});
}

}  // namespace sdelka::audit
