// HTML routes of the Clients context: lists with search as you type, cards, forms with field
// errors and duplicate warnings, the duplicate scan and the merge screen (shared by companies and
// persons).
#include <charconv>
#include <span>

#include "auth/policy.hpp"
#include "clients/service.hpp"
#include "core/text.hpp"
#include "i18n/i18n.hpp"
#include "store/database.hpp"
#include "clients/routes.hpp"
#include "web/host.hpp"
#include "web/context.hpp"
#include "web/render.hpp"

namespace sdelka::clients {

using namespace sdelka::web;

clients::repo::ListQuery list_query(const http::Request& req);

namespace {
using http::ApiError;
using http::Request;
using http::Response;
using nlohmann::json;

std::string s(const json& j, const char* k) {
  const auto& v = j[k];
  return v.is_string() ? v.get<std::string>() : v.is_null() ? std::string() : v.dump();
}

// "2026-11-27T…" → "27.11.2026".
std::string ru_date(const std::string& iso) {
  if (iso.size() < 10) return iso;
  return iso.substr(8, 2) + "." + iso.substr(5, 2) + "." + iso.substr(0, 4);
}

std::string label(const std::string& lang, const std::string& prefix, const std::string& code) {
  return code.empty() ? std::string() : i18n::t(lang, prefix + code);
}

template <std::size_t N>
mstch::array options(const std::string& lang, const std::string& prefix, const std::array<std::string_view, N>& codes,
                     const std::string& selected) {
  mstch::array out;
  for (auto c : codes)
    out.push_back(mstch::map{{"code", std::string(c)}, {"label", i18n::t(lang, prefix + std::string(c))},
                             {"selected", selected == c}});
  return out;
}

mstch::map company_view(const std::string& lang, const json& c) {
  mstch::array phones, emails;
  for (auto& p : c["phones"]) phones.push_back(mstch::map{{"number", s(p, "number")}, {"type", label(lang, "phone.", s(p, "type"))}});
  for (auto& e : c["emails"]) emails.push_back(mstch::map{{"email", s(e, "email")}, {"type", label(lang, "email.", s(e, "type"))}});
  return mstch::map{{"id", std::to_string(c["id"].get<std::int64_t>())},
                    {"name", s(c, "name")},
                    {"inn", s(c, "inn")},
                    {"kpp", s(c, "kpp")},
                    {"ogrn", s(c, "ogrn")},
                    {"segment", label(lang, "segment.", s(c, "segment"))},
                    {"segment_code", s(c, "segment")},
                    {"industry", s(c, "industry")},
                    {"region", s(c, "region")},
                    {"size", label(lang, "size.", s(c, "size"))},
                    {"source", label(lang, "source.", s(c, "source"))},
                    {"bank_bik", s(c, "bank_bik")},
                    {"bank_account", s(c, "bank_account")},
                    {"address", s(c, "address")},
                    {"website", s(c, "website")},
                    {"note", s(c, "note")},
                    {"archived", c["archived"].get<bool>()},
                    {"version", std::to_string(c["version"].get<std::int64_t>())},
                    {"created", ru_date(s(c, "created_at"))},
                    {"phones", phones},
                    {"emails", emails},
                    {"first_phone", c["phones"].empty() ? std::string() : s(c["phones"][0], "number")}};
}

mstch::map person_view(const std::string& lang, const json& c) {
  mstch::array phones, emails, links, consents;
  for (auto& p : c["phones"]) phones.push_back(mstch::map{{"number", s(p, "number")}, {"type", label(lang, "phone.", s(p, "type"))}});
  for (auto& e : c["emails"]) emails.push_back(mstch::map{{"email", s(e, "email")}, {"type", label(lang, "email.", s(e, "type"))}});
  for (auto& l : c["companies"])
    links.push_back(mstch::map{{"company_id", std::to_string(l["company_id"].get<std::int64_t>())},
                               {"company_name", s(l, "company_name")},
                               {"position", s(l, "position")},
                               {"decision_maker", l["decision_maker"].get<bool>()}});
  for (auto& k : c["consents"])
    consents.push_back(mstch::map{{"id", std::to_string(k["id"].get<std::int64_t>())},
                                  {"purpose", s(k, "purpose")},
                                  {"given_at", ru_date(s(k, "given_at"))},
                                  {"channel", label(lang, "channel.", s(k, "channel"))},
                                  {"text_version", s(k, "text_version")},
                                  {"withdrawn_at", ru_date(s(k, "withdrawn_at"))}});
  return mstch::map{{"id", std::to_string(c["id"].get<std::int64_t>())},
                    {"name", s(c, "name")},
                    {"last_name", s(c, "last_name")},
                    {"first_name", s(c, "first_name")},
                    {"middle_name", s(c, "middle_name")},
                    {"inn", s(c, "inn")},
                    {"birthday", ru_date(s(c, "birthday"))},
                    {"segment", label(lang, "segment.", s(c, "segment"))},
                    {"segment_code", s(c, "segment")},
                    {"region", s(c, "region")},
                    {"source", label(lang, "source.", s(c, "source"))},
                    {"note", s(c, "note")},
                    {"archived", c["archived"].get<bool>()},
                    {"version", std::to_string(c["version"].get<std::int64_t>())},
                    {"created", ru_date(s(c, "created_at"))},
                    {"phones", phones},
                    {"emails", emails},
                    {"companies", links},
                    {"consents", consents},
                    {"consent_active", c["consent_active"].get<bool>()},
                    {"first_phone", c["phones"].empty() ? std::string() : s(c["phones"][0], "number")}};
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    auto line = std::string(core::trim(text.substr(start, end - start)));
    if (!line.empty()) out.push_back(line);
    start = end + 1;
  }
  return out;
}

clients::CompanyInput company_form(const std::map<std::string, std::string>& f) {
  clients::CompanyInput in;
  auto get = [&](const char* k) -> std::optional<std::string> {
    auto it = f.find(k);
    return it == f.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  in.name = get("name").value_or("");
  in.inn = get("inn");
  in.kpp = get("kpp");
  in.ogrn = get("ogrn");
  in.segment = get("segment");
  in.industry = get("industry");
  in.region = get("region");
  in.size = get("size");
  in.source = get("source");
  in.bank_bik = get("bank_bik");
  in.bank_account = get("bank_account");
  in.address = get("address");
  in.website = get("website");
  in.note = get("note");
  std::vector<clients::Phone> phones;
  for (auto& l : lines(get("phones").value_or(""))) phones.push_back({l, "work"});
  in.phones = phones;
  std::vector<clients::Email> emails;
  for (auto& l : lines(get("emails").value_or(""))) emails.push_back({l, "work"});
  in.emails = emails;
  in.confirm_duplicate = f.count("confirm_duplicate") > 0;
  return in;
}

mstch::map company_form_data(const std::string& lang, const std::map<std::string, std::string>& f) {
  auto get = [&](const char* k) {
    auto it = f.find(k);
    return it == f.end() ? std::string() : it->second;
  };
  mstch::map d;
  for (const char* k : {"name", "inn", "kpp", "ogrn", "industry", "region", "bank_bik", "bank_account", "address",
                        "website", "note", "phones", "emails", "version"})
    d.emplace(k, get(k));
  d.emplace("segments", options(lang, "segment.", clients::kSegments, get("segment").empty() ? "prospect" : get("segment")));
  d.emplace("sources", options(lang, "source.", clients::kSources, get("source")));
  d.emplace("sizes", options(lang, "size.", clients::kSizes, get("size")));
  return d;
}

// The phones and e-mails of a record one a line, and its version, as the edit forms show them.
void add_form_contacts(std::map<std::string, std::string>& f, const json& c) {
  std::string phones, emails;
  for (auto& p : c["phones"]) phones += s(p, "number") + "\n";
  for (auto& e : c["emails"]) emails += s(e, "email") + "\n";
  f["phones"] = phones;
  f["emails"] = emails;
  f["version"] = std::to_string(c["version"].get<std::int64_t>());
}

std::map<std::string, std::string> form_of_company(const json& c) {
  std::map<std::string, std::string> f;
  for (const char* k : {"name", "inn", "kpp", "ogrn", "segment", "industry", "region", "size", "source", "bank_bik",
                        "bank_account", "address", "website", "note"})
    f[k] = s(c, k);
  add_form_contacts(f, c);
  return f;
}

// ------------------------------------------------------------------ companies and persons
// The duplicate warning on the forms, the duplicate scan, "not a duplicate" and the merge screen are
// the same for companies and persons; a ClientKind says what differs between the two.

struct MergeField {
  const char* field;      // a field name ClientsService::merge accepts in take_from_loser
  const char* label_key;  // catalogue key of the field's label
};

struct ClientKind {
  const char* type;          // the service's object type: "company" or "person"
  const char* base;          // the list page the other pages live under: "/companies" or "/persons"
  const char* children_key;  // catalogue key saying what moves from the merged record
  const char* warning_key;   // catalogue key heading the likely duplicates on a refused save
  const char* confirm_key;   // catalogue key of the form's «save anyway» box
  std::span<const MergeField> merge_fields;
  json (clients::ClientsService::*get)(const auth::Principal&, std::int64_t);
};

constexpr MergeField kCompanyMergeFields[] = {
    {"name", "company.name"},       {"inn", "company.inn"},           {"kpp", "company.kpp"},
    {"ogrn", "company.ogrn"},       {"segment", "company.segment"},   {"industry", "company.industry"},
    {"region", "company.region"},   {"size", "company.size"},         {"source", "company.source"},
    {"address", "company.address"}, {"website", "company.website"},  {"note", "company.note"}};
constexpr MergeField kPersonMergeFields[] = {
    {"last_name", "person.last_name"}, {"first_name", "person.first_name"}, {"middle_name", "person.middle_name"},
    {"birthday", "person.birthday"},   {"inn", "company.inn"},              {"segment", "company.segment"},
    {"region", "company.region"},      {"source", "company.source"},        {"note", "company.note"}};

const ClientKind kCompanies{"company", "/companies", "merge.children", "dup.warning", "dup.confirm",
                            kCompanyMergeFields, &clients::ClientsService::get_company};
const ClientKind kPersons{"person", "/persons", "merge.children_person", "dup.warning_person", "dup.confirm_person",
                          kPersonMergeFields, &clients::ClientsService::get_person};

// What the partials duplicate_warning and duplicate_confirm show after a 409 from the service: the
// likely duplicates (name linked to the card, reasons and score) and the «save anyway» box. Adds
// nothing when the error names no candidates, so the forms then show no warning and no box.
// "тот же ИНН, то же имя": the reasons of a likely duplicate in the user's language (a person's
// name is a name, a company's a title).
std::string reasons_text(const std::string& lang, const ClientKind& k, const std::vector<std::string>& reasons) {
  std::string out;
  for (const auto& r : reasons) {
    const bool named = r == "name" || r == "similar_name";
    out += (out.empty() ? "" : ", ") + i18n::t(lang, std::string(named && k.type == std::string_view("person") ? "dup.person_" : "dup.") + r);
  }
  return out;
}

void add_duplicate_warning(mstch::map& d, const std::string& lang, const ApiError& e, const ClientKind& k) {
  if (e.kind != core::ErrorKind::conflict || !e.extra || !e.extra->contains("candidates")) return;
  mstch::array cands;
  for (auto& c : (*e.extra)["candidates"]) {
    const std::string reasons = reasons_text(lang, k, c["reasons"].get<std::vector<std::string>>());
    cands.push_back(mstch::map{{"href", std::string(k.base) + "/" + std::to_string(c["id"].get<std::int64_t>())},
                               {"name", s(c, "name")},
                               {"score", std::to_string(c["score"].get<int>())},
                               {"reasons", reasons}});
  }
  if (cands.empty()) return;
  d.emplace("dup", mstch::map{{"warning", i18n::t(lang, k.warning_key)},
                              {"confirm", i18n::t(lang, k.confirm_key)},
                              {"candidates", cands}});
}

// Re-renders a company form after a 422 (errors next to fields) or 409 (duplicate warning).
Response company_form_error(Request& req, const ApiError& e, const std::map<std::string, std::string>& f,
                            const std::string& action, const std::string& title_key) {
  const auto& lang = req.ctx->lang;
  auto d = company_form_data(lang, f);
  d.emplace("action", action);
  d.emplace("err", field_errors(e));
  add_duplicate_warning(d, lang, e, kCompanies);
  if (!d.count("dup")) d.emplace("form_error", e.title);
  return page(req, http::status_of(e.kind), "company_form", d, title_key);
}

mstch::map list_data(Request& req, const clients::Page& pg, bool company) {
  const auto& lang = req.ctx->lang;
  mstch::array rows;
  for (auto& c : pg.items) rows.push_back(company ? company_view(lang, c) : person_view(lang, c));
  mstch::map d{{"rows", rows}};
  if (pg.next) {
    std::string qs;
    for (auto& [k, v] : req.query_all())
      if (k != "after") qs += http::url_encode(k) + "=" + http::url_encode(v) + "&";
    d.emplace("next_query", qs + "after=" + std::to_string(*pg.next));
  }
  return d;
}

// The values the card's edit form shows for a person (phones and e-mails one a line).
std::map<std::string, std::string> form_of_person(const json& c) {
  std::map<std::string, std::string> f;
  for (const char* k : {"last_name", "first_name", "middle_name", "birthday", "inn", "region"}) f[k] = s(c, k);
  add_form_contacts(f, c);
  return f;
}

// The person card. Its edit form shows `sent` (what the user typed when a save was refused, the
// form then open with `extra`: field errors, the duplicate warning) or else the record's values.
Response person_card(clients::ClientsService& svc, Request& req, std::int64_t id, int status,
                     const std::map<std::string, std::string>* sent = nullptr, mstch::map extra = {}) {
  const auto& lang = req.ctx->lang;
  auto p = svc.get_person(principal(req), id);
  auto d = person_view(lang, p);
  mstch::array history;
  for (auto& h : svc.history(principal(req), "person", id))
    history.push_back(mstch::map{{"at", ru_date(s(h, "at")) + " " + s(h, "at").substr(11, 5)},
                                 {"login", s(h, "login")},
                                 {"action", i18n::t(lang, "action." + s(h, "action"))},
                                 {"changes", h["changes"].dump()}});
  d.emplace("history", history);
  d.emplace("channels", options(lang, "channel.", clients::kConsentChannels, "paper"));
  d.emplace("today", store::now_iso().substr(0, 10));
  d.emplace("person_id", std::to_string(id));
  const auto form = sent ? *sent : form_of_person(p);
  for (const char* k :
       {"last_name", "first_name", "middle_name", "birthday", "inn", "region", "phones", "emails", "version"}) {
    auto it = form.find(k);
    d.emplace(std::string("f_") + k, it == form.end() ? std::string() : it->second);
  }
  if (sent) d.emplace("edit_open", true);
  for (auto& [k, v] : extra) d[k] = std::move(v);
  return page(req, status, "person", d, "persons.card");
}

std::int64_t form_int(const std::map<std::string, std::string>& f, const char* k) {
  auto it = f.find(k);
  std::int64_t v = 0;
  if (it == f.end()) return 0;
  std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  return v;
}

std::int64_t query_int(const Request& req, const char* k) {
  auto v = req.query(k).value_or("");
  std::int64_t out = 0;
  std::from_chars(v.data(), v.data() + v.size(), out);
  return out;
}

// ------------------------------------------------------------------ duplicates and merge

// A field's value as the merge screen shows it: codes as their labels, dates as ДД.ММ.ГГГГ.
std::string merge_value(const std::string& lang, const json& rec, const std::string& field) {
  auto v = s(rec, field.c_str());
  if (field == "segment" || field == "source" || field == "size") return label(lang, field + ".", v);
  if (field == "birthday") return ru_date(v);
  return v;
}

// GET {base}/duplicates: groups of likely duplicates in the whole base, with score and reasons.
http::Handler duplicates_page(clients::ClientsService& svc, const ClientKind& k) {
  return [&svc, &k](Request& req) {
    const auto& lang = req.ctx->lang;
    mstch::array groups;
    for (auto& g : svc.scan_duplicates(principal(req), k.type, 200)) {
      mstch::array members;
      for (std::size_t i = 0; i < g.ids.size(); ++i)
        members.push_back(mstch::map{{"id", std::to_string(g.ids[i])}, {"name", g.names[i]}});
      const std::string reasons = reasons_text(lang, k, g.reasons);
      groups.push_back(mstch::map{{"members", members},
                                  {"reasons", reasons},
                                  {"score", std::to_string(g.score)},
                                  {"a", std::to_string(g.ids[0])},
                                  {"b", std::to_string(g.ids[1])}});
    }
    return page(req, 200, "duplicates", mstch::map{{"groups", groups}, {"base", std::string(k.base)}}, "dup.title");
  };
}

// POST {base}/not-duplicates: remembers that records a and b differ, back to the scan.
http::Handler not_duplicates_action(clients::ClientsService& svc, const ClientKind& k) {
  return [&svc, &k](Request& req) {
    auto f = req.form();
    svc.mark_not_duplicate(principal(req), k.type, form_int(f, "a"), form_int(f, "b"));
    auto resp = Response::redirect(req, std::string(k.base) + "/duplicates");
    set_flash(resp, "ok", i18n::t(req.ctx->lang, "flash.not_duplicate"));
    return resp;
  };
}

// GET {base}/merge?a=&b=: each field's two values side by side; a is the record that stays.
http::Handler merge_page(clients::ClientsService& svc, const ClientKind& k) {
  return [&svc, &k](Request& req) {
    const auto& lang = req.ctx->lang;
    auto a = query_int(req, "a"), b = query_int(req, "b");
    auto ra = (svc.*k.get)(principal(req), a);
    auto rb = (svc.*k.get)(principal(req), b);
    mstch::array fields;
    for (const auto& mf : k.merge_fields) {
      const std::string field = mf.field;
      fields.push_back(mstch::map{{"field", field},
                                  {"label", i18n::t(lang, mf.label_key)},
                                  {"a", merge_value(lang, ra, field)},
                                  {"b", merge_value(lang, rb, field)},
                                  {"same", s(ra, mf.field) == s(rb, mf.field)}});
    }
    mstch::map d{{"a", mstch::map{{"id", std::to_string(a)}}},
                 {"b", mstch::map{{"id", std::to_string(b)}}},
                 {"fields", fields},
                 {"base", std::string(k.base)},
                 {"children", i18n::t(lang, k.children_key)}};
    return page(req, 200, "merge", d, "merge.title");
  };
}

// POST {base}/merge: merges b into a taking the fields picked from b, then opens a's card.
http::Handler merge_action(clients::ClientsService& svc, const ClientKind& k) {
  return [&svc, &k](Request& req) {
    auto f = req.form();
    auto a = form_int(f, "a"), b = form_int(f, "b");
    std::vector<std::string> take;
    for (auto& [key, v] : http::parse_form(req.body))
      if (key.rfind("pick_", 0) == 0 && v == "b") take.push_back(key.substr(5));
    svc.merge(principal(req), k.type, a, b, take);
    auto resp = Response::redirect(req, std::string(k.base) + "/" + std::to_string(a));
    set_flash(resp, "ok", i18n::t(req.ctx->lang, "flash.merged"));
    return resp;
  };
}

}  // namespace

void register_clients_pages(Host& app, ClientsService& svc) {
  auto& r = app.router();

  r.add("GET", "/companies",
        [&svc](Request& req) {
          const auto& lang = req.ctx->lang;
          mstch::map d;
          try {
            auto q = list_query(req);
            d = list_data(req, svc.list_companies(principal(req), q), true);
          } catch (const ApiError& raw) {
            const auto e = i18n::worded(raw, req.ctx->lang);
            if (e.kind != core::ErrorKind::invalid) throw;
            d.emplace("err", field_errors(e));
          }
          d.emplace("q", req.query("q").value_or(""));
          d.emplace("f_region", req.query("region").value_or(""));
          d.emplace("f_industry", req.query("industry").value_or(""));
          d.emplace("f_from", req.query("created_from").value_or(""));
          d.emplace("f_to", req.query("created_to").value_or(""));
          d.emplace("segments", options(lang, "segment.", clients::kSegments, req.query("segment").value_or("")));
          d.emplace("sources", options(lang, "source.", clients::kSources, req.query("source").value_or("")));
          d.emplace("sort_name", req.query("sort").value_or("") == "name");
          std::string qs;
          for (auto& [k, v] : req.query_all())
            if (k != "after") qs += http::url_encode(k) + "=" + http::url_encode(v) + "&";
          d.emplace("query_string", qs);
          // htmx asks for the rows only (search as you type).
          if (req.header("hx-target").value_or("") == "company-results")
            return Response::html(200, fragment(req, "company_rows", d));
          return page(req, 200, "companies", d, "companies.title");
        },
        {.api = false, .summary = "Companies: search and filters"});
  r.add("GET", "/companies/new",
        [](Request& req) {
          auto d = company_form_data(req.ctx->lang, {});
          d.emplace("action", std::string("/companies"));
          return page(req, 200, "company_form", d, "companies.new");
        },
        {.api = false, .summary = "New company form"});
  r.add("POST", "/companies",
        [&svc](Request& req) {
          auto f = req.form();
          try {
            auto c = svc.create_company(principal(req), company_form(f));
            auto resp = Response::redirect(req, "/companies/" + std::to_string(c["id"].get<std::int64_t>()));
            set_flash(resp, "ok", i18n::t(req.ctx->lang, "flash.saved"));
            return resp;
          } catch (const ApiError& raw) {
            const auto e = i18n::worded(raw, req.ctx->lang);
            if (e.kind != core::ErrorKind::invalid && e.kind != core::ErrorKind::conflict) throw;
            return company_form_error(req, e, f, "/companies", "companies.new");
          }
        },
        {.api = false, .summary = "Create a company"});
  r.add("GET", "/companies/duplicates", duplicates_page(svc, kCompanies),
        {.api = false, .summary = "Duplicate scan of companies"});
  r.add("POST", "/companies/not-duplicates", not_duplicates_action(svc, kCompanies),
        {.api = false, .summary = "Mark two companies as not duplicates"});
  r.add("GET", "/companies/merge", merge_page(svc, kCompanies),
        {.api = false, .summary = "Merge screen: pick each field's value"});
  r.add("POST", "/companies/merge", merge_action(svc, kCompanies), {.api = false, .summary = "Merge two companies"});
  r.add("GET", "/companies/{id}",
        [&svc](Request& req) {
          const auto& lang = req.ctx->lang;
          auto id = id_param(req);
          auto c = svc.get_company(principal(req), id);
          auto d = company_view(lang, c);
          mstch::array persons, history;
          for (auto& p : c["persons"])
            persons.push_back(mstch::map{{"id", std::to_string(p["id"].get<std::int64_t>())}, {"name", s(p, "name")},
                                         {"position", s(p, "position")}, {"decision_maker", p["decision_maker"].get<bool>()}});
          for (auto& h : svc.history(principal(req), "company", id))
            history.push_back(mstch::map{{"at", ru_date(s(h, "at")) + " " + s(h, "at").substr(11, 5)},
                                         {"login", s(h, "login")},
                                         {"action", i18n::t(lang, "action." + s(h, "action"))},
                                         {"changes", h["changes"].dump()}});
          d.emplace("persons", persons);
          d.emplace("history", history);
          return page(req, 200, "company", d, "companies.card");
        },
        {.api = false, .summary = "Company card"});
  r.add("GET", "/companies/{id}/edit",
        [&svc](Request& req) {
          auto id = id_param(req);
          auto c = svc.get_company(principal(req), id);
          auto d = company_form_data(req.ctx->lang, form_of_company(c));
          d.emplace("action", "/companies/" + std::to_string(id));
          d.emplace("editing", true);
          return page(req, 200, "company_form", d, "companies.edit");
        },
        {.api = false, .summary = "Edit a company"});
  r.add("POST", "/companies/{id}",
        [&svc](Request& req) {
          auto id = id_param(req);
          auto f = req.form();
          auto in = company_form(f);
          if (f.count("archive")) {
            in = clients::CompanyInput{};
            in.archived = true;
          }
          try {
            svc.update_company(principal(req), id, in, form_int(f, "version") ? std::optional(form_int(f, "version")) : std::nullopt);
            auto resp = Response::redirect(req, f.count("archive") ? "/companies" : "/companies/" + std::to_string(id));
            set_flash(resp, "ok", i18n::t(req.ctx->lang, f.count("archive") ? "flash.archived" : "flash.saved"));
            return resp;
          } catch (const ApiError& raw) {
            const auto e = i18n::worded(raw, req.ctx->lang);
            if (e.kind != core::ErrorKind::invalid && e.kind != core::ErrorKind::conflict && e.kind != core::ErrorKind::precondition_failed) throw;
            if (e.kind == core::ErrorKind::precondition_failed) {
              auto resp = Response::redirect(req, "/companies/" + std::to_string(id) + "/edit");
              set_flash(resp, "error", e.title + ". " + e.detail);
              return resp;
            }
            return company_form_error(req, e, f, "/companies/" + std::to_string(id), "companies.edit");
          }
        },
        {.api = false, .summary = "Save or archive a company"});

  r.add("GET", "/persons",
        [&svc](Request& req) {
          mstch::map d;
          try {
            d = list_data(req, svc.list_persons(principal(req), list_query(req)), false);
          } catch (const ApiError& raw) {
            const auto e = i18n::worded(raw, req.ctx->lang);
            if (e.kind != core::ErrorKind::invalid) throw;
            d.emplace("err", field_errors(e));
          }
          d.emplace("q", req.query("q").value_or(""));
          if (req.header("hx-target").value_or("") == "person-results")
            return Response::html(200, fragment(req, "person_rows", d));
          return page(req, 200, "persons", d, "persons.title");
        },
        {.api = false, .summary = "Persons: search"});
  r.add("POST", "/persons",
        [&svc](Request& req) {
          auto f = req.form();
          clients::PersonInput in;
          in.last_name = f["last_name"];
          in.first_name = f["first_name"];
          in.middle_name = f["middle_name"];
          in.birthday = f["birthday"];
          in.region = f["region"];
          std::vector<clients::Phone> phones;
          if (!f["phone"].empty()) phones.push_back({f["phone"], "mobile"});
          in.phones = phones;
          std::vector<clients::Email> emails;
          if (!f["email"].empty()) emails.push_back({f["email"], "work"});
          in.emails = emails;
          in.confirm_duplicate = f.count("confirm_duplicate") > 0;
          try {
            auto p = svc.create_person(principal(req), in);
            return Response::redirect(req, "/persons/" + std::to_string(p["id"].get<std::int64_t>()));
          } catch (const ApiError& raw) {
            const auto e = i18n::worded(raw, req.ctx->lang);
            if (e.kind != core::ErrorKind::invalid && e.kind != core::ErrorKind::conflict) throw;
            // The list page again with the form open and what was typed: errors next to the fields,
            // or the likely duplicates and the «save anyway» box.
            auto d = list_data(req, svc.list_persons(principal(req), list_query(req)), false);
            d.emplace("err", field_errors(e));
            add_duplicate_warning(d, req.ctx->lang, e, kPersons);
            if (!d.count("dup")) d.emplace("form_error", e.title);
            d.emplace("form_open", true);
            d.emplace("q", std::string());
            for (const char* k : {"last_name", "first_name", "middle_name", "birthday", "region", "phone", "email"})
              d.emplace(std::string("v_") + k, f[k]);
            return page(req, http::status_of(e.kind), "persons", d, "persons.title");
          }
        },
        {.api = false, .summary = "Create a person"});
  r.add("GET", "/persons/duplicates", duplicates_page(svc, kPersons),
        {.api = false, .summary = "Duplicate scan of persons"});
  r.add("POST", "/persons/not-duplicates", not_duplicates_action(svc, kPersons),
        {.api = false, .summary = "Mark two persons as not duplicates"});
  r.add("GET", "/persons/merge", merge_page(svc, kPersons),
        {.api = false, .summary = "Merge screen for persons: pick each field's value"});
  r.add("POST", "/persons/merge", merge_action(svc, kPersons), {.api = false, .summary = "Merge two persons"});
  r.add("GET", "/persons/{id}", [&svc](Request& req) { return person_card(svc, req, id_param(req), 200); },
        {.api = false, .summary = "Person card"});
  r.add("POST", "/persons/{id}",
        [&svc](Request& req) {
          auto id = id_param(req);
          auto f = req.form();
          clients::PersonInput in;
          std::string back = "/persons/" + std::to_string(id);
          // The card's edit form (not its archive button, not the form linking a company).
          const bool edit = !f.count("archive") && (!f.count("company_id") || f.at("company_id").empty());
          if (f.count("archive")) {
            in.archived = true;
          } else {
            in.last_name = f["last_name"];
            in.first_name = f["first_name"];
            in.middle_name = f["middle_name"];
            in.birthday = f["birthday"];
            in.region = f["region"];
            in.inn = f["inn"];
            std::vector<clients::Phone> phones;
            for (auto& l : lines(f["phones"])) phones.push_back({l, "mobile"});
            in.phones = phones;
            std::vector<clients::Email> emails;
            for (auto& l : lines(f["emails"])) emails.push_back({l, "work"});
            in.emails = emails;
            in.confirm_duplicate = f.count("confirm_duplicate") > 0;
            if (!f["company_id"].empty()) {
              auto cur = svc.get_person(principal(req), id);
              std::vector<clients::CompanyLink> links;
              for (auto& l : cur["companies"])
                links.push_back({l["company_id"].get<std::int64_t>(), "", s(l, "position"), l["decision_maker"].get<bool>()});
              links.push_back({form_int(f, "company_id"), "", f["position"], f.count("decision_maker") > 0});
              in.companies = links;
              in.last_name.reset(), in.first_name.reset(), in.middle_name.reset(), in.birthday.reset(), in.region.reset();
              in.inn.reset(), in.phones.reset(), in.emails.reset();
            }
          }
          try {
            svc.update_person(principal(req), id, in, form_int(f, "version") ? std::optional(form_int(f, "version")) : std::nullopt);
            auto resp = Response::redirect(req, f.count("archive") ? "/persons" : back);
            set_flash(resp, "ok", i18n::t(req.ctx->lang, f.count("archive") ? "flash.archived" : "flash.saved"));
            return resp;
          } catch (const ApiError& raw) {
            const auto e = i18n::worded(raw, req.ctx->lang);
            if (e.kind != core::ErrorKind::invalid && e.kind != core::ErrorKind::conflict && e.kind != core::ErrorKind::precondition_failed) throw;
            if (edit && e.kind != core::ErrorKind::precondition_failed) {
              // The card again with the edit form open and what was typed: errors next to the
              // fields, or the likely duplicates and the «save anyway» box.
              mstch::map extra{{"err", field_errors(e)}};
              add_duplicate_warning(extra, req.ctx->lang, e, kPersons);
              if (!extra.count("dup")) extra.emplace("form_error", e.title);
              return person_card(svc, req, id, http::status_of(e.kind), &f, std::move(extra));
            }
            auto resp = Response::redirect(req, back);
            std::string msg = e.title;
            for (auto& fe : e.fields) msg += ". " + fe.message;
            set_flash(resp, "error", msg);
            return resp;
          }
        },
        {.api = false, .summary = "Save, link to a company, or archive a person"});
  r.add("POST", "/persons/{id}/consents",
        [&svc](Request& req) {
          auto id = id_param(req);
          auto f = req.form();
          std::string back = "/persons/" + std::to_string(id);
          try {
            if (!f["withdraw"].empty()) {
              svc.withdraw_consent(principal(req), id, form_int(f, "withdraw"), store::now_iso().substr(0, 10));
            } else {
              clients::Consent c;
              c.purpose = f["purpose"];
              c.given_at = f["given_at"];
              c.channel = f["channel"];
              c.text_version = f["text_version"];
              svc.add_consent(principal(req), id, c);
            }
            auto resp = Response::redirect(req, back);
            set_flash(resp, "ok", i18n::t(req.ctx->lang, "flash.saved"));
            return resp;
          } catch (const ApiError& raw) {
            const auto e = i18n::worded(raw, req.ctx->lang);
            if (e.kind != core::ErrorKind::invalid && e.kind != core::ErrorKind::not_found) throw;
            auto resp = Response::redirect(req, back);
            std::string msg = e.title;
            for (auto& fe : e.fields) msg += ". " + i18n::t(req.ctx->lang, "consent.field." + fe.field) + ": " + fe.message;
            set_flash(resp, "error", msg);
            return resp;
          }
        },
        {.api = false, .summary = "Record or withdraw a consent"});
}

}  // namespace sdelka::clients
