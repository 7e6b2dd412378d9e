#include "clients/model.hpp"

#include <type_traits>

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

namespace {
void str(std::string& out, std::string_view v) {
  static const char* hex = "0123456789abcdef";
  out += '"';
  std::size_t plain = 0;  // start of the run of characters copied as they are
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto c = static_cast<unsigned char>(v[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(v.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
    }
  }
  out.append(v.data() + plain, v.size() - plain);
  out += '"';
}
void key(std::string& out, const char* k, bool first = false) {
  if (!first) out += ',';
  out += '"';
  out += k;
  out += "\":";
}
void opt_str(std::string& out, const std::optional<std::string>& v) {
  if (v) str(out, *v);
  else out += "null";
}
void opt_int(std::string& out, const std::optional<std::int64_t>& v) {
  if (v) out += std::to_string(*v);
  else out += "null";
}
void boolean(std::string& out, bool v) { out += v ? "true" : "false"; }
// [{"number"|"email": …, "type": …}, …]
template <class T>
void contacts(std::string& out, const std::vector<T>& v) {
  out += '[';
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    out += '{';
    if constexpr (std::is_same_v<T, Phone>) key(out, "number", true), str(out, v[i].number);
    else key(out, "email", true), str(out, v[i].email);
    key(out, "type"), str(out, v[i].type);
    out += '}';
  }
  out += ']';
}
}  // namespace

// Keys in the order nlohmann::json (a std::map) prints them, so both forms are byte-identical.
void append_json(std::string& out, const Company& c, JsonPart part) {
  const bool meta = part != JsonPart::audit;
  out += '{';
  key(out, "address", true), str(out, c.address);
  key(out, "archived"), boolean(out, c.archived);
  key(out, "bank_account"), opt_str(out, c.bank_account);
  key(out, "bank_bik"), opt_str(out, c.bank_bik);
  if (meta) key(out, "created_at"), str(out, c.created_at);
  key(out, "department_id"), opt_int(out, c.department_id);
  key(out, "emails"), contacts(out, c.emails);
  if (part != JsonPart::list_row) key(out, "id"), out += std::to_string(c.id);
  key(out, "industry"), str(out, c.industry);
  key(out, "inn"), opt_str(out, c.inn);
  key(out, "kpp"), opt_str(out, c.kpp);
  key(out, "name"), str(out, c.name);
  key(out, "note"), str(out, c.note);
  key(out, "ogrn"), opt_str(out, c.ogrn);
  key(out, "owner_id"), opt_int(out, c.owner_id);
  key(out, "phones"), contacts(out, c.phones);
  key(out, "referrer_company_id"), opt_int(out, c.referrer_company_id);
  key(out, "region"), str(out, c.region);
  key(out, "segment"), str(out, c.segment);
  key(out, "size"), str(out, c.size);
  key(out, "source"), str(out, c.source);
  if (meta) {
    key(out, "updated_at"), str(out, c.updated_at);
    key(out, "version"), out += std::to_string(c.version);
  }
  key(out, "website"), str(out, c.website);
  out += '}';
}

std::string full_name(std::string_view last, std::string_view first, std::string_view middle) {
  std::string out(last);
  for (auto part : {first, middle})
    if (!part.empty()) {
      if (!out.empty()) out += ' ';
      out += part;
    }
  return out;
}

std::string Person::full_name() const { return clients::full_name(last_name, first_name, middle_name); }

bool Person::consent_active() const {
  if (consents.empty()) return stored_consent_active;
  for (const auto& c : consents)
    if (!c.withdrawn_at) return true;
  return false;
}

void append_json(std::string& out, const Person& p, JsonPart part) {
  const bool meta = part != JsonPart::audit, row = part == JsonPart::list_row;
  out += '{';
  key(out, "archived", true), boolean(out, p.archived);
  key(out, "birthday"), opt_str(out, p.birthday);
  key(out, "companies"), out += '[';
  for (std::size_t i = 0; i < p.companies.size(); ++i) {
    const auto& l = p.companies[i];
    if (i) out += ',';
    out += '{';
    key(out, "company_id", true), out += std::to_string(l.company_id);
    key(out, "company_name"), str(out, l.company_name);
    key(out, "decision_maker"), boolean(out, l.decision_maker);
    key(out, "position"), str(out, l.position);
    out += '}';
  }
  out += ']';
  if (!row) key(out, "consent_active"), boolean(out, p.consent_active());
  key(out, "consents"), out += '[';
  for (std::size_t i = 0; i < p.consents.size(); ++i) {
    const auto& c = p.consents[i];
    if (i) out += ',';
    out += '{';
    key(out, "channel", true), str(out, c.channel);
    key(out, "given_at"), str(out, c.given_at);
    key(out, "id"), out += std::to_string(c.id);
    key(out, "purpose"), str(out, c.purpose);
    key(out, "text_version"), str(out, c.text_version);
    key(out, "withdrawn_at"), opt_str(out, c.withdrawn_at);
    out += '}';
  }
  out += ']';
  if (meta) key(out, "created_at"), str(out, p.created_at);
  key(out, "department_id"), opt_int(out, p.department_id);
  key(out, "emails"), contacts(out, p.emails);
  key(out, "first_name"), str(out, p.first_name);
  if (!row) key(out, "id"), out += std::to_string(p.id);
  key(out, "inn"), opt_str(out, p.inn);
  key(out, "last_name"), str(out, p.last_name);
  key(out, "middle_name"), str(out, p.middle_name);
  key(out, "name"), str(out, p.full_name());
  key(out, "note"), str(out, p.note);
  key(out, "owner_id"), opt_int(out, p.owner_id);
  key(out, "phones"), contacts(out, p.phones);
  key(out, "region"), str(out, p.region);
  key(out, "segment"), str(out, p.segment);
  key(out, "source"), str(out, p.source);
  if (meta) {
    key(out, "updated_at"), str(out, p.updated_at);
    key(out, "version"), out += std::to_string(p.version);
  }
  out += '}';
}

std::string list_row(const Company& c) {
  std::string out;
  out.reserve(640);
  append_json(out, c, JsonPart::list_row);
  return out;
}

std::string list_row(const Person& p) {
  std::string out;
  out.reserve(512);
  if (p.companies.empty() && p.consents.empty()) {
    append_json(out, p, JsonPart::list_row);
  } else {  // list rows do not carry links and consents
    Person bare = p;
    bare.companies.clear();
    bare.consents.clear();
    append_json(out, bare, JsonPart::list_row);
  }
  return out;
}

// row is "{…}" without the id: `{"id":N,` + row without its "{".
void append_list_item(std::string& out, std::int64_t id, std::string_view row) {
  out += "{\"id\":";
  out += std::to_string(id);
  out += ',';
  out.append(row.substr(1));
}

void append_list_item(std::string& out, std::int64_t id, bool consent_active, std::string_view row) {
  out += "{\"id\":";
  out += std::to_string(id);
  out += consent_active ? ",\"consent_active\":true," : ",\"consent_active\":false,";
  out.append(row.substr(1));
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
