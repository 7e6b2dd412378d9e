#pragma once
// Clients: companies (организации) and persons (контактные лица), their phones and e-mails,
// links between them, consents to personal-data processing (152-ФЗ). Plain data, no I/O.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace sdelka::clients {

// Stable codes (database, API, CSV) with catalogue keys "segment.<code>", "source.<code>".
inline constexpr std::array<std::string_view, 5> kSegments = {"prospect", "client", "regular", "vip", "lost"};
inline constexpr std::array<std::string_view, 7> kSources = {"incoming_call", "web_form",   "referral",  "directory",
                                                             "competitor_client", "exhibition", "cold_call"};
inline constexpr std::array<std::string_view, 4> kSizes = {"micro", "small", "medium", "large"};
inline constexpr std::array<std::string_view, 4> kPhoneTypes = {"work", "mobile", "home", "fax"};
inline constexpr std::array<std::string_view, 3> kEmailTypes = {"work", "personal", "other"};
inline constexpr std::array<std::string_view, 5> kConsentChannels = {"paper", "web_form", "email", "phone", "app"};

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& codes, std::string_view v) {
  for (auto c : codes)
    if (c == v) return true;
  return false;
}

struct Phone {
  std::string number;  // normalised: +7XXXXXXXXXX or E.164
  std::string type = "work";
};
struct Email {
  std::string email;  // lower-case
  std::string type = "work";
};

struct Company {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> inn, kpp, ogrn, bank_bik, bank_account;
  std::string segment = "prospect", industry, region, size, source, address, website, note;
  std::optional<std::int64_t> referrer_company_id, owner_id, department_id;
  bool archived = false;
  std::int64_t version = 1;
  std::string created_at, updated_at;
  std::vector<Phone> phones;
  std::vector<Email> emails;
};

struct CompanyLink {
  std::int64_t company_id = 0;
  std::string company_name;  // filled on read
  std::string position;
  bool decision_maker = false;
};

struct Consent {
  std::int64_t id = 0;
  std::string purpose, given_at, channel, text_version;
  std::optional<std::string> withdrawn_at;
};

struct Person {
  std::int64_t id = 0;
  std::string last_name, first_name, middle_name;
  std::optional<std::string> inn, birthday;
  std::string segment = "prospect", region, source, note;
  std::optional<std::int64_t> owner_id, department_id;
  bool archived = false;
  std::int64_t version = 1;
  std::string created_at, updated_at;
  std::vector<Phone> phones;
  std::vector<Email> emails;
  std::vector<CompanyLink> companies;
  std::vector<Consent> consents;
  // consent_active() as the database answered it when the consents themselves are not loaded
  // (list pages).
  bool stored_consent_active = false;
  std::string full_name() const;
  // True when some consent is given and not withdrawn (campaigns may address the person).
  bool consent_active() const;
};

// Which keys append_json writes.
enum class JsonPart {
  all,       // to_json(…).dump(), byte for byte
  audit,     // all but created_at, updated_at and version (the audit view of a record)
  list_row,  // all but "id" (and a person's consent_active): the stored list row (see list_item)
};

nlohmann::json to_json(const Company& c);
// The same JSON as to_json(c).dump(), appended to `out` without building a JSON tree.
void append_json(std::string& out, const Company& c, JsonPart part = JsonPart::all);
nlohmann::json to_json(const Person& p);
void append_json(std::string& out, const Person& p, JsonPart part = JsonPart::all);

// A record as a list page shows it, kept with the record (column list_json) so that a page is a
// copy of stored text instead of twenty columns, two queries for phones and e-mails and their
// escaping: `{"id":…,` then the row (JsonPart::list_row; a list row's links and consents are
// empty). A person's consent_active goes in front of the row: consents change without the
// record. Same members as to_json, keys in another order.
std::string list_row(const Company& c);
std::string list_row(const Person& p);
void append_list_item(std::string& out, std::int64_t id, std::string_view row);
void append_list_item(std::string& out, std::int64_t id, bool consent_active, std::string_view row);

// "Фамилия Имя Отчество": the non-empty parts with one space between (Person::full_name).
std::string full_name(std::string_view last, std::string_view first, std::string_view middle);

// A likely duplicate found for a record being saved or by the base scan.
struct Candidate {
  std::string object_type;  // "company" | "person"
  std::int64_t id = 0;
  std::string name;
  int score = 0;                     // 0..100
  std::vector<std::string> reasons;  // "inn", "ogrn", "phone", "email", "name", "similar_name"
  nlohmann::json to_json() const;
};

}  // namespace sdelka::clients
