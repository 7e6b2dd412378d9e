#pragma once
// Realistic demo clients: Russian companies with valid ИНН/КПП/ОГРН, real region names and
// industries, phones and e-mails; persons with Russian names linked to companies. The same
// seed gives the same data.
#include <cstdint>

#include "auth/model.hpp"

namespace sdelka::store { class Database; }

namespace sdelka::clients {

struct DemoCounts {
  std::int64_t companies = 0, persons = 0;
};

// Inserts `companies` companies and `persons` persons in batches of 5,000 rows per
// transaction, owned by the users of the sales and credit roles (round robin; `p` when there
// are none), and writes one audit record "demo" with the counts.
DemoCounts load_demo(store::Database& db, const auth::Principal& p, std::int64_t companies, std::int64_t persons,
                     std::uint64_t seed);

}  // namespace sdelka::clients
