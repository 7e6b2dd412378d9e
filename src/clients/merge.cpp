// Duplicates across the base (the scan), pairs marked as not duplicates, merges, and a record's
// history (with the records merged into it).
#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <type_traits>

#include "audit/audit.hpp"
#include "clients/service.hpp"
#include "clients/service_detail.hpp"
#include "core/ru/names.hpp"

namespace sdelka::clients {

using namespace detail;

namespace {

// The fields a merge may take from the record it absorbs, per type; false for an unknown name.
bool take_field(const std::string& f, Company& after, const Company& l) {
  if (f == "name") after.name = l.name;
  else if (f == "inn") after.inn = l.inn;
  else if (f == "kpp") after.kpp = l.kpp;
  else if (f == "ogrn") after.ogrn = l.ogrn;
  else if (f == "segment") after.segment = l.segment;
  else if (f == "industry") after.industry = l.industry;
  else if (f == "region") after.region = l.region;
  else if (f == "size") after.size = l.size;
  else if (f == "source") after.source = l.source;
  else if (f == "address") after.address = l.address;
  else if (f == "website") after.website = l.website;
  else if (f == "note") after.note = l.note;
  else if (f == "owner_id") after.owner_id = l.owner_id, after.department_id = l.department_id;
  else return false;
  return true;
}

bool take_field(const std::string& f, Person& after, const Person& l) {
  if (f == "last_name") after.last_name = l.last_name;
  else if (f == "first_name") after.first_name = l.first_name;
  else if (f == "middle_name") after.middle_name = l.middle_name;
  else if (f == "inn") after.inn = l.inn;
  else if (f == "birthday") after.birthday = l.birthday;
  else if (f == "segment") after.segment = l.segment;
  else if (f == "region") after.region = l.region;
  else if (f == "source") after.source = l.source;
  else if (f == "note") after.note = l.note;
  else if (f == "owner_id") after.owner_id = l.owner_id, after.department_id = l.department_id;
  else return false;
  return true;
}

std::optional<Company> load(Tx& tx, Company*, std::int64_t id) { return repo::load_company(tx, id); }
std::optional<Person> load(Tx& tx, Person*, std::int64_t id) { return repo::load_person(tx, id); }

template <class T>
struct Merging {
  std::optional<T> survivor, loser;
  T after;
};

// What both merges do first: load the two records, check that the principal may see and edit
// both and that neither is archived, and take the chosen fields from the loser.
template <class T>
Merging<T> merging(Tx& tx, const Principal& p, std::int64_t survivor, std::int64_t loser,
                   const std::vector<std::string>& take_from_loser) {
  const std::string type = std::is_same_v<T, Company> ? "company" : "person";
  Merging<T> m;
  m.survivor = load(tx, static_cast<T*>(nullptr), survivor);
  m.loser = load(tx, static_cast<T*>(nullptr), loser);
  if (!m.survivor || !m.loser) not_found();
  for (const T* c : {&*m.survivor, &*m.loser}) {
    if (!auth::allowed(tx, p, Action::read, subject(type, c->id, c->owner_id, c->department_id))) not_found();
    auth::require(tx, p, Action::update, subject(type, c->id, c->owner_id, c->department_id));
  }
  if (m.survivor->archived || m.loser->archived)
    throw ApiError::keyed(core::ErrorKind::invalid, {"err.validation"}, {},
                          {field_error(m.survivor->archived ? "id" : "loser_id", "err.merge_archived", "archived")});
  m.after = *m.survivor;
  for (const auto& f : take_from_loser)
    if (!take_field(f, m.after, *m.loser))
      throw ApiError::keyed(core::ErrorKind::invalid, {"err.validation"}, {},
                            {field_error("take_from_loser", "err.unknown_field.named", "unknown", {{"value", f}})});
  return m;
}

}  // namespace

// ------------------------------------------------------------------ scan, merge, history

std::vector<DuplicateGroup> ClientsService::scan_duplicates(const Principal& p, const std::string& type, int limit) {
  auth::require_scope(p, Action::read, type, Scope::own);
  const std::string table = type == "company" ? "companies" : "persons";
  std::vector<DuplicateGroup> out;
  db_.read([&](Tx& tx) {
    // Union-find over pairs that share a key.
    std::map<std::int64_t, std::int64_t> parent;
    std::map<std::int64_t, std::set<std::string>> reasons;
    std::function<std::int64_t(std::int64_t)> find = [&](std::int64_t x) {
      auto it = parent.find(x);
      if (it == parent.end()) return parent[x] = x;
      return it->second == x ? x : it->second = find(it->second);
    };
    std::map<std::int64_t, bool> seen;
    auto sees = [&](std::int64_t id) {
      auto it = seen.find(id);
      if (it != seen.end()) return it->second;
      return seen[id] = auth::may_see(tx, p, type, id);
    };
    auto unite = [&](const std::vector<std::int64_t>& ids, const std::string& reason) {
      for (std::size_t i = 1; i < ids.size(); ++i) {
        if (repo::marked_not_duplicate(tx, type, ids[0], ids[i])) continue;
        parent[find(ids[i])] = find(ids[0]);
        reasons[ids[0]].insert(reason);
        reasons[ids[i]].insert(reason);
      }
    };
    auto groups_of = [&](const std::string& sql, const std::string& reason) {
      std::vector<std::int64_t> ids;
      std::string key;
      bool first = true;
      for (auto& r : tx.query(sql, {type})) {
        if (!first && r.str(0) != key) {
          unite(ids, reason);
          ids.clear();
        }
        first = false;
        key = r.str(0);
        // Only records p may see join a group: a hidden one must not link two visible records
        // that share nothing with each other.
        if (sees(r.i64(1))) ids.push_back(r.i64(1));
      }
      unite(ids, reason);
    };
    const std::string live = " AND c.archived = 0 AND c.merged_into IS NULL";
    const std::string dup_keys = [&](const char* col) {
      return std::string("SELECT c.") + col + ", c.id FROM " + table + " c WHERE c." + col + " IN (SELECT " + col + " FROM " +
             table + " WHERE " + col + " IS NOT NULL AND " + col + " <> '' AND archived = 0 AND merged_into IS NULL GROUP BY " +
             col + " HAVING COUNT(*) > 1)" + live + " AND ? <> '' ORDER BY c." + col + ", c.id LIMIT 20000";
    }("inn");
    groups_of(dup_keys, "inn");
    if (type == "company") {
      groups_of("SELECT c.name_key, c.id FROM companies c WHERE c.name_key IN (SELECT name_key FROM companies WHERE "
                "name_key <> '' AND archived = 0 AND merged_into IS NULL GROUP BY name_key HAVING COUNT(*) > 1)" + live +
                    " AND ? <> '' ORDER BY c.name_key, c.id LIMIT 20000",
                "name");
    }
    groups_of("SELECT ph.number, ph.object_id FROM client_phones ph JOIN " + table + " c ON c.id = ph.object_id WHERE "
              "ph.object_type = ? AND ph.number IN (SELECT number FROM client_phones WHERE object_type = '" + type +
                  "' GROUP BY number HAVING COUNT(DISTINCT object_id) > 1)" + live + " ORDER BY ph.number, ph.object_id LIMIT 20000",
              "phone");
    groups_of("SELECT em.email, em.object_id FROM client_emails em JOIN " + table + " c ON c.id = em.object_id WHERE "
              "em.object_type = ? AND em.email IN (SELECT email FROM client_emails WHERE object_type = '" + type +
                  "' GROUP BY email HAVING COUNT(DISTINCT object_id) > 1)" + live + " ORDER BY em.email, em.object_id LIMIT 20000",
              "email");
    std::map<std::int64_t, DuplicateGroup> by_root;
    for (auto& [id, _] : parent) {
      auto root = find(id);
      auto& g = by_root[root];
      g.object_type = type;
      g.ids.push_back(id);
      for (auto& r : reasons[id])
        if (std::find(g.reasons.begin(), g.reasons.end(), r) == g.reasons.end()) g.reasons.push_back(r);
    }
    for (auto& [root, g] : by_root) {
      if (g.ids.size() < 2) continue;
      std::sort(g.ids.begin(), g.ids.end());
      std::vector<std::int64_t> visible;
      for (auto id : g.ids) {
        std::optional<std::int64_t> owner, dept;
        std::string name;
        if (type == "company") {
          auto c = repo::load_company(tx, id);
          owner = c->owner_id, dept = c->department_id, name = c->name;
        } else {
          auto c = repo::load_person(tx, id);
          owner = c->owner_id, dept = c->department_id, name = c->full_name();
        }
        if (!auth::allowed(tx, p, Action::read, subject(type, id, owner, dept))) continue;
        visible.push_back(id);
        g.names.push_back(name);
      }
      if (visible.size() < 2) continue;
      g.ids = visible;
      int score = 0;
      for (auto& r : g.reasons) score = std::max(score, r == "inn" ? 100 : r == "name" ? 70 : 80);
      g.score = std::min(100, score + 5 * static_cast<int>(g.reasons.size() - 1));
      out.push_back(g);
    }
  });
  std::sort(out.begin(), out.end(), [](const DuplicateGroup& a, const DuplicateGroup& b) {
    return a.score != b.score ? a.score > b.score : a.ids.front() < b.ids.front();
  });
  if (static_cast<int>(out.size()) > limit) out.resize(static_cast<std::size_t>(limit));
  return out;
}

void ClientsService::mark_not_duplicate(const Principal& p, const std::string& type, std::int64_t a, std::int64_t b) {
  db_.write([&](Tx& tx) {
    for (auto id : {a, b}) {
      const Subject s = subject_of(tx, type, id);
      if (!auth::allowed(tx, p, Action::read, s)) not_found();
      auth::require(tx, p, Action::update, s);
    }
    repo::mark_not_duplicate(tx, type, a, b, p.user_id);
    audit::record(tx, &p, "not_duplicate", type, std::to_string(std::min(a, b)), {{"other", std::max(a, b)}});
  });
}

json ClientsService::merge(const Principal& p, const std::string& type, std::int64_t survivor, std::int64_t loser,
                           const std::vector<std::string>& take_from_loser) {
  if (survivor == loser)
    throw ApiError::keyed(core::ErrorKind::invalid, {"err.validation"}, {}, {field_error("loser_id", "err.merge_self", "same")});
  json out;
  db_.write([&](Tx& tx) {
    // Both records are locked first (a row lock on PostgreSQL; SQLite has one writer): a merge
    // running at the same time over one of them waits, then finds it merged and gives 409, so
    // that a record's children never split between two survivors.
    const std::string table = type == "company" ? "companies" : "persons";
    tx.exec("UPDATE " + table + " SET version = version WHERE id IN (?, ?)", {survivor, loser});
    for (auto id : {survivor, loser}) {
      // Read rights first: a record the principal may not see is not found, merged or not.
      auto r = tx.one("SELECT owner_id, department_id, merged_into FROM " + table + " WHERE id = ?", {id});
      if (!r || !auth::allowed(tx, p, Action::read, subject(type, id, r->opt_i64(0), r->opt_i64(1)))) not_found();
      if (r->opt_i64(2))
        throw ApiError::keyed(core::ErrorKind::conflict, {"err.conflict"}, {"err.merge_done"});
    }
    if (type == "company") {
      auto [s, l, after] = merging<Company>(tx, p, survivor, loser, take_from_loser);
      json lj = to_json(*l);
      repo::move_children(tx, type, loser, survivor);
      auto moved = repo::load_company(tx, survivor);  // phones/e-mails now include the loser's
      after.phones = moved->phones;
      after.emails = moved->emails;
      // Referred by the record it absorbs: nobody referred it any more (not itself).
      if (after.referrer_company_id == loser) after.referrer_company_id.reset();
      if (!update_company_tx(tx, p, *s, after)) stale();
      repo::mark_merged(tx, type, loser, survivor);
      audit::record(tx, &p, "merge", "company", std::to_string(survivor),
                    {{"merged", loser}, {"taken_from_merged", take_from_loser}, {"merged_record", audit_view(lj)}});
      audit::record(tx, &p, "merged_into", "company", std::to_string(loser), {{"survivor", survivor}});
      out = to_json(*repo::load_company(tx, survivor));
    } else {
      auto [s, l, after] = merging<Person>(tx, p, survivor, loser, take_from_loser);
      json lj = to_json(*l);
      repo::move_children(tx, type, loser, survivor);
      auto moved = repo::load_person(tx, survivor);
      after.phones = moved->phones;
      after.emails = moved->emails;
      after.companies = moved->companies;
      after.updated_at = store::now_iso();
      if (!repo::update_person(tx, after, core::ru::person_name_key(after.full_name()))) stale();
      repo::mark_merged(tx, type, loser, survivor);
      auto full = repo::load_person(tx, survivor);
      auto changes = audit::diff(audit_view(to_json(*s)), audit_view(to_json(*full)));
      audit::record(tx, &p, "merge", "person", std::to_string(survivor),
                    {{"merged", loser}, {"taken_from_merged", take_from_loser}, {"changes", changes}, {"merged_record", audit_view(lj)}});
      audit::record(tx, &p, "merged_into", "person", std::to_string(loser), {{"survivor", survivor}});
      out = person_view(tx, p, *full);
    }
  });
  return out;
}

std::vector<json> ClientsService::history(const Principal& p, const std::string& type, std::int64_t id) {
  std::vector<json> out;
  db_.read([&](Tx& tx) {
    if (!auth::allowed(tx, p, Action::read, subject_of(tx, type, id))) not_found();
    // The record's own history and that of the records merged into it.
    const std::string table = type == "company" ? "companies" : "persons";

    std::vector<std::string> ids{std::to_string(id)};
    for (auto& r : tx.query("SELECT id FROM " + table + " WHERE merged_into = ?", {id})) ids.push_back(r.str(0));
    for (const auto& oid : ids)
      for (auto& r : tx.query("SELECT id, at, login, action, object_id, changes FROM audit_log WHERE object_type = ? AND "
                              "object_id = ? ORDER BY id DESC LIMIT 200",
                              {type, oid}))
        out.push_back({{"id", r.i64(0)}, {"at", r.str(1)}, {"login", r.str(2)}, {"action", r.str(3)},
                       {"object_id", r.str(4)}, {"changes", json::parse(r.str(5), nullptr, false)}});
    // Links to companies the reader may not see are left out of the history as out of the card.
    if (auth::SeenCache seen(tx, p); type == "person" && !seen.sees_all("company"))
      for (auto& e : out) hide_unseen_in(seen, e["changes"]);
  });
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) { return a["id"] > b["id"]; });
  return out;
}

json DuplicateGroup::to_json() const {
  return {{"object_type", object_type}, {"ids", ids}, {"names", names}, {"reasons", reasons}, {"score", score}};
}

}  // namespace sdelka::clients
