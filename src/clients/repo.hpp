#pragma once
// SQL of the Clients context. Every function runs in the caller's transaction; parameters are
// always bound, never concatenated. Search uses FTS5 (tokenizer "ru") on SQLite and
// tsvector('russian') + trigram indexes on PostgreSQL.
#include <optional>
#include <string>
#include <vector>

#include "clients/model.hpp"

namespace sdelka::store {
class Database;
class Tx;
}  // namespace sdelka::store

namespace sdelka::clients::repo {

// Which rows a caller may see: everything, a department's, or one owner's.
struct Visibility {
  enum class Kind { all, department, own } kind = Kind::all;
  std::int64_t user_id = 0;
  std::optional<std::int64_t> department_id;
};

struct ListQuery {
  std::string q;  // search box text (already trimmed)
  std::string segment, region, industry, source;
  std::optional<std::int64_t> owner_id;
  std::string created_from, created_to;  // YYYY-MM-DD
  std::string sort = "new";              // "new" (newest first) | "name"
  std::optional<std::int64_t> after;     // keyset cursor: the last id of the previous page
  int limit = 50;
  bool include_archived = false;
  Visibility vis;
};

// Companies.
// index = false leaves the full-text entry to index_companies() (bulk import: one statement per
// batch, because FTS5 flushes its pending terms at every statement that writes to it).
std::int64_t insert_company(store::Tx& tx, const Company& c, const std::string& name_key, bool index = true);
// Adds the full-text entries of the companies with ids in [from, to] (SQLite; no-op elsewhere).
void index_companies(store::Tx& tx, std::int64_t from, std::int64_t to);
// The same for the persons with ids in [from, to].
void index_persons(store::Tx& tx, std::int64_t from, std::int64_t to);
// Merges the full-text index into one segment per table (SQLite): after a bulk load, so that
// later single writes do not keep paying for the incremental merges the load left behind.
void optimize_search_index(store::Tx& tx);
// Updates when the stored version equals c.version; returns false when it does not (stale).
bool update_company(store::Tx& tx, const Company& c, const std::string& name_key);
std::optional<Company> load_company(store::Tx& tx, std::int64_t id);
// One page (limit + 1 rows are read to know whether there is a next page).
std::vector<Company> list_companies(store::Tx& tx, const ListQuery& q);

// A record as a list page shows it: clients::list_row as stored with the record (list_json)
// and, for persons, whether a consent is in force (consents are not part of the row).
struct ListRow {
  std::int64_t id = 0;
  std::string row;
  bool consent_active = false;
};
// One page of list rows (limit + 1, as list_companies), the same records in the same order.
std::vector<ListRow> list_company_rows(store::Tx& tx, const ListQuery& q);
std::vector<ListRow> list_person_rows(store::Tx& tx, const ListQuery& q);
// Writes a record's list row again from what the database holds (after statements that change
// a record without the whole record at hand: a merge). type is "company" or "person".
void refresh_list_row(store::Tx& tx, const std::string& type, std::int64_t id);
// Writes the list rows that are still empty (after the migration that added them, or one that
// emptied them because the row's shape changed), `batch` records per transaction. Returns how
// many it wrote. Run after the migrations; cheap when there is nothing to do.
std::int64_t fill_list_rows(store::Database& db, int batch = 2000);

// Persons.
// index = false: as insert_company (the caller runs index_persons for the batch).
std::int64_t insert_person(store::Tx& tx, const Person& p, const std::string& name_key, bool index = true);
bool update_person(store::Tx& tx, const Person& p, const std::string& name_key);
std::optional<Person> load_person(store::Tx& tx, std::int64_t id);
std::vector<Person> list_persons(store::Tx& tx, const ListQuery& q);
void replace_links(store::Tx& tx, std::int64_t person_id, const std::vector<CompanyLink>& links);
std::int64_t insert_consent(store::Tx& tx, std::int64_t person_id, const Consent& c);
bool withdraw_consent(store::Tx& tx, std::int64_t person_id, std::int64_t consent_id, const std::string& at);

// Phones and e-mails of a new record (nothing to replace).
void insert_contacts(store::Tx& tx, const std::string& type, std::int64_t id, const std::vector<Phone>& phones,
                     const std::vector<Email>& emails);
// Phones and e-mails of either type.
void replace_contacts(store::Tx& tx, const std::string& type, std::int64_t id, const std::vector<Phone>& phones,
                      const std::vector<Email>& emails);

// Duplicate lookups: ids (of not archived, not merged records) matching exactly.
std::vector<std::int64_t> ids_by(store::Tx& tx, const std::string& type, const std::string& column,
                                 const std::string& value);
std::vector<std::int64_t> ids_by_phone(store::Tx& tx, const std::string& type, const std::string& number);
std::vector<std::int64_t> ids_by_email(store::Tx& tx, const std::string& type, const std::string& email);
// Ids whose name shares the first significant word of name_key (for similarity scoring), with
// their name keys; at most `limit`.
std::vector<std::pair<std::int64_t, std::string>> name_neighbours(store::Tx& tx, const std::string& type,
                                                                  const std::string& name_key, int limit);
// Who holds a record and what it is called: enough for a permission check and a candidate line
// (one query instead of loading the whole record with its phones and e-mails).
struct Holder {
  std::optional<std::int64_t> owner_id, department_id;
  std::string name;
};
std::optional<Holder> load_holder(store::Tx& tx, const std::string& type, std::int64_t id);
bool marked_not_duplicate(store::Tx& tx, const std::string& type, std::int64_t a, std::int64_t b);
void mark_not_duplicate(store::Tx& tx, const std::string& type, std::int64_t a, std::int64_t b, std::int64_t user_id);

// Merge: moves phones, e-mails, links and consents of `loser` to `survivor`, marks the loser
// archived and merged_into survivor.
void move_children(store::Tx& tx, const std::string& type, std::int64_t loser, std::int64_t survivor);
void mark_merged(store::Tx& tx, const std::string& type, std::int64_t loser, std::int64_t survivor);

}  // namespace sdelka::clients::repo
