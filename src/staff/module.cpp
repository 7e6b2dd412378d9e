#include "staff/module.hpp"

#include <memory>

#include "auth/limiter.hpp"
#include "staff/routes.hpp"
#include "staff/service.hpp"
#include "web/host.hpp"

namespace sdelka::staff {

void register_staff(web::Host& host) {
  auto& staff = host.keep(std::make_unique<StaffService>(host.db(), auth::limiter_options(host.options().auth)));
  register_staff_api(host, staff);
  register_staff_pages(host, staff);
  using auth::Action;
  using auth::Scope;
  host.add_nav({"/jobs", "nav.jobs", Action::read, "job_description", Scope::own, 30});
  host.add_nav({"/admin/users", "nav.users", Action::manage, "user", Scope::all, 40});
}

}  // namespace sdelka::staff
