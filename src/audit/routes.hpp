#pragma once
// The audit context's route registration, internal to the context (module.cpp calls them).
namespace sdelka::web { class Host; }

namespace sdelka::audit {
void register_audit_api(web::Host& app);
void register_audit_pages(web::Host& app);
}  // namespace sdelka::audit
