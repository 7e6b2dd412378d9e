#pragma once
#include <string>

namespace sdelka::staff { class StaffService; }

namespace sdelka::app {
// Departments, one user per role (with `password`) and a sample job description.
void load_platform_demo(staff::StaffService& staff, const std::string& password);
}  // namespace sdelka::app
