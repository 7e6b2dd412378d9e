#pragma once
// The auth context's route registration, internal to the context (module.cpp calls them).
namespace sdelka::web { class Host; }

namespace sdelka::auth {
void register_auth_api(web::Host& app);
void register_auth_pages(web::Host& app);
}  // namespace sdelka::auth
