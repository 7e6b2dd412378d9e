// PostgreSQL backend (libpq). Being written; see database.hpp for the contract.
#include "store/database.hpp"

namespace sdelka::store {
std::unique_ptr<Database> open_postgres(const std::string& url, const DbOptions&) {
  throw DbError(DbError::Kind::connection, "PostgreSQL backend unavailable in this build: " + url);
}
}  // namespace sdelka::store
