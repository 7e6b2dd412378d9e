#include "clients/service.hpp"

#include "clients/service_detail.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <type_traits>

#include "audit/audit.hpp"
#include "auth/policy.hpp"
#include "auth/records.hpp"
#include "core/date.hpp"
#include "core/ru/email.hpp"
#include "core/ru/names.hpp"
#include "core/ru/phone.hpp"
#include "core/ru/requisites.hpp"
#include "core/text.hpp"
#include "i18n/i18n.hpp"
#include "store/database.hpp"

namespace sdelka::clients {

using namespace detail;

namespace {

// Optional requisite: empty → nullopt; else the check's canonical value or a field error.
std::optional<std::string> requisite(const std::optional<std::string>& v, const std::optional<std::string>& current,
                                     core::ru::Check (*check)(std::string_view), const std::string& field,
                                     const std::string& lang, std::vector<FieldError>& errs) {
  if (!v) return current;
  std::string s(core::trim(*v));
  if (s.empty()) return std::nullopt;
  auto c = check(s);
  if (!c.ok()) {
    errs.push_back({field, c.message(lang), c.code});
    return current;
  }
  return c.value;
}

template <std::size_t N>
void code_field(const std::optional<std::string>& v, std::string& target, const std::array<std::string_view, N>& codes,
                const std::string& field, const std::string& lang, std::vector<FieldError>& errs, bool allow_empty) {
  if (!v) return;
  if ((v->empty() && allow_empty) || one_of(codes, *v)) {
    target = *v;
    return;
  }
  std::string allowed;
  for (auto c : codes) allowed += (allowed.empty() ? "" : ", ") + std::string(c);
  errs.push_back({field, i18n::t(lang, "err.one_of") + ": " + allowed, "enum"});
}

void text_field(const std::optional<std::string>& v, std::string& target, std::size_t max, const std::string& field,
                const std::string& lang, std::vector<FieldError>& errs) {
  if (!v) return;
  std::string s(core::trim(*v));
  if (s.size() > max) {
    errs.push_back({field, i18n::t(lang, "err.too_long"), "too_long"});
    return;
  }
  target = s;
}

// How many phones, e-mails and company links one record may have (a body of 1 MiB could hold
// tens of thousands, each checked against the base for duplicates).
constexpr std::size_t kMaxPhones = 20, kMaxEmails = 20, kMaxCompanyLinks = 50;

void contacts(const std::optional<std::vector<Phone>>& phones, const std::optional<std::vector<Email>>& emails,
              std::vector<Phone>& out_p, std::vector<Email>& out_e, const std::string& lang,
              std::vector<FieldError>& errs) {
  if (phones && phones->size() > kMaxPhones) {
    errs.push_back({"phones", i18n::t(lang, "err.too_many") + " " + std::to_string(kMaxPhones), "too_many"});
    return;
  }
  if (emails && emails->size() > kMaxEmails) {
    errs.push_back({"emails", i18n::t(lang, "err.too_many") + " " + std::to_string(kMaxEmails), "too_many"});
    return;
  }
  if (phones) {
    out_p.clear();
    std::set<std::string> seen;
    for (std::size_t i = 0; i < phones->size(); ++i) {
      const auto& ph = (*phones)[i];
      const std::string field = "phones[" + std::to_string(i) + "]";
      if (core::trim(ph.number).empty()) continue;
      auto c = core::ru::normalize_phone(ph.number);
      if (!c.ok()) {
        errs.push_back({field + ".number", c.message(lang), c.code});
        continue;
      }
      std::string type = ph.type.empty() ? "work" : ph.type;
      if (!one_of(kPhoneTypes, type)) {
        errs.push_back({field + ".type", i18n::t(lang, "err.one_of") + ": work, mobile, home, fax", "enum"});
        continue;
      }
      if (seen.insert(c.value).second) out_p.push_back({c.value, type});
    }
  }
  if (emails) {
    out_e.clear();
    std::set<std::string> seen;
    for (std::size_t i = 0; i < emails->size(); ++i) {
      const auto& em = (*emails)[i];
      const std::string field = "emails[" + std::to_string(i) + "]";
      if (core::trim(em.email).empty()) continue;
      auto c = core::ru::check_email(em.email);
      if (!c.ok()) {
        errs.push_back({field + ".email", c.message(lang), c.code});
        continue;
      }
      std::string type = em.type.empty() ? "work" : em.type;
      if (!one_of(kEmailTypes, type)) {
        errs.push_back({field + ".type", i18n::t(lang, "err.one_of") + ": work, personal, other", "enum"});
        continue;
      }
      // Stored as the comparison key (the whole address in lower case) so that duplicates and
      // search match however the address was typed.
      std::string key = core::ru::email_key(em.email).value_or(c.value);
      if (seen.insert(key).second) out_e.push_back({key, type});
    }
  }
}

// An ISO calendar date (YYYY-MM-DD, a real day, 1900–2999): the one date check of core.
bool valid_date(const std::string& s) { return core::parse_date(s).ok(); }

// The duplicate keys an edit adds to a record: a changed ИНН/ОГРН, phones and e-mails it did
// not have.
struct AddedKeys {
  std::optional<std::string> inn, ogrn;
  std::vector<Phone> phones;
  std::vector<Email> emails;
  bool empty() const { return !inn && !ogrn && phones.empty() && emails.empty(); }
};

template <class T>
AddedKeys added_keys(const T& before, const T& after) {
  AddedKeys k;
  if (after.inn != before.inn) k.inn = after.inn;
  if constexpr (std::is_same_v<T, Company>)
    if (after.ogrn != before.ogrn) k.ogrn = after.ogrn;
  for (const auto& ph : after.phones)
    if (std::none_of(before.phones.begin(), before.phones.end(), [&](const Phone& x) { return x.number == ph.number; }))
      k.phones.push_back(ph);
  for (const auto& em : after.emails)
    if (std::none_of(before.emails.begin(), before.emails.end(), [&](const Email& x) { return x.email == em.email; }))
      k.emails.push_back(em);
  return k;
}

}  // namespace

// ------------------------------------------------------------------ validation

void ClientsService::apply(const CompanyInput& in, Company& c, const std::string& lang, std::vector<FieldError>& errs) {
  if (in.name) {
    std::string n(core::trim(*in.name));
    if (n.empty()) errs.push_back({"name", i18n::t(lang, "err.required"), "required"});
    else if (n.size() > 500) errs.push_back({"name", i18n::t(lang, "err.too_long"), "too_long"});
    else c.name = n;
  } else if (c.name.empty()) {
    errs.push_back({"name", i18n::t(lang, "err.required"), "required"});
  }
  c.inn = requisite(in.inn, c.inn, core::ru::check_inn, "inn", lang, errs);
  c.kpp = requisite(in.kpp, c.kpp, core::ru::check_kpp, "kpp", lang, errs);
  c.ogrn = requisite(in.ogrn, c.ogrn, core::ru::check_ogrn_any, "ogrn", lang, errs);
  c.bank_bik = requisite(in.bank_bik, c.bank_bik, core::ru::check_bik, "bank_bik", lang, errs);
  if (in.bank_account) {
    std::string acc(core::trim(*in.bank_account));
    if (acc.empty()) {
      c.bank_account.reset();
    } else if (!c.bank_bik) {
      errs.push_back({"bank_account", i18n::t(lang, "err.account_needs_bik"), "bik_required"});
    } else {
      auto chk = core::ru::check_account(acc, *c.bank_bik);
      if (chk.ok()) c.bank_account = chk.value;
      else errs.push_back({"bank_account", chk.message(lang), chk.code});
    }
  }
  if (c.inn && c.inn->size() == 12 && c.kpp) errs.push_back({"kpp", i18n::t(lang, "err.kpp_for_person"), "kpp_person"});
  code_field(in.segment, c.segment, kSegments, "segment", lang, errs, false);
  code_field(in.source, c.source, kSources, "source", lang, errs, true);
  code_field(in.size, c.size, kSizes, "size", lang, errs, true);
  text_field(in.industry, c.industry, 200, "industry", lang, errs);
  text_field(in.region, c.region, 200, "region", lang, errs);
  text_field(in.address, c.address, 1000, "address", lang, errs);
  text_field(in.website, c.website, 300, "website", lang, errs);
  text_field(in.note, c.note, 20000, "note", lang, errs);
  if (in.referrer_company_id) c.referrer_company_id = *in.referrer_company_id;
  if (in.owner_id) c.owner_id = *in.owner_id;
  if (in.archived) c.archived = *in.archived;
  contacts(in.phones, in.emails, c.phones, c.emails, lang, errs);
}

static void split_name(const std::string& full, std::string& last, std::string& first, std::string& middle) {
  std::vector<std::string> parts;
  std::string cur;
  for (char ch : full) {
    if (ch == ' ' || ch == '\t') {
      if (!cur.empty()) parts.push_back(cur), cur.clear();
    } else {
      cur += ch;
    }
  }
  if (!cur.empty()) parts.push_back(cur);
  last = parts.size() > 0 ? parts[0] : "";
  first = parts.size() > 1 ? parts[1] : "";
  middle.clear();
  for (std::size_t i = 2; i < parts.size(); ++i) middle += (middle.empty() ? "" : " ") + parts[i];
}

void ClientsService::apply(const PersonInput& in, Person& c, const std::string& lang, std::vector<FieldError>& errs) {
  if (in.name && !in.last_name && !in.first_name) split_name(std::string(core::trim(*in.name)), c.last_name, c.first_name, c.middle_name);
  text_field(in.last_name, c.last_name, 200, "last_name", lang, errs);
  text_field(in.first_name, c.first_name, 200, "first_name", lang, errs);
  text_field(in.middle_name, c.middle_name, 200, "middle_name", lang, errs);
  if (c.last_name.empty() && c.first_name.empty())
    errs.push_back({in.name ? "name" : "last_name", i18n::t(lang, "err.required"), "required"});
  c.inn = requisite(in.inn, c.inn, core::ru::check_inn12, "inn", lang, errs);
  if (in.birthday) {
    std::string b(core::trim(*in.birthday));
    if (b.empty()) c.birthday.reset();
    else if (!valid_date(b) || b > store::now_iso().substr(0, 10))
      errs.push_back({"birthday", i18n::t(lang, "err.date"), "format"});
    else c.birthday = b;
  }
  code_field(in.segment, c.segment, kSegments, "segment", lang, errs, false);
  code_field(in.source, c.source, kSources, "source", lang, errs, true);
  text_field(in.region, c.region, 200, "region", lang, errs);
  text_field(in.note, c.note, 20000, "note", lang, errs);
  if (in.owner_id) c.owner_id = *in.owner_id;
  if (in.archived) c.archived = *in.archived;
  if (in.companies && in.companies->size() > kMaxCompanyLinks) {
    errs.push_back({"companies", i18n::t(lang, "err.too_many") + " " + std::to_string(kMaxCompanyLinks), "too_many"});
  } else if (in.companies) {
    c.companies.clear();
    std::set<std::int64_t> seen;
    for (std::size_t i = 0; i < in.companies->size(); ++i) {
      const auto& l = (*in.companies)[i];
      if (l.company_id <= 0) {
        errs.push_back({"companies[" + std::to_string(i) + "].company_id", i18n::t(lang, "err.required"), "required"});
        continue;
      }
      if (seen.insert(l.company_id).second) c.companies.push_back(l);
    }
  }
  contacts(in.phones, in.emails, c.phones, c.emails, lang, errs);
}

// ------------------------------------------------------------------ duplicates

std::vector<Candidate> ClientsService::candidates(Tx& tx, const Principal& p, const std::string& type,
                                                  const std::optional<std::string>& inn,
                                                  const std::optional<std::string>& ogrn, const std::vector<Phone>& phones,
                                                  const std::vector<Email>& emails, const std::string& name_key,
                                                  std::optional<std::int64_t> exclude, bool similar) {
  std::map<std::int64_t, Candidate> found;
  auto add = [&](std::int64_t id, const std::string& reason, int score) {
    if (exclude && id == *exclude) return;
    auto& c = found[id];
    c.object_type = type;
    c.id = id;
    if (std::find(c.reasons.begin(), c.reasons.end(), reason) == c.reasons.end()) {
      c.reasons.push_back(reason);
      c.score = std::min(100, std::max(c.score, score) + (c.score > 0 ? 5 : 0));
    }
  };
  if (inn)
    for (auto id : repo::ids_by(tx, type, "inn", *inn)) add(id, "inn", 100);
  if (ogrn && type == "company")
    for (auto id : repo::ids_by(tx, type, "ogrn", *ogrn)) add(id, "ogrn", 100);
  for (const auto& ph : phones)
    for (auto id : repo::ids_by_phone(tx, type, ph.number)) add(id, "phone", 80);
  for (const auto& em : emails)
    for (auto id : repo::ids_by_email(tx, type, em.email)) add(id, "email", 80);
  if (!name_key.empty()) {
    for (auto id : repo::ids_by(tx, type, "name_key", name_key)) add(id, "name", 70);
    if (similar)
      for (auto& [id, key] : repo::name_neighbours(tx, type, name_key, 50))
        if (key != name_key && core::ru::similarity(key, name_key) >= 0.8) add(id, "similar_name", 50);
  }
  std::vector<Candidate> out;
  for (auto& [id, c] : found) {
    if (exclude && repo::marked_not_duplicate(tx, type, *exclude, id)) continue;
    // Never reveal a record the caller may not see.
    auto holder = repo::load_holder(tx, type, id);
    if (!holder || !auth::allowed(tx, p, Action::read, subject(type, id, holder->owner_id, holder->department_id)))
      continue;
    c.name = std::move(holder->name);
    out.push_back(c);
  }
  std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  });
  if (out.size() > 10) out.resize(10);
  return out;
}

std::vector<Candidate> ClientsService::candidates_tx(Tx& tx, const Principal& p, const Company& c,
                                                     std::optional<std::int64_t> exclude, bool similar,
                                                     const std::string* name_key) {
  return candidates(tx, p, "company", c.inn, c.ogrn, c.phones, c.emails,
                    name_key ? *name_key : core::ru::company_name_key(c.name), exclude, similar);
}

std::vector<Candidate> ClientsService::company_candidates(const Principal& p, const CompanyInput& in,
                                                          std::optional<std::int64_t> exclude) {
  auth::require_scope(p, Action::read, "company", Scope::own);
  Company c;
  std::vector<FieldError> errs;
  apply(in, c, p.lang, errs);  // candidates are computed from whatever is valid so far
  std::vector<Candidate> out;
  db_.read([&](Tx& tx) { out = candidates_tx(tx, p, c, exclude); });
  return out;
}

static ApiError duplicate_error(const std::vector<Candidate>& cands) {
  auto e = ApiError::keyed(core::ErrorKind::conflict, {"err.duplicate"}, {"err.duplicate.detail"});
  e.type = "https://sdelka.local/problems/duplicate";
  json arr = json::array();
  for (const auto& c : cands) arr.push_back(c.to_json());
  e.extra = std::make_shared<json>(json{{"candidates", arr}});
  return e;
}

// ------------------------------------------------------------------ references between records

namespace {
// The subject of a client record for auth's record check (merged records are gone).
auth::SubjectLoader client_loader(const char* type, const char* sql) {
  return [type, sql](Tx& tx, std::int64_t id) -> std::optional<Subject> {
    auto r = tx.one(sql, {id});
    if (!r) return std::nullopt;
    Subject s{type};
    s.id = id;
    s.owner_id = r->opt_i64(0);
    s.department_id = r->opt_i64(1);
    return s;
  };
}

}  // namespace

// Removes, anywhere in a JSON value (an audit entry, a stored list row), the links
// ({"company_id": …}) to companies the principal may not see.
void detail::hide_unseen_in(auth::SeenCache& seen, json& j) {
  if (j.is_array()) {
    for (auto it = j.begin(); it != j.end();) {
      if (it->is_object() && it->contains("company_id") && (*it)["company_id"].is_number_integer() &&
          !seen.sees("company", (*it)["company_id"].get<std::int64_t>())) {
        it = j.erase(it);
        continue;
      }
      hide_unseen_in(seen, *it);
      ++it;
    }
  } else if (j.is_object()) {
    for (auto& [k, v] : j.items()) hide_unseen_in(seen, v);
  }
}

ClientsService::ClientsService(store::Database& db) : db_(db) {
  auth::register_record_type(
      "company", client_loader("company", "SELECT owner_id, department_id FROM companies WHERE id = ? AND merged_into IS NULL"));
  auth::register_record_type(
      "person", client_loader("person", "SELECT owner_id, department_id FROM persons WHERE id = ? AND merged_into IS NULL"));
}

json ClientsService::person_view(auth::SeenCache& seen, Person c) {
  std::erase_if(c.companies, [&](const CompanyLink& l) { return !seen.sees("company", l.company_id); });
  return to_json(c);
}

json ClientsService::person_view(Tx& tx, const Principal& p, Person c) {
  auth::SeenCache seen(tx, p);
  return person_view(seen, std::move(c));
}

// ------------------------------------------------------------------ companies

std::int64_t ClientsService::insert_company_tx(Tx& tx, const Principal& p, Company& c, bool index,
                                              const std::string* name_key) {
  c.created_at = c.updated_at = store::now_iso();
  c.id = repo::insert_company(tx, c, name_key ? *name_key : core::ru::company_name_key(c.name), index);
  // A new record: every field is new, so the record itself is the change (no diff to compute);
  // written straight as text, the same bytes as {"created": audit_view(to_json(c))}.dump().
  std::string changes = "{\"created\":";
  append_json(changes, c, JsonPart::audit);
  changes += '}';
  audit::record_serialised(tx, &p, "create", "company", std::to_string(c.id), std::move(changes));
  return c.id;
}

bool ClientsService::update_company_tx(Tx& tx, const Principal& p, const Company& before, Company& after) {
  after.updated_at = store::now_iso();
  if (!repo::update_company(tx, after, core::ru::company_name_key(after.name))) return false;
  after.version = before.version + 1;
  auto changes = audit::diff(audit_view(to_json(before)), audit_view(to_json(after)));
  if (!changes.empty()) audit::record(tx, &p, "update", "company", std::to_string(after.id), changes);
  return true;
}

json ClientsService::create_company(const Principal& p, const CompanyInput& in) {
  Company c;
  c.owner_id = p.user_id == 0 ? std::nullopt : std::optional<std::int64_t>(p.user_id);
  c.department_id = p.department_id;
  std::vector<FieldError> errs;
  apply(in, c, p.lang, errs);
  finish(errs);
  json out;
  db_.write([&](Tx& tx) {
    if (c.owner_id && *c.owner_id != p.user_id) {
      auto dept = tx.one("SELECT department_id FROM users WHERE id = ?", {*c.owner_id});
      if (!dept) throw ApiError::keyed(core::ErrorKind::invalid, {"err.validation"}, {}, {field_error("owner_id", "err.user_unknown", "unknown")});
      c.department_id = dept->opt_i64(0);
    }
    auth::require(tx, p, Action::create, subject("company", 0, c.owner_id, c.department_id));
    if (c.referrer_company_id)
      auth::require_reference(tx, p, "company", *c.referrer_company_id, "referrer_company_id", "err.company_unknown");
    if (!in.confirm_duplicate) {
      auto cands = candidates_tx(tx, p, c, std::nullopt);
      if (!cands.empty()) throw duplicate_error(cands);
    }
    insert_company_tx(tx, p, c);
    out = to_json(c);
  });
  return out;
}

json ClientsService::get_company(const Principal& p, std::int64_t id) {
  json out;
  db_.read([&](Tx& tx) {
    auto c = repo::load_company(tx, id);
    if (!c || !auth::allowed(tx, p, Action::read, subject("company", id, c->owner_id, c->department_id))) not_found();
    out = to_json(*c);
    json persons = json::array();
    for (auto& r : tx.query("SELECT pc.person_id, p.last_name, p.first_name, p.middle_name, pc.position, pc.decision_maker, "
                            "p.owner_id, p.department_id FROM person_companies pc JOIN persons p ON p.id = pc.person_id "
                            "WHERE pc.company_id = ? AND p.merged_into IS NULL ORDER BY p.last_name, p.first_name",
                            {id})) {
      if (!auth::allowed(tx, p, Action::read, subject("person", r.i64(0), r.opt_i64(6), r.opt_i64(7)))) continue;
      std::string name = r.str(1) + (r.str(2).empty() ? "" : " " + r.str(2)) + (r.str(3).empty() ? "" : " " + r.str(3));
      persons.push_back({{"id", r.i64(0)}, {"name", name}, {"position", r.str(4)}, {"decision_maker", r.i64(5) != 0}});
    }
    out["persons"] = persons;
  });
  return out;
}

json ClientsService::update_company(const Principal& p, std::int64_t id, const CompanyInput& in,
                                    std::optional<std::int64_t> if_match) {
  json out;
  db_.write([&](Tx& tx) {
    auto before = repo::load_company(tx, id);
    if (!before || !auth::allowed(tx, p, Action::read, subject("company", id, before->owner_id, before->department_id)))
      not_found();
    auth::require(tx, p, in.archived ? Action::archive : Action::update,
                  subject("company", id, before->owner_id, before->department_id));
    if (if_match && *if_match != before->version) stale();
    Company after = *before;
    std::vector<FieldError> errs;
    apply(in, after, p.lang, errs);
    finish(errs);
    if (after.referrer_company_id && after.referrer_company_id != before->referrer_company_id)
      auth::require_reference(tx, p, "company", *after.referrer_company_id, "referrer_company_id", "err.company_unknown");
    if (in.owner_id && in.owner_id != before->owner_id) {
      auto dept = tx.one("SELECT department_id FROM users WHERE id = ?", {*in.owner_id});
      if (!dept) throw ApiError::keyed(core::ErrorKind::invalid, {"err.validation"}, {}, {field_error("owner_id", "err.user_unknown", "unknown")});
      after.department_id = dept->opt_i64(0);
      // Handing a client to someone else is a head's or an admin's decision.
      auth::require(tx, p, Action::update, subject("company", id, after.owner_id, after.department_id));
    }
    if (!in.confirm_duplicate && !after.archived) {
      // Only what this edit adds can make a new duplicate: saving a card again does not ask about
      // the same phone every time.
      auto added = added_keys(*before, after);
      std::string key = after.name != before->name ? core::ru::company_name_key(after.name) : std::string();
      if (!added.empty() || !key.empty()) {
        auto cands = candidates(tx, p, "company", added.inn, added.ogrn, added.phones, added.emails, key, id);
        if (!cands.empty()) throw duplicate_error(cands);
      }
    }
    if (!update_company_tx(tx, p, *before, after)) stale();
    out = to_json(after);
  });
  return out;
}

Page ClientsService::list_companies(const Principal& p, repo::ListQuery q) {
  q.vis = visibility(p, "company");
  Page page;
  db_.read([&](Tx& tx) {
    for (auto& c : repo::list_companies(tx, q)) page.items.push_back(to_json(c));
  });
  if (static_cast<int>(page.items.size()) > q.limit) {
    page.items.pop_back();
    page.next = page.items.back()["id"].get<std::int64_t>();
  }
  return page;
}

namespace {
// {"items":[…],"next":…} of one page read with limit + 1 rows: the stored rows copied into one
// string.
std::string page_text(std::vector<repo::ListRow>& rows, int limit, bool persons) {
  std::optional<std::int64_t> next;
  if (static_cast<int>(rows.size()) > limit) {
    rows.pop_back();
    next = rows.back().id;
  }
  std::size_t size = 64;
  for (const auto& r : rows) size += r.row.size() + 48;
  std::string out;
  out.reserve(size);
  out += "{\"items\":[";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i) out += ',';
    if (persons) append_list_item(out, rows[i].id, rows[i].consent_active, rows[i].row);
    else append_list_item(out, rows[i].id, rows[i].row);
  }
  out += "],\"next\":";
  out += next ? "\"" + std::to_string(*next) + "\"" : std::string("null");
  out += '}';
  return out;
}
}  // namespace

std::string ClientsService::list_companies_json(const Principal& p, repo::ListQuery q) {
  q.vis = visibility(p, "company");
  std::vector<repo::ListRow> rows;
  db_.read([&](Tx& tx) { rows = repo::list_company_rows(tx, q); });
  return page_text(rows, q.limit, false);
}

std::string ClientsService::list_persons_json(const Principal& p, repo::ListQuery q) {
  q.vis = visibility(p, "person");
  std::vector<repo::ListRow> rows;
  db_.read([&](Tx& tx) {
    rows = repo::list_person_rows(tx, q);
    // The stored rows name the companies a person is linked to: a reader who does not see every
    // company gets the rows with links rewritten without the companies they may not see.
    auth::SeenCache seen(tx, p);
    if (seen.sees_all("company")) return;
    for (auto& r : rows) {
      if (r.row.find("\"companies\":[{") == std::string::npos) continue;
      // A row with links is parsed to check them (each distinct company once per page) and is
      // written anew only when one of them is hidden; a principal who reads all companies never
      // gets here.
      auto j = json::parse(r.row, nullptr, false);
      if (!j.is_object() || !j["companies"].is_array()) continue;
      const auto n = j["companies"].size();
      hide_unseen_in(seen, j["companies"]);
      if (j["companies"].size() != n) r.row = j.dump(-1, ' ', false, json::error_handler_t::replace);
    }
  });
  return page_text(rows, q.limit, true);
}

// ------------------------------------------------------------------ persons

json ClientsService::create_person(const Principal& p, const PersonInput& in) {
  Person c;
  c.owner_id = p.user_id == 0 ? std::nullopt : std::optional<std::int64_t>(p.user_id);
  c.department_id = p.department_id;
  std::vector<FieldError> errs;
  apply(in, c, p.lang, errs);
  finish(errs);
  json out;
  db_.write([&](Tx& tx) {
    auth::require(tx, p, Action::create, subject("person", 0, c.owner_id, c.department_id));
    for (std::size_t i = 0; i < c.companies.size(); ++i)
      auth::require_reference(tx, p, "company", c.companies[i].company_id,
                              "companies[" + std::to_string(i) + "].company_id", "err.company_unknown");
    const auto key = core::ru::person_name_key(c.full_name());
    if (!in.confirm_duplicate) {
      auto cands = person_candidates_tx(tx, p, c, std::nullopt, true, &key);
      if (!cands.empty()) throw duplicate_error(cands);
    }
    insert_person_tx(tx, p, c, /*index=*/true, &key);
    out = person_view(tx, p, *repo::load_person(tx, c.id));
  });
  return out;
}

std::vector<Candidate> ClientsService::person_candidates_tx(Tx& tx, const Principal& p, const Person& c,
                                                            std::optional<std::int64_t> exclude, bool similar,
                                                            const std::string* name_key) {
  auto cands = candidates(tx, p, "person", c.inn, std::nullopt, c.phones, c.emails,
                          name_key ? *name_key : core::ru::person_name_key(c.full_name()), exclude, similar);
  // A bare name match is not enough for people (namesakes are common): require a contact or ИНН.
  cands.erase(std::remove_if(cands.begin(), cands.end(),
                             [](const Candidate& k) {
                               return std::all_of(k.reasons.begin(), k.reasons.end(), [](const std::string& r) {
                                 return r == "name" || r == "similar_name";
                               });
                             }),
              cands.end());
  return cands;
}

std::int64_t ClientsService::insert_person_tx(Tx& tx, const Principal& p, Person& c, bool index,
                                             const std::string* name_key) {
  c.created_at = c.updated_at = store::now_iso();
  c.id = repo::insert_person(tx, c, name_key ? *name_key : core::ru::person_name_key(c.full_name()), index);
  // Without links the record reads back as it was inserted; links get their company names on read.
  const json view = c.companies.empty() ? to_json(c) : to_json(*repo::load_person(tx, c.id));
  audit::record(tx, &p, "create", "person", std::to_string(c.id), audit::diff(json::object(), audit_view(view)));
  return c.id;
}

bool ClientsService::update_person_tx(Tx& tx, const Principal& p, const Person& before, Person& after, json* saved) {
  after.updated_at = store::now_iso();
  if (!repo::update_person(tx, after, core::ru::person_name_key(after.full_name()))) return false;
  json out = to_json(*repo::load_person(tx, after.id));
  auto changes = audit::diff(audit_view(to_json(before)), audit_view(out));
  if (!changes.empty()) audit::record(tx, &p, "update", "person", std::to_string(after.id), changes);
  if (saved) *saved = std::move(out);
  return true;
}

json ClientsService::get_person(const Principal& p, std::int64_t id) {
  json out;
  db_.read([&](Tx& tx) {
    auto c = repo::load_person(tx, id);
    if (!c || !auth::allowed(tx, p, Action::read, subject("person", id, c->owner_id, c->department_id))) not_found();
    out = person_view(tx, p, *c);
  });
  return out;
}

json ClientsService::update_person(const Principal& p, std::int64_t id, const PersonInput& in,
                                   std::optional<std::int64_t> if_match) {
  json out;
  db_.write([&](Tx& tx) {
    auto before = repo::load_person(tx, id);
    if (!before || !auth::allowed(tx, p, Action::read, subject("person", id, before->owner_id, before->department_id)))
      not_found();
    auth::require(tx, p, in.archived ? Action::archive : Action::update,
                  subject("person", id, before->owner_id, before->department_id));
    if (if_match && *if_match != before->version) stale();
    Person after = *before;
    std::vector<FieldError> errs;
    apply(in, after, p.lang, errs);
    finish(errs);
    if (in.companies) {
      // A new link must name a company p may see; links p cannot see (made by someone who could)
      // are neither shown to p nor dropped by p's edit.
      // Every link given is checked, also one the person already has: p never sees a hidden link,
      // so naming one must not tell p that it exists.
      for (std::size_t i = 0; i < after.companies.size(); ++i)
        auth::require_reference(tx, p, "company", after.companies[i].company_id,
                                "companies[" + std::to_string(i) + "].company_id", "err.company_unknown");
      for (const auto& l : before->companies)
        if (!auth::may_see(tx, p, "company", l.company_id) &&
            std::none_of(after.companies.begin(), after.companies.end(),
                         [&](const CompanyLink& k) { return k.company_id == l.company_id; }))
          after.companies.push_back(l);
    }
    if (in.owner_id && in.owner_id != before->owner_id) {
      auto dept = tx.one("SELECT department_id FROM users WHERE id = ?", {*in.owner_id});
      if (!dept) throw ApiError::keyed(core::ErrorKind::invalid, {"err.validation"}, {}, {field_error("owner_id", "err.user_unknown", "unknown")});
      after.department_id = dept->opt_i64(0);
      auth::require(tx, p, Action::update, subject("person", id, after.owner_id, after.department_id));
    }
    if (!in.confirm_duplicate && !after.archived) {
      auto added = added_keys(*before, after);
      if (!added.empty()) {
        auto cands = candidates(tx, p, "person", added.inn, std::nullopt, added.phones, added.emails, "", id);
        if (!cands.empty()) throw duplicate_error(cands);
      }
    }
    if (!update_person_tx(tx, p, *before, after, nullptr)) stale();
    out = person_view(tx, p, *repo::load_person(tx, id));
  });
  return out;
}

Page ClientsService::list_persons(const Principal& p, repo::ListQuery q) {
  q.vis = visibility(p, "person");
  Page page;
  db_.read([&](Tx& tx) {
    auth::SeenCache seen(tx, p);
    for (auto& c : repo::list_persons(tx, q)) page.items.push_back(person_view(seen, std::move(c)));
  });
  if (static_cast<int>(page.items.size()) > q.limit) {
    page.items.pop_back();
    page.next = page.items.back()["id"].get<std::int64_t>();
  }
  return page;
}

json ClientsService::add_consent(const Principal& p, std::int64_t person_id, const Consent& in) {
  std::vector<FieldError> errs;
  if (core::trim(in.purpose).empty()) errs.push_back(field_error("purpose", "err.required", "required"));
  if (!valid_date(in.given_at) || in.given_at > store::now_iso().substr(0, 10))
    errs.push_back(field_error("given_at", "err.date", "format"));
  if (!one_of(kConsentChannels, in.channel))
    errs.push_back(field_error("channel", "err.one_of.named", "enum", {{"value", "paper, web_form, email, phone, app"}}));
  if (core::trim(in.text_version).empty()) errs.push_back(field_error("text_version", "err.required", "required"));
  finish(errs);
  json out;
  db_.write([&](Tx& tx) {
    auto person = repo::load_person(tx, person_id);
    if (!person || !auth::allowed(tx, p, Action::read, subject("person", person_id, person->owner_id, person->department_id)))
      not_found();
    auth::require(tx, p, Action::update, subject("person", person_id, person->owner_id, person->department_id));
    Consent c = in;
    c.purpose = std::string(core::trim(in.purpose));
    c.id = repo::insert_consent(tx, person_id, c);
    out = {{"id", c.id}, {"purpose", c.purpose}, {"given_at", c.given_at}, {"channel", c.channel},
           {"text_version", c.text_version}, {"withdrawn_at", nullptr}};
    audit::record(tx, &p, "consent", "person", std::to_string(person_id), {{"consent", {{"from", nullptr}, {"to", out}}}});
  });
  return out;
}

json ClientsService::withdraw_consent(const Principal& p, std::int64_t person_id, std::int64_t consent_id,
                                      const std::string& at) {
  if (!valid_date(at)) throw ApiError::keyed(core::ErrorKind::invalid, {"err.validation"}, {}, {field_error("withdrawn_at", "err.date", "format")});
  json out;
  db_.write([&](Tx& tx) {
    auto person = repo::load_person(tx, person_id);
    if (!person || !auth::allowed(tx, p, Action::read, subject("person", person_id, person->owner_id, person->department_id)))
      not_found();
    auth::require(tx, p, Action::update, subject("person", person_id, person->owner_id, person->department_id));
    if (!repo::withdraw_consent(tx, person_id, consent_id, at)) not_found();
    audit::record(tx, &p, "consent_withdrawn", "person", std::to_string(person_id),
                  {{"consent", {{"id", consent_id}, {"withdrawn_at", at}}}});
    out = person_view(tx, p, *repo::load_person(tx, person_id));
  });
  return out;
}

}  // namespace sdelka::clients
