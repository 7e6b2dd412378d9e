#pragma once
// The audit context: the audit log's list and page, for the security service and administrators.
// (audit/audit.hpp is what every other context calls to write the log.)
namespace sdelka::web { class Host; }

namespace sdelka::audit {
void register_audit(web::Host& host);
}  // namespace sdelka::audit
