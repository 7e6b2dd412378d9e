#pragma once
// The staff context's route registration, internal to the context (module.cpp calls them).
namespace sdelka::web { class Host; }

namespace sdelka::staff {
class StaffService;
void register_staff_api(web::Host& app, StaffService& staff);
void register_staff_pages(web::Host& app, StaffService& staff);
}  // namespace sdelka::staff
