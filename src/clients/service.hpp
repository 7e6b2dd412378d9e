#pragma once
// Clients use-cases: companies and persons with validated Russian requisites, duplicate control
// on save, a whole-base duplicate scan, merge, "not a duplicate" marks, consents (152-ФЗ), search
// and lists. Every call checks the central policy; every write runs in one transaction with its
// audit record. Errors come back as core::DomainError: 403, 404, 409 (likely duplicate: `extra`
// holds {"candidates": […]}), 412 (stale version), 422 (fields named, message in the caller's
// language).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/page.hpp"
#include "auth/model.hpp"
#include "auth/records.hpp"
#include "core/error.hpp"
#include "clients/model.hpp"
#include "clients/repo.hpp"

namespace sdelka::store { class Database; class Tx; }

namespace sdelka::clients {

// What a client sends: only the fields present change (PATCH semantics); on create, absent
// fields take their defaults.
struct CompanyInput {
  std::optional<std::string> name, inn, kpp, ogrn, segment, industry, region, size, source, bank_bik, bank_account,
      address, website, note;
  std::optional<std::int64_t> referrer_company_id, owner_id;
  std::optional<std::vector<Phone>> phones;  // numbers as typed; normalised by the service
  std::optional<std::vector<Email>> emails;
  std::optional<bool> archived;
  bool confirm_duplicate = false;
};

struct PersonInput {
  std::optional<std::string> name;  // "Фамилия Имя Отчество", split when the parts are absent
  std::optional<std::string> last_name, first_name, middle_name, inn, birthday, segment, region, source, note;
  std::optional<std::int64_t> owner_id;
  std::optional<std::vector<Phone>> phones;
  std::optional<std::vector<Email>> emails;
  std::optional<std::vector<CompanyLink>> companies;
  std::optional<bool> archived;
  bool confirm_duplicate = false;
};

using Page = core::Page<nlohmann::json>;

// A group of likely duplicates found by the scan.
struct DuplicateGroup {
  std::string object_type;
  std::vector<std::int64_t> ids;
  std::vector<std::string> names;
  std::vector<std::string> reasons;
  int score = 0;
  nlohmann::json to_json() const;
};

class ClientsService {
 public:
  // Registers "company" and "person" with auth's record check (auth/records.hpp), so that every
  // context that links to a client asks the same question.
  explicit ClientsService(store::Database& db);

  nlohmann::json create_company(const auth::Principal& p, const CompanyInput& in);
  nlohmann::json get_company(const auth::Principal& p, std::int64_t id);
  nlohmann::json update_company(const auth::Principal& p, std::int64_t id, const CompanyInput& in,
                                std::optional<std::int64_t> if_match);
  Page list_companies(const auth::Principal& p, repo::ListQuery q);
  // The same page as list_companies, already serialised: {"items":[…],"next":"…"|null}.
  std::string list_companies_json(const auth::Principal& p, repo::ListQuery q);

  nlohmann::json create_person(const auth::Principal& p, const PersonInput& in);
  nlohmann::json get_person(const auth::Principal& p, std::int64_t id);
  nlohmann::json update_person(const auth::Principal& p, std::int64_t id, const PersonInput& in,
                               std::optional<std::int64_t> if_match);
  Page list_persons(const auth::Principal& p, repo::ListQuery q);
  std::string list_persons_json(const auth::Principal& p, repo::ListQuery q);

  // Consents of a person: add one, or withdraw it (the person then drops out of campaigns).
  nlohmann::json add_consent(const auth::Principal& p, std::int64_t person_id, const Consent& c);
  nlohmann::json withdraw_consent(const auth::Principal& p, std::int64_t person_id, std::int64_t consent_id,
                                  const std::string& at);

  // Candidates for a record about to be saved (type "company" or "person"), without saving.
  std::vector<Candidate> company_candidates(const auth::Principal& p, const CompanyInput& in,
                                            std::optional<std::int64_t> exclude);
  // Groups of likely duplicates in the whole base that the principal may see, best first.
  std::vector<DuplicateGroup> scan_duplicates(const auth::Principal& p, const std::string& type, int limit);
  // Remembers that a and b are different (they no longer show as candidates or groups).
  void mark_not_duplicate(const auth::Principal& p, const std::string& type, std::int64_t a, std::int64_t b);
  // Merges `loser` into `survivor`. `take_from_loser` lists the fields whose value the user chose
  // from the loser. Phones, e-mails, links and consents move to the survivor; the loser is
  // archived with merged_into; both get an audit record "merge". Returns the survivor.
  nlohmann::json merge(const auth::Principal& p, const std::string& type, std::int64_t survivor, std::int64_t loser,
                       const std::vector<std::string>& take_from_loser);
  // The change history of a record (and of the records merged into it), newest first.
  std::vector<nlohmann::json> history(const auth::Principal& p, const std::string& type, std::int64_t id);

  // Validates and normalises an input onto a record; collects field errors (named, in `lang`).
  // Shared by create/update, import and the pages.
  static void apply(const CompanyInput& in, Company& c, const std::string& lang, std::vector<core::FieldError>& errs);
  static void apply(const PersonInput& in, Person& c, const std::string& lang, std::vector<core::FieldError>& errs);

  // In-transaction pieces used by import: duplicate candidates of a validated company, and
  // inserting/updating one with its audit record. They do not check the policy.
  // similar: also look for similar (not equal) names — costly; import leaves it out.
  // name_key: the company_name_key of c.name when the caller has computed it already.
  std::vector<Candidate> candidates_tx(store::Tx& tx, const auth::Principal& p, const Company& c,
                                       std::optional<std::int64_t> exclude, bool similar = true,
                                       const std::string* name_key = nullptr);
  std::int64_t insert_company_tx(store::Tx& tx, const auth::Principal& p, Company& c, bool index = true,
                                 const std::string* name_key = nullptr);
  bool update_company_tx(store::Tx& tx, const auth::Principal& p, const Company& before, Company& after);

  // The same pieces for persons. Candidates that share only the name are left out: namesakes are
  // common, so a person is a likely duplicate by ИНН, phone or e-mail (a name only adds to the score).
  std::vector<Candidate> person_candidates_tx(store::Tx& tx, const auth::Principal& p, const Person& c,
                                              std::optional<std::int64_t> exclude, bool similar = true,
                                              const std::string* name_key = nullptr);
  // Inserts a validated person with its audit record (the record as it reads back). index = false
  // leaves the full-text entry to repo::index_persons() for a whole batch, as in insert_company_tx.
  std::int64_t insert_person_tx(store::Tx& tx, const auth::Principal& p, Person& c, bool index = true,
                                const std::string* name_key = nullptr);
  // Saves `after` over `before` with an audit record of the changes; false when the version is
  // stale. `saved` (when given) receives the record as read back.
  bool update_person_tx(store::Tx& tx, const auth::Principal& p, const Person& before, Person& after,
                        nlohmann::json* saved = nullptr);

 private:
  // A person as principal p is shown it: without the links to companies p may not see, as a
  // company card leaves out the persons p may not see. Every answer that holds a person (card,
  // list, export, consent, merge) goes through this; lists share one SeenCache for the page.
  static nlohmann::json person_view(store::Tx& tx, const auth::Principal& p, Person c);
  static nlohmann::json person_view(auth::SeenCache& seen, Person c);
  std::vector<Candidate> candidates(store::Tx& tx, const auth::Principal& p, const std::string& type,
                                    const std::optional<std::string>& inn, const std::optional<std::string>& ogrn,
                                    const std::vector<Phone>& phones, const std::vector<Email>& emails,
                                    const std::string& name_key, std::optional<std::int64_t> exclude,
                                    bool similar = true);
  store::Database& db_;
};

}  // namespace sdelka::clients
