#include "clients/model.hpp"

namespace sdelka::clients {

using nlohmann::json;

static json opt(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }
static json opt(const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); }

static json phones_json(const std::vector<Phone>& v) {
  json a = json::array();
  for (const auto& p : v) a.push_back({{"number", p.number}, {"type", p.type}});
  return a;
}
static json emails_json(const std::vector<Email>& v) {
  json a = json::array();
  for (const auto& e : v) a.push_back({{"email", e.email}, {"type", e.type}});
  return a;
}

json to_json(const Company& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"inn", opt(c.inn)},
          {"kpp", opt(c.kpp)},
          {"ogrn", opt(c.ogrn)},
          {"segment", c.segment},
          {"industry", c.industry},
          {"region", c.region},
          {"size", c.size},
          {"source", c.source},
          {"referrer_company_id", opt(c.referrer_company_id)},
          {"bank_bik", opt(c.bank_bik)},
          {"bank_account", opt(c.bank_account)},
          {"address", c.address},
          {"website", c.website},
          {"note", c.note},
          {"owner_id", opt(c.owner_id)},
          {"department_id", opt(c.department_id)},
          {"archived", c.archived},
          {"version", c.version},
          {"created_at", c.created_at},
          {"updated_at", c.updated_at},
          {"phones", phones_json(c.phones)},
          {"emails", emails_json(c.emails)}};
}

std::string Person::full_name() const {
  std::string out = last_name;
  for (const auto* part : {&first_name, &middle_name})
    if (!part->empty()) out += (out.empty() ? "" : " ") + *part;
  return out;
}

bool Person::consent_active() const {
  for (const auto& c : consents)
    if (!c.withdrawn_at) return true;
  return false;
}

json to_json(const Person& p) {
  json links = json::array();
  for (const auto& l : p.companies)
    links.push_back({{"company_id", l.company_id}, {"company_name", l.company_name}, {"position", l.position},
                     {"decision_maker", l.decision_maker}});
  json consents = json::array();
  for (const auto& c : p.consents)
    consents.push_back({{"id", c.id}, {"purpose", c.purpose}, {"given_at", c.given_at}, {"channel", c.channel},
                        {"text_version", c.text_version}, {"withdrawn_at", opt(c.withdrawn_at)}});
  return {{"id", p.id},
          {"name", p.full_name()},
          {"last_name", p.last_name},
          {"first_name", p.first_name},
          {"middle_name", p.middle_name},
          {"inn", opt(p.inn)},
          {"birthday", opt(p.birthday)},
          {"segment", p.segment},
          {"region", p.region},
          {"source", p.source},
          {"note", p.note},
          {"owner_id", opt(p.owner_id)},
          {"department_id", opt(p.department_id)},
          {"archived", p.archived},
          {"version", p.version},
          {"created_at", p.created_at},
          {"updated_at", p.updated_at},
          {"phones", phones_json(p.phones)},
          {"emails", emails_json(p.emails)},
          {"companies", links},
          {"consents", consents},
          {"consent_active", p.consent_active()}};
}

json Candidate::to_json() const {
  return {{"object_type", object_type}, {"id", id}, {"name", name}, {"score", score}, {"reasons", reasons}};
}

}  // namespace sdelka::clients
