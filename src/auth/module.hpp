#pragma once
// The auth context: sign-in and sign-out pages, API tokens. The sign-in service itself is the
// platform's (web::Host::auth()), because the request pipeline authenticates every request.
namespace sdelka::web { class Host; }

namespace sdelka::auth {
void register_auth(web::Host& host);
}  // namespace sdelka::auth
