#include "auth/module.hpp"

#include "auth/routes.hpp"
#include "web/host.hpp"

namespace sdelka::auth {

void register_auth(web::Host& host) {
  register_auth_api(host);
  register_auth_pages(host);
}

}  // namespace sdelka::auth
