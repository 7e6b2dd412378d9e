#include "clients/repo.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <type_traits>
#include <unordered_map>

#include "core/ru/email.hpp"
#include "core/ru/names.hpp"
#include "core/ru/phone.hpp"
#include "store/database.hpp"
#include "store/fts_ru.hpp"
#include "store/search_pg.hpp"

namespace sdelka::clients::repo {
namespace {

using store::Param;
using store::Params;
using store::Row;
using store::Tx;

const char* kCompanyCols =
    "c.id, c.name, c.inn, c.kpp, c.ogrn, c.segment, c.industry, c.region, c.size, c.source, c.referrer_company_id, "
    "c.bank_bik, c.bank_account, c.address, c.website, c.note, c.owner_id, c.department_id, c.archived, c.version, "
    "c.created_at, c.updated_at";

// R is a Row or a Cursor (the same accessors).
template <class R>
Company company_row(const R& r) {
  Company c;
  c.id = r.i64(0);
  c.name = r.str(1);
  c.inn = r.opt_str(2);
  c.kpp = r.opt_str(3);
  c.ogrn = r.opt_str(4);
  c.segment = r.str(5);
  c.industry = r.str(6);
  c.region = r.str(7);
  c.size = r.str(8);
  c.source = r.str(9);
  c.referrer_company_id = r.opt_i64(10);
  c.bank_bik = r.opt_str(11);
  c.bank_account = r.opt_str(12);
  c.address = r.str(13);
  c.website = r.str(14);
  c.note = r.str(15);
  c.owner_id = r.opt_i64(16);
  c.department_id = r.opt_i64(17);
  c.archived = r.i64(18) != 0;
  c.version = r.i64(19);
  c.created_at = r.str(20);
  c.updated_at = r.str(21);
  return c;
}

const char* kPersonCols =
    "c.id, c.last_name, c.first_name, c.middle_name, c.inn, c.birthday, c.segment, c.region, c.source, c.note, "
    "c.owner_id, c.department_id, c.archived, c.version, c.created_at, c.updated_at";

template <class R>
Person person_row(const R& r) {
  Person p;
  p.id = r.i64(0);
  p.last_name = r.str(1);
  p.first_name = r.str(2);
  p.middle_name = r.str(3);
  p.inn = r.opt_str(4);
  p.birthday = r.opt_str(5);
  p.segment = r.str(6);
  p.region = r.str(7);
  p.source = r.str(8);
  p.note = r.str(9);
  p.owner_id = r.opt_i64(10);
  p.department_id = r.opt_i64(11);
  p.archived = r.i64(12) != 0;
  p.version = r.i64(13);
  p.created_at = r.str(14);
  p.updated_at = r.str(15);
  return p;
}

Param opt(const std::optional<std::string>& v) { return store::opt(v); }
std::string table_of(const std::string& type) { return type == "company" ? "companies" : "persons"; }

// The list row a record will have after an UPDATE that bumps its version.
template <class T>
std::string next_version_row(const T& r) {
  T next = r;
  ++next.version;
  return list_row(next);
}

// The alphabetical key: folded name (ё = е) without quotes and a leading legal form, so that
// «ООО «Альфа»» sorts under А, in Cyrillic order on both backends (code-point order).
std::string sort_key(const std::string& name) {
  std::string f = core::ru::text_fold(name);
  std::string out;
  for (std::size_t i = 0; i < f.size();) {
    // Skip «»“”„"' (UTF-8 and ASCII quotes).
    static const char* quotes[] = {"\xC2\xAB", "\xC2\xBB", "\xE2\x80\x9C", "\xE2\x80\x9D", "\xE2\x80\x9E", "\"", "'"};
    bool skipped = false;
    for (const char* q : quotes) {
      std::size_t n = std::strlen(q);
      if (f.compare(i, n, q) == 0) {
        i += n;
        skipped = true;
        break;
      }
    }
    if (!skipped) out += f[i++];
  }
  static const char* forms[] = {"ооо ", "ао ", "пао ", "зао ", "оао ", "ип ", "нко ", "ooo "};
  for (const char* form : forms)
    if (out.rfind(form, 0) == 0) {
      out.erase(0, std::strlen(form));
      break;
    }
  auto b = out.find_first_not_of(' ');
  return b == std::string::npos ? std::string() : out.substr(b);
}
Param opt(const std::optional<std::int64_t>& v) { return store::opt(v); }

// The full-text rows (SQLite) are keyed by the negated record id (migration 0006): newest
// first is then FTS5's ascending rowid order, which it walks several times faster than
// descending (and without loading whole doclists for a keyset "rowid < x"). FTS5 writes out its
// pending terms whenever a transaction inserts a rowid not above the previous one, so bulk
// inserts go in descending id order (ascending rowid).
std::int64_t fts_rowid(std::int64_t id) { return -id; }

void index_company(Tx& tx, const Company& c, bool fresh = false) {
  if (tx.backend() != store::Backend::sqlite) return;  // PostgreSQL keeps a generated tsvector
  if (!fresh) tx.exec("DELETE FROM companies_fts WHERE rowid = ?", {fts_rowid(c.id)});
  tx.exec("INSERT INTO companies_fts (rowid, name, region, industry) VALUES (?, ?, ?, ?)",
          {fts_rowid(c.id), c.name, c.region, c.industry});
}

void index_person(Tx& tx, const Person& p, bool fresh = false) {
  if (tx.backend() != store::Backend::sqlite) return;
  if (!fresh) tx.exec("DELETE FROM persons_fts WHERE rowid = ?", {fts_rowid(p.id)});
  tx.exec("INSERT INTO persons_fts (rowid, name, region) VALUES (?, ?, ?)", {fts_rowid(p.id), p.full_name(), p.region});
}

// " WHERE <column> …" selecting the rows of `items` by id, with its parameters: a range when
// the ids are dense (a page of the newest records: one scan of an index), else one seek per id.
template <class T>
std::string ids_where(const std::vector<T>& items, const char* column, Params& params) {
  std::int64_t lo = items.front().id, hi = lo;
  for (const auto& it : items) lo = std::min(lo, it.id), hi = std::max(hi, it.id);
  if (hi - lo < 2 * static_cast<std::int64_t>(items.size())) {
    params.push_back(lo);
    params.push_back(hi);
    return std::string(column) + " BETWEEN ? AND ?";
  }
  std::string in = std::string(column) + " IN (";
  for (std::size_t i = 0; i < items.size(); ++i) {
    in += i ? ",?" : "?";
    params.push_back(items[i].id);
  }
  return in + ")";
}

// Loads phones and e-mails of many records with one query each.
template <class T>
void attach_contacts(Tx& tx, const std::string& type, std::vector<T>& items) {
  if (items.empty()) return;
  std::unordered_map<std::int64_t, T*> by_id;
  for (auto& it : items) by_id[it.id] = &it;
  Params params{type};
  const std::string where = " WHERE object_type = ? AND " + ids_where(items, "object_id", params);
  auto add = [&](const store::Cursor& r, auto member) {
    auto found = by_id.find(r.i64(0));
    if (found != by_id.end()) (found->second->*member).push_back({r.str(1), r.str(2)});
  };
  tx.each("SELECT object_id, number, type FROM client_phones" + where + " ORDER BY object_id, position", params,
          [&](const store::Cursor& r) { add(r, &T::phones); });
  tx.each("SELECT object_id, email, type FROM client_emails" + where + " ORDER BY object_id, position", params,
          [&](const store::Cursor& r) { add(r, &T::emails); });
}

// Whether each person of a list page has a consent in force (lists do not load consents):
// sets `flag` of those that do.
template <class T, class Owner>
void attach_consent_flags(Tx& tx, std::vector<T>& items, bool Owner::*flag) {
  if (items.empty()) return;
  std::unordered_map<std::int64_t, T*> by_id;
  for (auto& it : items) by_id[it.id] = &it;
  Params params;
  const std::string where = ids_where(items, "person_id", params);
  tx.each("SELECT DISTINCT person_id FROM consents WHERE withdrawn_at IS NULL AND " + where, params,
          [&](const store::Cursor& r) {
            auto found = by_id.find(r.i64(0));
            if (found != by_id.end()) found->second->*flag = true;
          });
}

// The columns of a stored list page (list_company_rows, list_person_rows).
const char* kCompanyRowCols = "c.id, c.list_json, c.name, c.region, c.industry";
const char* kPersonRowCols = "c.id, c.list_json, c.last_name, c.first_name, c.middle_name, c.region";
ListRow stored_row(const store::Cursor& r) {
  ListRow s;
  s.id = r.i64(0);
  s.row = r.text(1);
  return s;
}

// The common WHERE of list queries; `alias` is "c".
void add_filters(const ListQuery& q, std::string& sql, Params& params, bool company) {
  if (!q.include_archived) sql += " AND c.archived = 0";
  sql += " AND c.merged_into IS NULL";
  if (!q.segment.empty()) { sql += " AND c.segment = ?"; params.push_back(q.segment); }
  if (!q.region.empty()) { sql += " AND c.region = ?"; params.push_back(q.region); }
  if (company && !q.industry.empty()) { sql += " AND c.industry = ?"; params.push_back(q.industry); }
  if (!q.source.empty()) { sql += " AND c.source = ?"; params.push_back(q.source); }
  if (q.owner_id) { sql += " AND c.owner_id = ?"; params.push_back(*q.owner_id); }
  if (!q.created_from.empty()) { sql += " AND c.created_at >= ?"; params.push_back(q.created_from); }
  if (!q.created_to.empty()) { sql += " AND c.created_at <= ?"; params.push_back(q.created_to + "T23:59:59.999Z"); }
  switch (q.vis.kind) {
    case Visibility::Kind::all: break;
    case Visibility::Kind::department:
      sql += " AND (c.department_id = ? OR c.owner_id = ?)";
      params.push_back(opt(q.vis.department_id));
      params.push_back(q.vis.user_id);
      break;
    case Visibility::Kind::own:
      sql += " AND c.owner_id = ?";
      params.push_back(q.vis.user_id);
      break;
  }
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

// True when q is searched as words (not an e-mail, a phone or an identifier number).
bool is_text_search(const std::string& q) {
  if (q.empty() || q.find('@') != std::string::npos || core::ru::phone_search_key(q)) return false;
  return !(all_digits(q) && (q.size() == 10 || q.size() == 12 || q.size() == 13 || q.size() == 15));
}

// Builds the search part: which ids match q. Returns a SQL fragment "AND c.id IN (…)" or a
// join, with its parameters, or "" when q is empty.
std::string search_clause(Tx& tx, const std::string& type, const std::string& q, Params& params) {
  if (q.empty()) return "";
  const std::string table = type == "company" ? "companies" : "persons";
  if (q.find('@') != std::string::npos) {
    params.push_back(type);
    params.push_back(core::ru::email_key(q).value_or(q));
    return " AND c.id IN (SELECT object_id FROM client_emails WHERE object_type = ? AND email = ?)";
  }
  if (auto phone = core::ru::phone_search_key(q)) {
    params.push_back(type);
    params.push_back("+" + *phone);  // stored numbers are "+7…" / E.164; the key is digits only
    return " AND c.id IN (SELECT object_id FROM client_phones WHERE object_type = ? AND number = ?)";
  }
  if (all_digits(q) && (q.size() == 10 || q.size() == 12 || q.size() == 13 || q.size() == 15)) {
    params.push_back(q);
    if (type == "company") {
      params.push_back(q);
      return " AND (c.inn = ? OR c.ogrn = ?)";
    }
    return " AND c.inn = ?";
  }
  if (tx.backend() == store::Backend::sqlite) {
    auto match = store::fts_query_ru(q);
    if (match.empty()) return " AND 1 = 0";
    params.push_back(match);
    return " AND c.id IN (SELECT -rowid FROM " + table + "_fts WHERE " + table + "_fts MATCH ?)";
  }
  auto pq = store::pg_search::query(q);
  if (pq.empty()) return " AND 1 = 0";
  for (auto& prm : pq.match_params()) params.push_back(prm);
  params.push_back(pq.like_prefix);
  return " AND (c.name_tsv @@ " + std::string(store::pg_search::kTsQuerySql) + " OR c.name_fold LIKE ?)";
}

// FtsPlan::matches() on the texts a record is indexed with (index_company: name, region,
// industry; index_person: the full name, region), read in place from a cursor's columns.
template <int Name, int Region, int Industry>
bool company_texts_match(const store::FtsPlan& plan, const store::Cursor& r) {
  return plan.matches({r.text(Name), r.text(Region), r.text(Industry)});
}
template <int LastName, int Region>  // first and middle name follow the last name
bool person_texts_match(const store::FtsPlan& plan, const store::Cursor& r) {
  return plan.matches({full_name(r.text(LastName), r.text(LastName + 1), r.text(LastName + 2)), r.text(Region)});
}

// Rows read from the broad expression of a search before falling back to the exact one.
constexpr int kBroadBudget = 400;

// Reads one list page: rows become T through row_fn. texts_match(plan, cursor) applies a search
// plan's exact check to the texts a row was indexed with, read in place from the cursor.
template <class T, class RowFn, class TextsMatch>
std::vector<T> list_common(Tx& tx, const ListQuery& q, const std::string& type, const char* cols, RowFn row_fn,
                           TextsMatch texts_match) {
  const bool company = type == "company";
  const std::string table = company ? "companies" : "persons";
  // Words on SQLite, newest first: walk the full-text index itself in descending rowid order so
  // that the query stops after one page instead of collecting every match of a common word.
  const bool fts_walk = tx.backend() == store::Backend::sqlite && q.sort != "name" && is_text_search(q.q);
  // Runs the list query for `match` (a MATCH expression when walking the index): at most
  // `limit` rows after the row `after` (keyset), each given to sink(cursor). Returns how many.
  auto run = [&](const std::string& match, std::int64_t limit, std::optional<std::int64_t> after, auto&& sink) {
    Params params;
    std::string sql;
    if (fts_walk) {
      sql = std::string("SELECT ") + cols + " FROM " + table + "_fts f JOIN " + table + " c ON c.id = -f.rowid WHERE " +
            table + "_fts MATCH ?";
      params.push_back(match);
    } else {
      sql = std::string("SELECT ") + cols + " FROM " + table + " c WHERE 1 = 1";
      sql += search_clause(tx, type, q.q, params);
    }
    add_filters(q, sql, params, company);
    if (q.sort == "name") {
      if (after) {
        sql += " AND (c.sort_key, c.id) > (SELECT sort_key, id FROM " + table + " WHERE id = ?)";
        params.push_back(*after);
      }
      sql += " ORDER BY c.sort_key, c.id LIMIT ?";
    } else if (fts_walk) {
      if (after) {
        sql += " AND f.rowid > ?";
        params.push_back(fts_rowid(*after));
      }
      sql += " ORDER BY f.rowid LIMIT ?";  // newest first (see fts_rowid)
    } else {
      if (after) {
        sql += " AND c.id < ?";
        params.push_back(*after);
      }
      sql += " ORDER BY c.id DESC LIMIT ?";
    }
    params.push_back(limit);
    std::int64_t n = 0;
    tx.each(sql, params, [&](const store::Cursor& r) {
      ++n;
      sink(r);
    });
    return n;
  };
  const auto page = static_cast<std::int64_t>(q.limit + 1);
  std::vector<T> out;
  auto keep = [&](const store::Cursor& r) { out.push_back(row_fn(r)); };
  if (fts_walk) {
    auto plan = store::fts_plan_ru(q.q);
    if (plan.match.empty()) return {};
    bool done = false;
    if (!plan.broad.empty()) {
      // A superset in the same order, answered from the prefix indexes, read a page at a time;
      // its rows that the exact expression finds are the page, unless the superset turns out
      // too wide to give a page within kBroadBudget rows.
      std::optional<std::int64_t> after = q.after;
      for (std::int64_t read = 0; !done && read < kBroadBudget;) {
        const auto n = run(plan.broad, page, after, [&](const store::Cursor& r) {
          after = r.i64(0);
          if (static_cast<std::int64_t>(out.size()) < page && texts_match(plan, r)) keep(r);
        });
        read += n;
        done = n < page || static_cast<std::int64_t>(out.size()) == page;  // superset exhausted, or a page
      }
    }
    if (!done) {
      out.clear();
      run(plan.match, page, q.after, keep);
    }
  } else {
    run(std::string(), page, q.after, keep);
  }
  if constexpr (std::is_same_v<T, ListRow>) {
    for (auto& r : out)
      if (r.row.empty()) {  // not written yet (fill_list_rows): from the columns
        if (company) r.row = list_row(*load_company(tx, r.id));
        else r.row = list_row(*load_person(tx, r.id));
      }
    if (!company) attach_consent_flags(tx, out, &ListRow::consent_active);
  } else {
    attach_contacts(tx, type, out);
    if constexpr (std::is_same_v<T, Person>) attach_consent_flags(tx, out, &Person::stored_consent_active);
  }
  return out;
}

}  // namespace

std::int64_t insert_company(Tx& tx, const Company& c, const std::string& name_key, bool index) {
  auto r = tx.one(
      "INSERT INTO companies (name, name_key, sort_key, inn, kpp, ogrn, segment, industry, region, size, source, "
      "referrer_company_id, bank_bik, bank_account, address, website, note, owner_id, department_id, created_at, "
      "updated_at, version, archived, list_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?) RETURNING id",
      {c.name, name_key, sort_key(c.name), opt(c.inn), opt(c.kpp), opt(c.ogrn), c.segment, c.industry, c.region, c.size, c.source,
       opt(c.referrer_company_id), opt(c.bank_bik), opt(c.bank_account), c.address, c.website, c.note, opt(c.owner_id),
       opt(c.department_id), c.created_at, c.updated_at, c.version, std::int64_t{c.archived ? 1 : 0}, list_row(c)});
  Company saved = c;
  saved.id = r->i64(0);
  insert_contacts(tx, "company", saved.id, c.phones, c.emails);
  if (index) index_company(tx, saved, /*fresh=*/true);
  return saved.id;
}

void index_companies(Tx& tx, std::int64_t from, std::int64_t to) {
  if (tx.backend() != store::Backend::sqlite || from > to) return;
  tx.exec("INSERT INTO companies_fts (rowid, name, region, industry) SELECT -id, name, region, industry FROM companies "
          "WHERE id >= ? AND id <= ? ORDER BY id DESC",
          {from, to});
}

void index_persons(Tx& tx, std::int64_t from, std::int64_t to) {
  if (tx.backend() != store::Backend::sqlite || from > to) return;  // PostgreSQL keeps a generated tsvector
  // The name as Person::full_name() joins it: the non-empty parts with one space between.
  tx.exec("INSERT INTO persons_fts (rowid, name, region) SELECT -id, TRIM(last_name || CASE WHEN first_name = '' THEN '' "
          "ELSE ' ' || first_name END || CASE WHEN middle_name = '' THEN '' ELSE ' ' || middle_name END), region "
          "FROM persons WHERE id >= ? AND id <= ? ORDER BY id DESC",
          {from, to});
}

void optimize_search_index(Tx& tx) {
  if (tx.backend() != store::Backend::sqlite) return;
  tx.exec("INSERT INTO companies_fts (companies_fts) VALUES ('optimize')");
  tx.exec("INSERT INTO persons_fts (persons_fts) VALUES ('optimize')");
}

bool update_company(Tx& tx, const Company& c, const std::string& name_key) {
  auto n = tx.exec(
      "UPDATE companies SET name = ?, name_key = ?, sort_key = ?, inn = ?, kpp = ?, ogrn = ?, segment = ?, industry = ?, region = ?, "
      "size = ?, source = ?, referrer_company_id = ?, bank_bik = ?, bank_account = ?, address = ?, website = ?, note = ?, "
      "owner_id = ?, department_id = ?, archived = ?, updated_at = ?, version = version + 1, list_json = ? "
      "WHERE id = ? AND version = ?",
      {c.name, name_key, sort_key(c.name), opt(c.inn), opt(c.kpp), opt(c.ogrn), c.segment, c.industry, c.region, c.size,
       c.source, opt(c.referrer_company_id), opt(c.bank_bik), opt(c.bank_account), c.address, c.website, c.note,
       opt(c.owner_id), opt(c.department_id), std::int64_t{c.archived ? 1 : 0}, c.updated_at, next_version_row(c), c.id,
       c.version});
  if (n != 1) return false;
  replace_contacts(tx, "company", c.id, c.phones, c.emails);
  index_company(tx, c);
  return true;
}

std::optional<Company> load_company(Tx& tx, std::int64_t id) {
  auto r = tx.one(std::string("SELECT ") + kCompanyCols + " FROM companies c WHERE c.id = ?", {id});
  if (!r) return std::nullopt;
  std::vector<Company> one{company_row(*r)};
  attach_contacts(tx, "company", one);
  return one.front();
}

std::vector<Company> list_companies(Tx& tx, const ListQuery& q) {
  return list_common<Company>(tx, q, "company", kCompanyCols, [](const store::Cursor& r) { return company_row(r); },
                              company_texts_match<1, 7, 6>);
}

std::vector<ListRow> list_company_rows(Tx& tx, const ListQuery& q) {
  return list_common<ListRow>(tx, q, "company", kCompanyRowCols, stored_row, company_texts_match<2, 3, 4>);
}

std::vector<ListRow> list_person_rows(Tx& tx, const ListQuery& q) {
  return list_common<ListRow>(tx, q, "person", kPersonRowCols, stored_row, person_texts_match<2, 5>);
}

void refresh_list_row(Tx& tx, const std::string& type, std::int64_t id) {
  if (type == "company") {
    if (auto c = load_company(tx, id)) tx.exec("UPDATE companies SET list_json = ? WHERE id = ?", {list_row(*c), id});
  } else if (auto p = load_person(tx, id)) {
    tx.exec("UPDATE persons SET list_json = ? WHERE id = ?", {list_row(*p), id});
  }
}

std::int64_t fill_list_rows(store::Database& db, int batch) {
  batch = std::max(batch, 1);
  std::int64_t filled = 0;
  auto fill = [&](const std::string& type, const char* cols, auto row_fn) {
    const std::string table = table_of(type);
    for (std::size_t n = static_cast<std::size_t>(batch); n == static_cast<std::size_t>(batch);) {
      db.write([&](Tx& tx) {
        using T = decltype(row_fn(std::declval<const store::Cursor&>()));
        std::vector<T> rows;
        tx.each(std::string("SELECT ") + cols + " FROM " + table + " c WHERE c.list_json = '' ORDER BY c.id LIMIT ?",
                {static_cast<std::int64_t>(batch)}, [&](const store::Cursor& r) { rows.push_back(row_fn(r)); });
        attach_contacts(tx, type, rows);
        for (const auto& r : rows) tx.exec("UPDATE " + table + " SET list_json = ? WHERE id = ?", {list_row(r), r.id});
        n = rows.size();
      });
      filled += static_cast<std::int64_t>(n);
    }
  };
  fill("company", kCompanyCols, [](const store::Cursor& r) { return company_row(r); });
  fill("person", kPersonCols, [](const store::Cursor& r) { return person_row(r); });
  return filled;
}

std::int64_t insert_person(Tx& tx, const Person& p, const std::string& name_key, bool index) {
  auto r = tx.one(
      "INSERT INTO persons (last_name, first_name, middle_name, name_key, sort_key, inn, birthday, segment, region, source, note, "
      "owner_id, department_id, created_at, updated_at, version, archived, list_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {p.last_name, p.first_name, p.middle_name, name_key, sort_key(p.full_name()), opt(p.inn), opt(p.birthday), p.segment, p.region, p.source,
       p.note, opt(p.owner_id), opt(p.department_id), p.created_at, p.updated_at, p.version,
       std::int64_t{p.archived ? 1 : 0}, list_row(p)});
  Person saved = p;
  saved.id = r->i64(0);
  insert_contacts(tx, "person", saved.id, p.phones, p.emails);
  for (const auto& l : p.companies)
    tx.exec("INSERT INTO person_companies (person_id, company_id, position, decision_maker) VALUES (?, ?, ?, ?)",
            {saved.id, l.company_id, l.position, std::int64_t{l.decision_maker ? 1 : 0}});
  if (index) index_person(tx, saved, /*fresh=*/true);
  return saved.id;
}

bool update_person(Tx& tx, const Person& p, const std::string& name_key) {
  auto n = tx.exec(
      "UPDATE persons SET last_name = ?, first_name = ?, middle_name = ?, name_key = ?, sort_key = ?, inn = ?, birthday = ?, "
      "segment = ?, region = ?, source = ?, note = ?, owner_id = ?, department_id = ?, archived = ?, updated_at = ?, "
      "version = version + 1, list_json = ? WHERE id = ? AND version = ?",
      {p.last_name, p.first_name, p.middle_name, name_key, sort_key(p.full_name()), opt(p.inn), opt(p.birthday), p.segment,
       p.region, p.source, p.note, opt(p.owner_id), opt(p.department_id), std::int64_t{p.archived ? 1 : 0}, p.updated_at,
       next_version_row(p), p.id, p.version});
  if (n != 1) return false;
  replace_contacts(tx, "person", p.id, p.phones, p.emails);
  replace_links(tx, p.id, p.companies);
  index_person(tx, p);
  return true;
}

std::optional<Person> load_person(Tx& tx, std::int64_t id) {
  auto r = tx.one(std::string("SELECT ") + kPersonCols + " FROM persons c WHERE c.id = ?", {id});
  if (!r) return std::nullopt;
  std::vector<Person> one{person_row(*r)};
  attach_contacts(tx, "person", one);
  auto& p = one.front();
  for (auto& l : tx.query("SELECT l.company_id, c.name, l.position, l.decision_maker FROM person_companies l JOIN "
                          "companies c ON c.id = l.company_id WHERE l.person_id = ? ORDER BY c.name",
                          {id}))
    p.companies.push_back({l.i64(0), l.str(1), l.str(2), l.i64(3) != 0});
  for (auto& c : tx.query("SELECT id, purpose, given_at, channel, text_version, withdrawn_at FROM consents WHERE "
                          "person_id = ? ORDER BY given_at, id",
                          {id}))
    p.consents.push_back({c.i64(0), c.str(1), c.str(2), c.str(3), c.str(4), c.opt_str(5)});
  return p;
}

std::vector<Person> list_persons(Tx& tx, const ListQuery& q) {
  return list_common<Person>(tx, q, "person", kPersonCols, [](const store::Cursor& r) { return person_row(r); },
                             person_texts_match<1, 7>);
}

void replace_links(Tx& tx, std::int64_t person_id, const std::vector<CompanyLink>& links) {
  tx.exec("DELETE FROM person_companies WHERE person_id = ?", {person_id});
  for (const auto& l : links)
    tx.exec("INSERT INTO person_companies (person_id, company_id, position, decision_maker) VALUES (?, ?, ?, ?)",
            {person_id, l.company_id, l.position, std::int64_t{l.decision_maker ? 1 : 0}});
}

std::int64_t insert_consent(Tx& tx, std::int64_t person_id, const Consent& c) {
  auto r = tx.one("INSERT INTO consents (person_id, purpose, given_at, channel, text_version, withdrawn_at, created_at) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                  {person_id, c.purpose, c.given_at, c.channel, c.text_version, opt(c.withdrawn_at), store::now_iso()});
  return r->i64(0);
}

bool withdraw_consent(Tx& tx, std::int64_t person_id, std::int64_t consent_id, const std::string& at) {
  return tx.exec("UPDATE consents SET withdrawn_at = ? WHERE id = ? AND person_id = ? AND withdrawn_at IS NULL",
                 {at, consent_id, person_id}) == 1;
}

void replace_contacts(Tx& tx, const std::string& type, std::int64_t id, const std::vector<Phone>& phones,
                      const std::vector<Email>& emails) {
  tx.exec("DELETE FROM client_phones WHERE object_type = ? AND object_id = ?", {type, id});
  tx.exec("DELETE FROM client_emails WHERE object_type = ? AND object_id = ?", {type, id});
  insert_contacts(tx, type, id, phones, emails);
}

void insert_contacts(Tx& tx, const std::string& type, std::int64_t id, const std::vector<Phone>& phones,
                     const std::vector<Email>& emails) {
  std::int64_t pos = 0;
  for (const auto& p : phones)
    tx.exec("INSERT INTO client_phones (object_type, object_id, number, type, position) VALUES (?, ?, ?, ?, ?)",
            {type, id, p.number, p.type, pos++});
  pos = 0;
  for (const auto& e : emails)
    tx.exec("INSERT INTO client_emails (object_type, object_id, email, type, position) VALUES (?, ?, ?, ?, ?)",
            {type, id, e.email, e.type, pos++});
}

std::vector<std::int64_t> ids_by(Tx& tx, const std::string& type, const std::string& column, const std::string& value) {
  // column is one of a fixed set chosen by the service, never user input.
  std::vector<std::int64_t> out;
  for (auto& r : tx.query("SELECT id FROM " + table_of(type) + " WHERE " + column +
                              " = ? AND archived = 0 AND merged_into IS NULL ORDER BY id LIMIT 20",
                          {value}))
    out.push_back(r.i64(0));
  return out;
}

std::optional<Holder> load_holder(Tx& tx, const std::string& type, std::int64_t id) {
  const bool company = type == "company";
  auto r = tx.one(company ? "SELECT owner_id, department_id, name, '', '' FROM companies WHERE id = ?"
                          : "SELECT owner_id, department_id, last_name, first_name, middle_name FROM persons WHERE id = ?",
                  {id});
  if (!r) return std::nullopt;
  Holder h{r->opt_i64(0), r->opt_i64(1), r->str(2)};
  if (!company) {
    Person named;
    named.last_name = std::move(h.name);
    named.first_name = r->str(3);
    named.middle_name = r->str(4);
    h.name = named.full_name();
  }
  return h;
}

std::vector<std::int64_t> ids_by_phone(Tx& tx, const std::string& type, const std::string& number) {
  std::vector<std::int64_t> out;
  for (auto& r : tx.query("SELECT p.object_id FROM client_phones p JOIN " + table_of(type) +
                              " c ON c.id = p.object_id WHERE p.object_type = ? AND p.number = ? AND c.archived = 0 AND "
                              "c.merged_into IS NULL ORDER BY p.object_id LIMIT 20",
                          {type, number}))
    out.push_back(r.i64(0));
  return out;
}

std::vector<std::int64_t> ids_by_email(Tx& tx, const std::string& type, const std::string& email) {
  std::vector<std::int64_t> out;
  for (auto& r : tx.query("SELECT e.object_id FROM client_emails e JOIN " + table_of(type) +
                              " c ON c.id = e.object_id WHERE e.object_type = ? AND e.email = ? AND c.archived = 0 AND "
                              "c.merged_into IS NULL ORDER BY e.object_id LIMIT 20",
                          {type, email}))
    out.push_back(r.i64(0));
  return out;
}

std::vector<std::pair<std::int64_t, std::string>> name_neighbours(Tx& tx, const std::string& type,
                                                                  const std::string& name_key, int limit) {
  std::vector<std::pair<std::int64_t, std::string>> out;
  if (name_key.empty()) return out;
  // Records whose key starts with the same first word: an index range scan on name_key.
  std::string first = name_key.substr(0, name_key.find(' '));
  if (first.size() < 3) first = name_key;
  std::string hi = first;
  hi.push_back('\x7f');
  for (auto& r : tx.query("SELECT id, name_key FROM " + table_of(type) +
                              " WHERE name_key >= ? AND name_key < ? AND archived = 0 AND merged_into IS NULL "
                              "ORDER BY name_key LIMIT ?",
                          {first, hi, static_cast<std::int64_t>(limit)}))
    out.emplace_back(r.i64(0), r.str(1));
  return out;
}

bool marked_not_duplicate(Tx& tx, const std::string& type, std::int64_t a, std::int64_t b) {
  if (a > b) std::swap(a, b);
  return tx.one("SELECT 1 FROM not_duplicates WHERE object_type = ? AND a_id = ? AND b_id = ?", {type, a, b}).has_value();
}

void mark_not_duplicate(Tx& tx, const std::string& type, std::int64_t a, std::int64_t b, std::int64_t user_id) {
  if (a > b) std::swap(a, b);
  tx.exec("INSERT INTO not_duplicates (object_type, a_id, b_id, user_id, created_at) VALUES (?, ?, ?, ?, ?) "
          "ON CONFLICT DO NOTHING",
          {type, a, b, user_id == 0 ? Param{nullptr} : Param{user_id}, store::now_iso()});
}

void move_children(Tx& tx, const std::string& type, std::int64_t loser, std::int64_t survivor) {
  // Phones and e-mails the survivor already has are dropped; the rest move.
  tx.exec("DELETE FROM client_phones WHERE object_type = ? AND object_id = ? AND number IN (SELECT number FROM "
          "client_phones WHERE object_type = ? AND object_id = ?)",
          {type, loser, type, survivor});
  tx.exec("UPDATE client_phones SET object_id = ?, position = position + 100 WHERE object_type = ? AND object_id = ?",
          {survivor, type, loser});
  tx.exec("DELETE FROM client_emails WHERE object_type = ? AND object_id = ? AND email IN (SELECT email FROM "
          "client_emails WHERE object_type = ? AND object_id = ?)",
          {type, loser, type, survivor});
  tx.exec("UPDATE client_emails SET object_id = ?, position = position + 100 WHERE object_type = ? AND object_id = ?",
          {survivor, type, loser});
  if (type == "company") {
    tx.exec("DELETE FROM person_companies WHERE company_id = ? AND person_id IN (SELECT person_id FROM "
            "person_companies WHERE company_id = ?)",
            {loser, survivor});
    tx.exec("UPDATE person_companies SET company_id = ? WHERE company_id = ?", {survivor, loser});
    // Companies the loser referred now name the survivor (the survivor itself: see merge), and
    // their list rows say so.
    for (auto& r : tx.query("UPDATE companies SET referrer_company_id = ? WHERE referrer_company_id = ? AND id <> ? "
                            "RETURNING id",
                            {survivor, loser, survivor}))
      refresh_list_row(tx, "company", r.i64(0));
  } else {
    tx.exec("DELETE FROM person_companies WHERE person_id = ? AND company_id IN (SELECT company_id FROM "
            "person_companies WHERE person_id = ?)",
            {loser, survivor});
    tx.exec("UPDATE person_companies SET person_id = ? WHERE person_id = ?", {survivor, loser});
    tx.exec("UPDATE consents SET person_id = ? WHERE person_id = ?", {survivor, loser});
  }
}

void mark_merged(Tx& tx, const std::string& type, std::int64_t loser, std::int64_t survivor) {
  tx.exec("UPDATE " + table_of(type) + " SET archived = 1, merged_into = ?, version = version + 1, updated_at = ? WHERE id = ?",
          {survivor, store::now_iso(), loser});
  refresh_list_row(tx, type, loser);
  if (tx.backend() == store::Backend::sqlite)
    tx.exec("DELETE FROM " + table_of(type) + "_fts WHERE rowid = ?", {fts_rowid(loser)});
}

}  // namespace sdelka::clients::repo
