#pragma once
// The staff context: users, departments, roles and job descriptions with acknowledgements, and
// the home page.
namespace sdelka::web { class Host; }

namespace sdelka::staff {
void register_staff(web::Host& host);
}  // namespace sdelka::staff
