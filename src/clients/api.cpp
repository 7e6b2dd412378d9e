// JSON routes of the Clients context: companies, persons, consents, duplicates and merge.
#include <charconv>

#include "clients/service.hpp"
#include "core/text.hpp"
#include "store/database.hpp"
#include "http/json_body.hpp"
#include "i18n/i18n.hpp"
#include "clients/routes.hpp"
#include "web/host.hpp"
#include "web/context.hpp"

namespace sdelka::clients {

using namespace sdelka::web;

namespace {
using clients::ClientsService;
using http::ApiError;
using http::JsonBody;
using http::Request;
using http::Response;
using nlohmann::json;


std::optional<std::vector<clients::Phone>> phones(JsonBody& b) {
  if (!b.has("phones") || b.json()["phones"].is_null()) return std::nullopt;
  const auto& a = b.json()["phones"];
  std::vector<clients::Phone> out;
  if (!a.is_array()) {
    b.error("phones", i18n::t(b.lang(), "err.type.phones"), "type");
    return std::nullopt;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto& v = a[i];
    if (v.is_string()) out.push_back({v.get<std::string>(), "work"});
    else if (v.is_object() && v.contains("number") && v["number"].is_string() &&
             (!v.contains("type") || v["type"].is_string()))
      out.push_back({v["number"].get<std::string>(), v.value("type", std::string("work"))});
    else b.error("phones[" + std::to_string(i) + "]", i18n::t(b.lang(), "err.type.phones"), "type");
  }
  return out;
}

std::optional<std::vector<clients::Email>> emails(JsonBody& b) {
  if (!b.has("emails") || b.json()["emails"].is_null()) return std::nullopt;
  const auto& a = b.json()["emails"];
  std::vector<clients::Email> out;
  if (!a.is_array()) {
    b.error("emails", i18n::t(b.lang(), "err.type.emails"), "type");
    return std::nullopt;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto& v = a[i];
    if (v.is_string()) out.push_back({v.get<std::string>(), "work"});
    else if (v.is_object() && v.contains("email") && v["email"].is_string() && (!v.contains("type") || v["type"].is_string()))
      out.push_back({v["email"].get<std::string>(), v.value("type", std::string("work"))});
    else b.error("emails[" + std::to_string(i) + "]", i18n::t(b.lang(), "err.type.emails"), "type");
  }
  return out;
}

const std::vector<std::string_view> kCompanyFields = {
    "name",    "inn",      "kpp",          "ogrn",     "segment", "industry", "region", "size",   "source",
    "bank_bik", "bank_account", "address", "website", "note",    "referrer_company_id", "owner_id", "phones",
    "emails",  "archived", "confirm_duplicate"};

clients::CompanyInput company_input(JsonBody& b, bool create) {
  clients::CompanyInput in;
  in.name = b.str("name", create, 500);
  for (auto [field, target] : {std::pair{"inn", &in.inn}, {"kpp", &in.kpp}, {"ogrn", &in.ogrn}, {"segment", &in.segment},
                               {"industry", &in.industry}, {"region", &in.region}, {"size", &in.size}, {"source", &in.source},
                               {"bank_bik", &in.bank_bik}, {"bank_account", &in.bank_account}, {"address", &in.address},
                               {"website", &in.website}})
    *target = b.str(field, false, 1000);
  in.note = b.str("note", false, 20000);
  in.referrer_company_id = b.integer("referrer_company_id");
  in.owner_id = b.integer("owner_id");
  in.phones = phones(b);
  in.emails = emails(b);
  in.archived = b.boolean("archived");
  in.confirm_duplicate = b.boolean("confirm_duplicate").value_or(false);
  b.finish();
  return in;
}

const std::vector<std::string_view> kPersonFields = {
    "name",   "last_name", "first_name", "middle_name", "inn",    "birthday", "segment",  "region",
    "source", "note",      "owner_id",   "phones",      "emails", "companies", "archived", "confirm_duplicate"};

clients::PersonInput person_input(JsonBody& b, bool create) {
  clients::PersonInput in;
  for (auto [field, target] : {std::pair{"name", &in.name}, {"last_name", &in.last_name}, {"first_name", &in.first_name},
                               {"middle_name", &in.middle_name}, {"inn", &in.inn}, {"birthday", &in.birthday},
                               {"segment", &in.segment}, {"region", &in.region}, {"source", &in.source}})
    *target = b.str(field, false, 500);
  if (create && !in.name && !in.last_name && !in.first_name) b.error("name", i18n::t(b.lang(), "err.required"), "required");
  in.note = b.str("note", false, 20000);
  in.owner_id = b.integer("owner_id");
  in.phones = phones(b);
  in.emails = emails(b);
  if (b.has("companies") && !b.json()["companies"].is_null()) {
    const auto& a = b.json()["companies"];
    std::vector<clients::CompanyLink> links;
    if (!a.is_array()) b.error("companies", i18n::t(b.lang(), "err.type.links"), "type");
    else
      for (std::size_t i = 0; i < a.size(); ++i) {
        const auto& v = a[i];
        if (!v.is_object() || !v.contains("company_id") || !v["company_id"].is_number_integer() ||
            (v.contains("position") && !v["position"].is_string()) ||
            (v.contains("decision_maker") && !v["decision_maker"].is_boolean())) {
          b.error("companies[" + std::to_string(i) + "]", i18n::t(b.lang(), "err.type.links"), "type");
          continue;
        }
        links.push_back({v["company_id"].get<std::int64_t>(), "", v.value("position", std::string()),
                         v.value("decision_maker", false)});
      }
    in.companies = links;
  }
  in.archived = b.boolean("archived");
  in.confirm_duplicate = b.boolean("confirm_duplicate").value_or(false);
  b.finish();
  return in;
}

}  // namespace

// YYYY-MM-DD naming a real day.
bool valid_iso_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int y = 0, m = 0, d = 0;
  if (std::from_chars(s.data(), s.data() + 4, y).ptr != s.data() + 4) return false;
  if (std::from_chars(s.data() + 5, s.data() + 7, m).ptr != s.data() + 7) return false;
  if (std::from_chars(s.data() + 8, s.data() + 10, d).ptr != s.data() + 10) return false;
  static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days[m - 1]) return false;
  return !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

clients::repo::ListQuery list_query(const Request& req) {
  clients::repo::ListQuery q;
  auto pp = page_params(req, 50, 500);
  q.limit = pp.limit;
  q.after = pp.after;
  q.q = std::string(core::trim(req.query("q").value_or("")));
  q.segment = req.query("segment").value_or("");
  q.region = req.query("region").value_or("");
  q.industry = req.query("industry").value_or("");
  q.source = req.query("source").value_or("");
  q.created_from = req.query("created_from").value_or("");
  q.created_to = req.query("created_to").value_or("");
  q.sort = req.query("sort").value_or("new");
  q.include_archived = req.query("archived").value_or("") == "true";
  std::vector<http::FieldError> errs;
  const auto& lang = req.ctx->lang;
  if (auto o = req.query("owner"); o && !o->empty()) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(o->data(), o->data() + o->size(), v);
    if (ec != std::errc() || p != o->data() + o->size()) errs.push_back({"owner", i18n::t(lang, "err.type.integer"), "type"});
    else q.owner_id = v;
  }
  if (q.sort != "new" && q.sort != "name") errs.push_back({"sort", i18n::t(lang, "err.one_of") + ": new, name", "enum"});
  for (auto [name, v] : {std::pair{"created_from", &q.created_from}, {"created_to", &q.created_to}})
    if (!v->empty() && !valid_iso_date(*v)) errs.push_back({name, i18n::t(lang, "err.date"), "format"});
  if (!q.source.empty() && !clients::one_of(clients::kSources, q.source))
    errs.push_back({"source", i18n::t(lang, "err.one_of") + ": incoming_call, web_form, referral, directory, "
                              "competitor_client, exhibition, cold_call", "enum"});
  if (!q.segment.empty() && !clients::one_of(clients::kSegments, q.segment))
    errs.push_back({"segment", i18n::t(lang, "err.one_of") + ": prospect, client, regular, vip, lost", "enum"});
  if (q.q.size() > 200) errs.push_back({"q", i18n::t(lang, "err.too_long"), "too_long"});
  if (!errs.empty()) throw ApiError{core::ErrorKind::invalid, i18n::t(lang, "err.validation"), "", errs};
  return q;
}

void register_clients_api(Host& app, ClientsService& s) {
  auto& r = app.router();

  // Duplicates, merge and history work the same for companies and persons.
  auto scan = [&s](std::string type) {
    return [&s, type](Request& req) {
      auto pp = page_params(req, 100, 500);
      json items = json::array();
      for (auto& g : s.scan_duplicates(principal(req), type, pp.limit)) items.push_back(g.to_json());
      return Response::json(200, {{"items", items}, {"next", nullptr}});
    };
  };
  auto not_dup = [&s](std::string type) {
    return [&s, type](Request& req) {
      JsonBody b(req, req.ctx->lang, {"a", "b"});
      auto a = b.integer("a", true), bb = b.integer("b", true);
      b.finish();
      s.mark_not_duplicate(principal(req), type, *a, *bb);
      return Response::no_content();
    };
  };
  auto merge = [&s](std::string type) {
    return [&s, type](Request& req) {
      JsonBody b(req, req.ctx->lang, {"loser_id", "take_from_loser"});
      auto loser = b.integer("loser_id", true);
      auto take = b.str_list("take_from_loser").value_or(std::vector<std::string>{});
      b.finish();
      return with_etag(200, s.merge(principal(req), type, id_param(req), *loser, take));
    };
  };
  auto history = [&s](std::string type) {
    return [&s, type](Request& req) {
      return Response::json(200, {{"items", s.history(principal(req), type, id_param(req))}, {"next", nullptr}});
    };
  };
  r.add("GET", "/api/v1/companies/duplicates", scan("company"),
        {.summary = "Groups of likely duplicate companies in the whole base, with score and reasons"});
  r.add("GET", "/api/v1/persons/duplicates", scan("person"),
        {.summary = "Groups of likely duplicate persons in the whole base, with score and reasons"});
  r.add("POST", "/api/v1/companies/not-duplicates", not_dup("company"), {.summary = "Remember that two companies differ"});
  r.add("POST", "/api/v1/persons/not-duplicates", not_dup("person"), {.summary = "Remember that two persons differ"});
  r.add("POST", "/api/v1/companies/{id}/merge", merge("company"), {.summary = "Merge another company into this one"});
  r.add("POST", "/api/v1/persons/{id}/merge", merge("person"), {.summary = "Merge another person into this one"});
  r.add("GET", "/api/v1/companies/{id}/history", history("company"), {.summary = "History of a company"});
  r.add("GET", "/api/v1/persons/{id}/history", history("person"), {.summary = "History of a person"});

  r.add("POST", "/api/v1/companies/duplicates/check",
        [&s](Request& req) {
          JsonBody b(req, req.ctx->lang, kCompanyFields);
          auto in = company_input(b, false);
          json items = json::array();
          for (auto& c : s.company_candidates(principal(req), in, std::nullopt)) items.push_back(c.to_json());
          return Response::json(200, {{"candidates", items}});
        },
        {.summary = "Likely duplicates of a company before saving it"});
  r.add("GET", "/api/v1/companies",
        [&s](Request& req) {
          return Response::text(200, s.list_companies_json(principal(req), list_query(req)), "application/json");
        },
        {.summary = "List and search companies (keyset; q, filters, sort)"});
  r.add("POST", "/api/v1/companies",
        [&s](Request& req) {
          JsonBody b(req, req.ctx->lang, kCompanyFields);
          auto in = company_input(b, true);
          auto c = s.create_company(principal(req), in);
          auto resp = with_etag(201, c);
          resp.set("Location", "/api/v1/companies/" + std::to_string(c["id"].get<std::int64_t>()));
          return resp;
        },
        {.summary = "Create a company (409 with candidates for a likely duplicate)"});
  r.add("GET", "/api/v1/companies/{id}",
        [&s](Request& req) { return with_etag(200, s.get_company(principal(req), id_param(req))); },
        {.summary = "Read a company with its persons"});
  r.add("PATCH", "/api/v1/companies/{id}",
        [&s](Request& req) {
          JsonBody b(req, req.ctx->lang, kCompanyFields);
          auto in = company_input(b, false);
          return with_etag(200, s.update_company(principal(req), id_param(req), in, if_match(req)));
        },
        {.summary = "Update or archive a company; If-Match for optimistic concurrency"});

  r.add("GET", "/api/v1/persons",
        [&s](Request& req) {
          return Response::text(200, s.list_persons_json(principal(req), list_query(req)), "application/json");
        },
        {.summary = "List and search persons (keyset; q, filters, sort)"});
  r.add("POST", "/api/v1/persons",
        [&s](Request& req) {
          JsonBody b(req, req.ctx->lang, kPersonFields);
          auto in = person_input(b, true);
          auto c = s.create_person(principal(req), in);
          auto resp = with_etag(201, c);
          resp.set("Location", "/api/v1/persons/" + std::to_string(c["id"].get<std::int64_t>()));
          return resp;
        },
        {.summary = "Create a person (409 with candidates for a likely duplicate)"});
  r.add("GET", "/api/v1/persons/{id}",
        [&s](Request& req) { return with_etag(200, s.get_person(principal(req), id_param(req))); },
        {.summary = "Read a person with companies and consents"});
  r.add("PATCH", "/api/v1/persons/{id}",
        [&s](Request& req) {
          JsonBody b(req, req.ctx->lang, kPersonFields);
          auto in = person_input(b, false);
          return with_etag(200, s.update_person(principal(req), id_param(req), in, if_match(req)));
        },
        {.summary = "Update or archive a person; If-Match for optimistic concurrency"});
  r.add("POST", "/api/v1/persons/{id}/consents",
        [&s](Request& req) {
          JsonBody b(req, req.ctx->lang, {"purpose", "given_at", "channel", "text_version"});
          clients::Consent c;
          c.purpose = b.str("purpose", true, 1000).value_or("");
          c.given_at = b.str("given_at", true, 10).value_or("");
          c.channel = b.str("channel", true, 40).value_or("");
          c.text_version = b.str("text_version", true, 100).value_or("");
          b.finish();
          return Response::json(201, s.add_consent(principal(req), id_param(req), c));
        },
        {.summary = "Record a consent to personal-data processing (152-ФЗ)"});
  r.add("POST", "/api/v1/persons/{id}/consents/{consent_id}/withdraw",
        [&s](Request& req) {
          JsonBody b(req, req.ctx->lang, {"withdrawn_at"});
          auto at = b.str("withdrawn_at", false, 10);
          b.finish();
          return with_etag(200, s.withdraw_consent(principal(req), id_param(req), id_param(req, "consent_id"),
                                                    at.value_or(store::now_iso().substr(0, 10))));
        },
        {.summary = "Withdraw a consent (the person drops out of campaigns)"});
}

}  // namespace sdelka::clients
