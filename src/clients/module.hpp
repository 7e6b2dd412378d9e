#pragma once
// The clients context: companies and persons with requisites, contacts, consents, duplicates and
// merges, search, import and export.
#include <vector>

#include "auth/policy.hpp"

namespace sdelka::web { class Host; }

namespace sdelka::clients {
// The context's rows of the central policy (register_clients adds them; a command-line root that
// acts for a user adds them with auth::add_rules).
const std::vector<auth::Rule>& policy_rows();
void register_clients(web::Host& host);
}  // namespace sdelka::clients
