#include "clients/transfer.hpp"

#include <algorithm>
#include <fstream>
#include <thread>

#include "audit/audit.hpp"
#include "auth/policy.hpp"
#include "clients/service.hpp"
#include "core/ru/names.hpp"
#include "core/tabular.hpp"
#include "core/text.hpp"
#include "core/error.hpp"
#include "i18n/i18n.hpp"
#include "store/database.hpp"

namespace sdelka::clients {
namespace {

using nlohmann::json;
using Mapping = std::map<std::string, std::size_t>;
using Synonyms = std::vector<std::pair<std::string, std::vector<std::string>>>;

// Letters and digits of a header, folded ("Эл. почта" → "элпочта", "E-mail" → "email").
std::string header_key(const std::string& h) {
  std::string folded = core::ru::text_fold(h);
  std::string out;
  for (std::size_t i = 0; i < folded.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(folded[i]);
    if (c >= 0x80 || std::isalnum(c)) out += folded[i];
  }
  return out;
}

// "{name}" in a catalogue text replaced by the value of that name.
std::string fill(std::string text, const std::vector<std::pair<std::string, std::string>>& args) {
  for (const auto& [name, value] : args) {
    const std::string mark = "{" + name + "}";
    for (auto at = text.find(mark); at != std::string::npos; at = text.find(mark, at + value.size()))
      text.replace(at, mark.size(), value);
  }
  return text;
}

// The text with its first letter in lower case (Latin or Russian), to follow "Строка 7: ".
std::string lower_first(std::string s) {
  if (s.empty()) return s;
  auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 >= 'A' && b0 <= 'Z') {
    s[0] = static_cast<char>(b0 - 'A' + 'a');
  } else if (b0 == 0xD0 && s.size() > 1) {
    auto b1 = static_cast<unsigned char>(s[1]);
    if (b1 >= 0x90 && b1 <= 0x9F) {  // А..П → а..п
      s[1] = static_cast<char>(b1 + 0x20);
    } else if (b1 >= 0xA0 && b1 <= 0xAF) {  // Р..Я → р..я
      s[0] = static_cast<char>(0xD1);
      s[1] = static_cast<char>(b1 - 0x20);
    } else if (b1 == 0x81) {  // Ё → ё
      s[0] = static_cast<char>(0xD1);
      s[1] = static_cast<char>(0x91);
    }
  }
  return s;
}

// A code from a code or a label in either language ("Клиент", "client", "VIP").
template <std::size_t N>
std::optional<std::string> code_of(const std::string& value, const std::array<std::string_view, N>& codes,
                                   const std::string& prefix) {
  std::string v = core::ru::text_fold(std::string(core::trim(value)));
  if (v.empty()) return std::string();
  for (auto c : codes) {
    std::string code(c);
    if (v == code || v == core::ru::text_fold(i18n::t("ru", prefix + code)) ||
        v == core::ru::text_fold(i18n::t("en", prefix + code)))
      return code;
  }
  return std::nullopt;
}

// Splits "a, b; c" lists of phones or e-mails in one cell.
std::vector<std::string> split_list(const std::string& cell) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : cell) {
    if (ch == ',' || ch == ';' || ch == '\n') {
      auto t = std::string(core::trim(cur));
      if (!t.empty()) out.push_back(t);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  auto t = std::string(core::trim(cur));
  if (!t.empty()) out.push_back(t);
  return out;
}

// The cells of one row by field name, through the mapping.
struct Cells {
  const std::vector<std::string>& row;
  const Mapping& mapping;
  // The trimmed cell of a mapped field; nullopt when the field is not mapped or the row is short.
  std::optional<std::string> operator()(const char* field) const {
    auto it = mapping.find(field);
    if (it == mapping.end() || it->second >= row.size()) return std::nullopt;
    return std::string(core::trim(row[it->second]));
  }
  // A segment, source or size given as a code or a label; an unknown one is a field error
  // (naming the first two labels when `examples`).
  template <std::size_t N>
  void code(const char* field, const std::array<std::string_view, N>& codes, const std::string& prefix,
            std::optional<std::string>& target, const std::string& lang, std::vector<core::FieldError>& errs,
            bool examples = false) const {
    auto v = (*this)(field);
    if (!v || v->empty()) return;
    if (auto c = code_of(*v, codes, prefix)) {
      target = *c;
      return;
    }
    std::string message = i18n::t(lang, "err.one_of");
    if (examples)
      message += ": " + i18n::t(lang, prefix + std::string(codes[0])) + ", " + i18n::t(lang, prefix + std::string(codes[1])) + ", …";
    errs.push_back({field, message, "enum"});
  }
  std::vector<Phone> phones(const std::string& type) const {
    std::vector<Phone> out;
    if (auto v = (*this)("phones"))
      for (auto& p : split_list(*v)) out.push_back({p, type});
    return out;
  }
  std::vector<Email> emails() const {
    std::vector<Email> out;
    if (auto v = (*this)("emails"))
      for (auto& e : split_list(*v)) out.push_back({e, "work"});
    return out;
  }
};

// Phones and e-mails of `from` that `to` lacks are added to it (an update by import merges them).
template <class R>
void add_contacts(R& to, const R& from) {
  for (const auto& ph : from.phones)
    if (std::none_of(to.phones.begin(), to.phones.end(), [&](const Phone& x) { return x.number == ph.number; }))
      to.phones.push_back(ph);
  for (const auto& em : from.emails)
    if (std::none_of(to.emails.begin(), to.emails.end(), [&](const Email& x) { return x.email == em.email; }))
      to.emails.push_back(em);
}

// A date of birth as Excel in Russia writes it (ДД.ММ.ГГГГ, also Д.М.ГГГГ) or as an XLSX date cell
// reads ("ГГГГ-ММ-ДД", with " 00:00:00" when the cell's format has a time) → "ГГГГ-ММ-ДД". Anything
// else comes back as it is, for the validation to reject.
std::string iso_date(const std::string& v) {
  if (v.size() == 19 && v.compare(10, 9, " 00:00:00") == 0) return v.substr(0, 10);
  auto d1 = v.find('.');
  auto d2 = d1 == std::string::npos ? std::string::npos : v.find('.', d1 + 1);
  if (d2 == std::string::npos || v.size() - d2 - 1 != 4 || d1 < 1 || d1 > 2 || d2 - d1 - 1 < 1 || d2 - d1 - 1 > 2)
    return v;
  if (!std::all_of(v.begin(), v.end(), [](char c) { return c == '.' || (c >= '0' && c <= '9'); })) return v;
  auto two = [](std::string s) { return s.size() == 1 ? "0" + s : s; };
  return v.substr(d2 + 1) + "-" + two(v.substr(d1 + 1, d2 - d1 - 1)) + "-" + two(v.substr(0, d1));
}

// ------------------------------------------------------------------ per-type adapters
//
// What the shared import loop, preview and export need to know about a type: column synonyms,
// row → validated record, the name key, duplicate candidates, insert, update by merging, the
// bulk full-text indexing of a batch's new rows, and the export columns.

struct CompanyKind {
  using Record = Company;
  static constexpr const char* object = "company";
  static constexpr const char* no_name_key = "import.no_name_column";

  static const Synonyms& synonyms() {
    static const Synonyms s = {
        {"name", {"название", "наименование", "организация", "компания", "клиент", "name", "company", "companyname"}},
        {"inn", {"инн", "inn", "taxid"}},
        {"kpp", {"кпп", "kpp"}},
        {"ogrn", {"огрн", "огрнип", "огрногрнип", "ogrn", "ogrnip"}},
        {"phones", {"телефон", "телефоны", "тел", "phone", "phones", "telephone"}},
        {"emails", {"email", "emails", "элпочта", "электроннаяпочта", "почта", "mail"}},
        {"region", {"регион", "region", "областькрай", "субъект"}},
        {"industry", {"отрасль", "industry", "сфера"}},
        {"segment", {"сегмент", "segment", "статус"}},
        {"source", {"источник", "source"}},
        {"size", {"размер", "size"}},
        {"address", {"адрес", "address", "юридическийадрес"}},
        {"website", {"сайт", "website", "web"}},
        {"note", {"примечание", "комментарий", "note", "comment"}},
        {"bank_bik", {"бик", "bik"}},
        {"bank_account", {"расчетныйсчет", "рсчет", "счет", "account"}},
    };
    return s;
  }
  static const std::vector<std::string>& fields() {
    static const std::vector<std::string> f = {"name",   "inn",    "kpp",  "ogrn",   "phones",  "emails",
                                               "segment", "industry", "region", "size", "source", "address",
                                               "website", "note",   "bank_bik", "bank_account"};
    return f;
  }
  static std::string label(const std::string& field, const std::string& lang) {
    return i18n::t(lang, "import.field." + field);
  }
  static bool names_record(const Mapping& m) { return m.count("name") > 0; }

  // The validated record of one row; field errors of the row go to errs.
  static Company parse(const Cells& cell, const std::string& lang, std::vector<core::FieldError>& errs) {
    CompanyInput in;
    in.name = cell("name").value_or("");
    in.inn = cell("inn");
    in.kpp = cell("kpp");
    in.ogrn = cell("ogrn");
    in.region = cell("region");
    in.industry = cell("industry");
    in.address = cell("address");
    in.website = cell("website");
    in.note = cell("note");
    in.bank_bik = cell("bank_bik");
    in.bank_account = cell("bank_account");
    cell.code("segment", kSegments, "segment.", in.segment, lang, errs, /*examples=*/true);
    cell.code("source", kSources, "source.", in.source, lang, errs);
    cell.code("size", kSizes, "size.", in.size, lang, errs);
    in.phones = cell.phones("work");
    in.emails = cell.emails();
    Company c;
    ClientsService::apply(in, c, lang, errs);
    return c;
  }
  static std::string name_key(const Company& c) { return core::ru::company_name_key(c.name); }
  // Likely duplicates by ИНН, ОГРН, phone, e-mail or the same name (similar names are not looked for).
  static std::vector<Candidate> duplicates(ClientsService& svc, store::Tx& tx, const auth::Principal& p,
                                           const Company& c, const std::string& key) {
    auto cands = svc.candidates_tx(tx, p, c, std::nullopt, /*similar=*/false, &key);
    cands.erase(std::remove_if(cands.begin(), cands.end(),
                               [](const Candidate& k) {
                                 return std::all_of(k.reasons.begin(), k.reasons.end(),
                                                    [](const std::string& r) { return r == "similar_name"; });
                               }),
                cands.end());
    return cands;
  }
  static std::optional<Company> load(store::Tx& tx, std::int64_t id) { return repo::load_company(tx, id); }
  // The row's values over the stored record: given requisites and texts replace (an empty cell
  // changes nothing, the segment included), contacts add up.
  static void merge(Company& after, const Company& c, bool segment_given) {
    after.name = c.name;
    for (auto [src, dst] : {std::pair{&c.inn, &after.inn}, {&c.kpp, &after.kpp}, {&c.ogrn, &after.ogrn},
                            {&c.bank_bik, &after.bank_bik}, {&c.bank_account, &after.bank_account}})
      if (*src) *dst = *src;
    for (auto [src, dst] : {std::pair{&c.industry, &after.industry}, {&c.region, &after.region}, {&c.size, &after.size},
                            {&c.source, &after.source}, {&c.address, &after.address}, {&c.website, &after.website},
                            {&c.note, &after.note}})
      if (!src->empty()) *dst = *src;
    if (segment_given) after.segment = c.segment;
    add_contacts(after, c);
  }
  static void update(ClientsService& svc, store::Tx& tx, const auth::Principal& p, const Company& before,
                     Company& after) {
    svc.update_company_tx(tx, p, before, after);
  }
  // index = false leaves the full-text entry to index() at the end of the batch.
  static std::int64_t insert(ClientsService& svc, store::Tx& tx, const auth::Principal& p, Company& c, bool index,
                             const std::string& key) {
    return svc.insert_company_tx(tx, p, c, index, &key);
  }
  static void index(store::Tx& tx, std::int64_t from, std::int64_t to) { repo::index_companies(tx, from, to); }

  // Export.
  static std::string sheet(const std::string& lang) { return i18n::t(lang, "companies.title"); }
  static Page list(ClientsService& svc, const auth::Principal& p, const repo::ListQuery& q) {
    return svc.list_companies(p, q);
  }
  static std::vector<std::string> export_header(const std::string& lang) {
    std::vector<std::string> h;
    for (const char* f : {"name", "inn", "kpp", "ogrn", "phones", "emails", "segment", "industry", "region", "size",
                          "source", "address", "website", "note"})
      h.push_back(i18n::t(lang, std::string("company.") + f));
    h.push_back(i18n::t(lang, "created"));
    return h;
  }
  static void export_row(const json& c, const std::string& lang, std::vector<std::string>& r);
};

struct PersonKind {
  using Record = Person;
  static constexpr const char* object = "person";
  static constexpr const char* no_name_key = "import.no_name_column_person";

  static const Synonyms& synonyms() {
    static const Synonyms s = {
        {"name", {"фио", "фамилияимяотчество", "полноеимя", "контакт", "контактноелицо", "клиент", "name", "fullname",
                  "person", "contact"}},
        {"last_name", {"фамилия", "lastname", "surname", "familyname"}},
        {"first_name", {"имя", "firstname", "givenname"}},
        {"middle_name", {"отчество", "middlename", "patronymic"}},
        {"inn", {"инн", "иннфизлица", "inn", "taxid"}},
        {"birthday", {"датарождения", "деньрождения", "др", "birthday", "birthdate", "dateofbirth", "dob"}},
        {"phones", {"телефон", "телефоны", "тел", "мобильный", "мобильныйтелефон", "сотовый", "phone", "phones",
                    "telephone", "mobile"}},
        {"emails", {"email", "emails", "элпочта", "электроннаяпочта", "почта", "mail"}},
        {"segment", {"сегмент", "segment", "статус"}},
        {"region", {"регион", "region", "областькрай", "субъект", "город", "city"}},
        {"source", {"источник", "source"}},
        {"note", {"примечание", "комментарий", "note", "comment"}},
    };
    return s;
  }
  static const std::vector<std::string>& fields() {
    static const std::vector<std::string> f = {"name",   "last_name", "first_name", "middle_name", "inn",  "birthday",
                                               "phones", "emails",    "segment",    "region",      "source", "note"};
    return f;
  }
  static std::string label(const std::string& field, const std::string& lang) {
    for (const char* own : {"name", "last_name", "first_name", "middle_name", "birthday"})
      if (field == own) return i18n::t(lang, "person." + field);
    return i18n::t(lang, "import.field." + field);
  }
  static bool names_record(const Mapping& m) { return m.count("name") || m.count("last_name") || m.count("first_name"); }

  static Person parse(const Cells& cell, const std::string& lang, std::vector<core::FieldError>& errs) {
    PersonInput in;
    // Separate name parts win over a full name; empty cells count as absent, so that a row with
    // only «ФИО» filled is split like the API splits "name".
    for (auto [field, target] : {std::pair{"last_name", &in.last_name}, {"first_name", &in.first_name},
                                 {"middle_name", &in.middle_name}})
      if (auto v = cell(field); v && !v->empty()) *target = v;
    if (auto v = cell("name"); v && (!v->empty() || (!in.last_name && !in.first_name))) in.name = v;
    in.inn = cell("inn");
    if (auto v = cell("birthday")) in.birthday = iso_date(*v);
    in.region = cell("region");
    in.note = cell("note");
    cell.code("segment", kSegments, "segment.", in.segment, lang, errs, /*examples=*/true);
    cell.code("source", kSources, "source.", in.source, lang, errs);
    in.phones = cell.phones("mobile");
    in.emails = cell.emails();
    Person c;
    ClientsService::apply(in, c, lang, errs);
    // The API asks for ГГГГ-ММ-ДД; a file may hold ДД.ММ.ГГГГ too, and the message says so.
    for (auto& e : errs)
      if (e.field == "birthday") e.message = i18n::t(lang, "import.err.birthday");
    return c;
  }
  static std::string name_key(const Person& c) { return core::ru::person_name_key(c.full_name()); }
  // Likely duplicates as the API finds them: by ИНН, phone or e-mail; a namesake alone is not one.
  static std::vector<Candidate> duplicates(ClientsService& svc, store::Tx& tx, const auth::Principal& p,
                                           const Person& c, const std::string& key) {
    return svc.person_candidates_tx(tx, p, c, std::nullopt, /*similar=*/false, &key);
  }
  static std::optional<Person> load(store::Tx& tx, std::int64_t id) { return repo::load_person(tx, id); }
  static void merge(Person& after, const Person& c, bool segment_given) {
    for (auto [src, dst] : {std::pair{&c.last_name, &after.last_name}, {&c.first_name, &after.first_name},
                            {&c.middle_name, &after.middle_name}, {&c.region, &after.region},
                            {&c.source, &after.source}, {&c.note, &after.note}})
      if (!src->empty()) *dst = *src;
    for (auto [src, dst] : {std::pair{&c.inn, &after.inn}, {&c.birthday, &after.birthday}})
      if (*src) *dst = *src;
    if (segment_given) after.segment = c.segment;
    add_contacts(after, c);
  }
  static void update(ClientsService& svc, store::Tx& tx, const auth::Principal& p, const Person& before,
                     Person& after) {
    svc.update_person_tx(tx, p, before, after);
  }
  static std::int64_t insert(ClientsService& svc, store::Tx& tx, const auth::Principal& p, Person& c, bool index,
                             const std::string& key) {
    return svc.insert_person_tx(tx, p, c, index, &key);
  }
  static void index(store::Tx& tx, std::int64_t from, std::int64_t to) { repo::index_persons(tx, from, to); }

  static std::string sheet(const std::string& lang) { return i18n::t(lang, "persons.title"); }
  static Page list(ClientsService& svc, const auth::Principal& p, const repo::ListQuery& q) {
    return svc.list_persons(p, q);
  }
  static std::vector<std::string> export_header(const std::string& lang) {
    std::vector<std::string> h;
    for (const char* f : {"person.last_name", "person.first_name", "person.middle_name", "company.inn", "person.birthday",
                          "company.phones", "company.emails", "company.segment", "company.region", "company.source",
                          "company.note", "person.created"})
      h.push_back(i18n::t(lang, f));
    return h;
  }
  static void export_row(const json& c, const std::string& lang, std::vector<std::string>& r);
};

// ------------------------------------------------------------------ export rows

std::string text_of(const json& v) { return v.is_string() ? v.get<std::string>() : std::string(); }
std::string label_of(const json& v, const std::string& prefix, const std::string& lang) {
  std::string s = text_of(v);
  return s.empty() ? s : i18n::t(lang, prefix + s);
}
// "ГГГГ-ММ-ДД…" → "ДД.ММ.ГГГГ", as Excel in Russia shows dates.
std::string ru_date(const std::string& iso) {
  return iso.size() >= 10 ? iso.substr(8, 2) + "." + iso.substr(5, 2) + "." + iso.substr(0, 4) : iso;
}
std::string joined(const json& list, const char* field) {
  std::string out;
  for (auto& x : list) out += (out.empty() ? "" : ", ") + x[field].get<std::string>();
  return out;
}

void CompanyKind::export_row(const json& c, const std::string& lang, std::vector<std::string>& r) {
  r = {text_of(c["name"]),
       text_of(c["inn"]),
       text_of(c["kpp"]),
       text_of(c["ogrn"]),
       joined(c["phones"], "number"),
       joined(c["emails"], "email"),
       label_of(c["segment"], "segment.", lang),
       text_of(c["industry"]),
       text_of(c["region"]),
       label_of(c["size"], "size.", lang),
       label_of(c["source"], "source.", lang),
       text_of(c["address"]),
       text_of(c["website"]),
       text_of(c["note"]),
       ru_date(text_of(c["created_at"]))};
}

void PersonKind::export_row(const json& c, const std::string& lang, std::vector<std::string>& r) {
  r = {text_of(c["last_name"]),
       text_of(c["first_name"]),
       text_of(c["middle_name"]),
       text_of(c["inn"]),
       ru_date(text_of(c["birthday"])),
       joined(c["phones"], "number"),
       joined(c["emails"], "email"),
       label_of(c["segment"], "segment.", lang),
       text_of(c["region"]),
       label_of(c["source"], "source.", lang),
       text_of(c["note"]),
       ru_date(text_of(c["created_at"]))};
}

// ------------------------------------------------------------------ shared parts

template <class K>
std::string reason_text(const std::vector<core::FieldError>& errs, const std::string& lang) {
  std::string out;
  for (const auto& e : errs) {
    if (!out.empty()) out += "; ";
    out += K::label(e.field.substr(0, e.field.find_first_of("[.")), lang) + ": " + e.message;
  }
  return out;
}

template <class K>
Mapping guess(const std::vector<std::string>& header) {
  Mapping out;
  for (std::size_t i = 0; i < header.size(); ++i) {
    auto key = header_key(header[i]);
    for (const auto& [field, words] : K::synonyms())
      if (!out.count(field) && std::find(words.begin(), words.end(), key) != words.end()) out[field] = i;
  }
  return out;
}

// The validated record of a row with every error of the row: the fields', and a row with more
// cells than the header (fewer are fine: Excel leaves out empty cells at the end of a row).
template <class K>
typename K::Record parse_row(const std::vector<std::string>& row, const Mapping& mapping, std::size_t columns,
                             const std::string& lang, std::vector<core::FieldError>& errs) {
  auto rec = K::parse(Cells{row, mapping}, lang, errs);
  if (row.size() > columns) errs.push_back({"row", i18n::t(lang, "import.ragged"), "ragged"});
  return rec;
}

// The header row of a file, or why there is none (in lang).
bool read_header(tabular::RowReader& reader, std::vector<std::string>& columns, const std::string& lang,
                 std::string& error) {
  if (reader.next(columns)) return true;
  error = reader.failure().empty() ? i18n::t(lang, "import.no_rows") : reader_error_text(reader.failure(), lang);
  return false;
}

template <class K>
Preview preview(const std::string& path, const std::string& lang, std::size_t n) {
  Preview pv;
  tabular::ReadError open_error;
  auto reader = tabular::open_rows(path, open_error);
  if (!reader) {
    pv.error = reader_error_text(open_error, lang);
    return pv;
  }
  pv.format = reader->format();
  pv.encoding = reader->encoding();
  if (!read_header(*reader, pv.columns, lang, pv.error)) return pv;
  pv.mapping = guess<K>(pv.columns);
  if (!K::names_record(pv.mapping)) pv.error = i18n::t(lang, K::no_name_key);
  std::vector<std::string> row;
  while (pv.rows.size() < n && reader->next(row)) {
    PreviewRow pr;
    pr.row = static_cast<std::int64_t>(reader->row_number());
    pr.values = row;
    std::vector<core::FieldError> errs;
    parse_row<K>(row, pv.mapping, pv.columns.size(), lang, errs);
    for (auto& e : errs) pr.errors.push_back(reason_text<K>({e}, lang));
    pv.rows.push_back(std::move(pr));
  }
  // A file that stops being readable within the first rows says so at once.
  if (pv.error.empty() && !reader->failure().empty()) pv.error = reader_error_text(reader->failure(), lang);
  return pv;
}

template <class K>
ImportResult run_import(ClientsService& svc, store::Database& db, const auth::Principal& p, const std::string& path,
                        const ImportOptions& opts) {
  using Record = typename K::Record;
  ImportResult res;
  auth::require_scope(p, auth::Action::create, K::object, auth::Scope::own);
  const std::string& lang = p.lang;
  if (opts.on_duplicate != "skip" && opts.on_duplicate != "update" && opts.on_duplicate != "create") {
    res.error = "--on-duplicate must be skip, update or create";
    return res;
  }
  tabular::ReadError open_error;
  auto reader = tabular::open_rows(path, open_error);
  if (!reader) {
    res.error = reader_error_text(open_error, lang);
    return res;
  }
  if (!read_header(*reader, res.columns, lang, res.error)) return res;
  res.mapping = opts.mapping.empty() ? guess<K>(res.columns) : opts.mapping;
  if (!K::names_record(res.mapping)) {
    res.error = i18n::t(lang, K::no_name_key);
    return res;
  }
  std::unique_ptr<tabular::CsvWriter> report;
  if (!opts.report_path.empty()) {
    report = std::make_unique<tabular::CsvWriter>(opts.report_path);
    std::vector<std::string> head{i18n::t(lang, "import.report_row"), i18n::t(lang, "import.report_reason")};
    head.insert(head.end(), res.columns.begin(), res.columns.end());
    report->add_row(head);
  }
  const std::optional<std::int64_t> owner = p.user_id == 0 ? std::nullopt : std::optional<std::int64_t>(p.user_id);
  auto& counts = res.counts;
  counts = opts.resume;
  std::int64_t line_no = 0;  // data rows read in this run
  std::vector<std::string> row;
  bool more = true;
  while (more) {
    // Read one batch, validating rows outside the transaction.
    struct Item {
      std::int64_t line;
      std::vector<std::string> values;
      Record record;
      std::vector<core::FieldError> errs;
      std::string name_key;
      bool segment_given = false;  // an empty segment cell leaves a record's segment as it is on update
    };
    std::vector<Item> batch;
    while (batch.size() < opts.batch && (more = reader->next(row))) {
      ++line_no;
      if (line_no <= opts.resume.rows) continue;
      counts.rows = line_no;
      Item it{static_cast<std::int64_t>(reader->row_number()), row, {}, {}, {}};
      it.record = parse_row<K>(row, res.mapping, res.columns.size(), lang, it.errs);
      const auto segment = Cells{row, res.mapping}("segment");
      it.segment_given = segment && !segment->empty();
      it.record.owner_id = owner;
      it.record.department_id = p.department_id;
      if (it.errs.empty()) it.name_key = K::name_key(it.record);
      batch.push_back(std::move(it));
    }
    if (!more && !reader->failure().empty()) res.error = reader_error_text(reader->failure(), lang);
    if (batch.empty()) break;
    std::vector<std::pair<std::int64_t, std::string>> rejected_now;
    ImportCounts delta;
    // A batch first runs without savepoints (a savepoint per row makes FTS5 flush its pending
    // terms every row). If a row fails in the database, the whole batch is rolled back and run
    // again with a savepoint per row, so that only the failing row is rejected.
    bool careful = false;
    for (;;) {
      rejected_now.clear();
      delta = ImportCounts{};
      try {
        db.write([&](store::Tx& tx) {
          std::int64_t first_new = 0, last_new = -1;  // ids inserted in this batch, indexed at its end
          for (auto& it : batch) {
            if (!it.errs.empty()) {
              ++delta.rejected;
              rejected_now.emplace_back(it.line, reason_text<K>(it.errs, lang));
              continue;
            }
            if (careful) tx.exec("SAVEPOINT import_row");
            try {
              auto cands = K::duplicates(svc, tx, p, it.record, it.name_key);
              if (!cands.empty() && opts.on_duplicate == "skip") {
                ++delta.skipped;
              } else if (!cands.empty() && opts.on_duplicate == "update") {
                auto before = K::load(tx, cands.front().id);
                Record after = *before;
                K::merge(after, it.record, it.segment_given);
                if (auth::allowed(tx, p, auth::Action::update,
                                  auth::Subject{K::object, before->id, before->owner_id, before->department_id})) {
                  K::update(svc, tx, p, *before, after);
                  ++delta.updated;
                } else {
                  ++delta.skipped;
                }
              } else {
                // A careful re-run indexes row by row: a rolled-back row must not stay in the index.
                auto id = K::insert(svc, tx, p, it.record, /*index=*/careful, it.name_key);
                if (!careful) {
                  if (first_new == 0) first_new = id;
                  last_new = id;
                }
                ++delta.imported;
              }
              if (careful) tx.exec("RELEASE SAVEPOINT import_row");
            } catch (const store::DbError& e) {
              if (!careful) throw;
              tx.exec("ROLLBACK TO SAVEPOINT import_row");
              tx.exec("RELEASE SAVEPOINT import_row");
              ++delta.rejected;
              rejected_now.emplace_back(it.line, e.what());
            }
          }
          if (!careful) K::index(tx, first_new, last_new);
          if (opts.in_batch_tx) {
            ImportCounts now = counts;
            now.imported += delta.imported;
            now.updated += delta.updated;
            now.skipped += delta.skipped;
            now.rejected += delta.rejected;
            opts.in_batch_tx(tx, now, reader->progress());
          }
        });
        break;
      } catch (const store::DbError&) {
        if (careful) throw;
        careful = true;
      }
    }
    counts.imported += delta.imported;
    counts.updated += delta.updated;
    counts.skipped += delta.skipped;
    counts.rejected += delta.rejected;
    if (report) {
      std::size_t k = 0;
      for (auto& it : batch) {
        if (k < rejected_now.size() && rejected_now[k].first == it.line) {
          std::vector<std::string> out{std::to_string(it.line), rejected_now[k].second};
          out.insert(out.end(), it.values.begin(), it.values.end());
          report->add_row(out);
          ++k;
        }
      }
    }
    if (opts.pause.count() > 0) std::this_thread::sleep_for(opts.pause);
    if (opts.on_progress && !opts.on_progress(counts, reader->progress())) {
      res.stopped = true;
      break;
    }
  }
  if (report) {
    auto err = report->close();
    if (!err.empty() && res.error.empty()) res.error = i18n::t(lang, "import.report_failed") + ": " + err;
  }
  db.write([&](store::Tx& tx) {
    audit::record(tx, &p, "import", K::object, "",
                  {{"file", path.substr(path.rfind('/') + 1)}, {"rows", counts.rows}, {"imported", counts.imported},
                   {"updated", counts.updated}, {"skipped", counts.skipped}, {"rejected", counts.rejected}});
  });
  return res;
}

template <class K>
std::int64_t run_export(ClientsService& svc, const auth::Principal& p, repo::ListQuery q, const std::string& path) {
  const bool xlsx = path.size() > 5 && path.substr(path.size() - 5) == ".xlsx";
  std::unique_ptr<tabular::CsvWriter> csv;
  std::unique_ptr<tabular::XlsxWriter> xl;
  if (xlsx) xl = std::make_unique<tabular::XlsxWriter>(path, K::sheet(p.lang));
  else csv = std::make_unique<tabular::CsvWriter>(path);
  auto add = [&](const std::vector<std::string>& r) {
    bool ok = xlsx ? xl->add_row(r) : csv->add_row(r);
    if (!ok) throw std::runtime_error("cannot write " + path + ": " + (xlsx ? xl->close() : csv->close()));
  };
  add(K::export_header(p.lang));
  std::int64_t n = 0;
  q.limit = 1000;
  q.after.reset();
  std::vector<std::string> r;
  for (;;) {
    auto page = K::list(svc, p, q);
    for (auto& c : page.items) {
      K::export_row(c, p.lang, r);
      add(r);
      ++n;
    }
    if (!page.next) break;
    q.after = page.next;
  }
  auto err = xlsx ? xl->close() : csv->close();
  if (!err.empty()) throw std::runtime_error("cannot write " + path + ": " + err);
  return n;
}

// Calls fn with the adapter of a type.
template <class F>
decltype(auto) with_kind(ClientType t, F&& fn) {
  return t == ClientType::person ? fn(PersonKind{}) : fn(CompanyKind{});
}

}  // namespace

std::string_view type_code(ClientType t) { return t == ClientType::person ? "person" : "company"; }

std::optional<ClientType> client_type(std::string_view code) {
  if (code == "company") return ClientType::company;
  if (code == "person") return ClientType::person;
  return std::nullopt;
}

std::string ImportCounts::summary() const {
  return "imported " + std::to_string(imported) + ", updated " + std::to_string(updated) + ", skipped " +
         std::to_string(skipped) + ", rejected " + std::to_string(rejected);
}

const std::vector<std::string>& import_fields(ClientType t) {
  return with_kind(t, [](auto k) -> const std::vector<std::string>& { return decltype(k)::fields(); });
}

std::string field_label(ClientType t, const std::string& field, const std::string& lang) {
  const std::string base = field.substr(0, field.find_first_of("[."));
  return with_kind(t, [&](auto k) { return decltype(k)::label(base, lang); });
}

std::map<std::string, std::size_t> guess_mapping(ClientType t, const std::vector<std::string>& header) {
  return with_kind(t, [&](auto k) { return guess<decltype(k)>(header); });
}

bool names_record(ClientType t, const std::map<std::string, std::size_t>& mapping) {
  return with_kind(t, [&](auto k) { return decltype(k)::names_record(mapping); });
}

std::string import_no_name_column(ClientType t, const std::string& lang) {
  return with_kind(t, [&](auto k) { return i18n::t(lang, decltype(k)::no_name_key); });
}

std::string reader_error_text(const tabular::ReadError& e, const std::string& lang) {
  if (e.empty()) return {};
  const std::string key = "reader." + e.code;
  std::string text = i18n::t(lang, key);
  if (text == key) text = i18n::t(lang, "reader.unreadable");  // a code the catalogues do not know
  text = fill(std::move(text), e.args);
  if (e.row > 0) text = fill(i18n::t(lang, "reader.at_row"), {{"row", std::to_string(e.row)}, {"message", lower_first(text)}});
  return text;
}

ImportResult import_clients(ClientType t, ClientsService& svc, store::Database& db, const auth::Principal& p,
                            const std::string& path, const ImportOptions& opts) {
  return with_kind(t, [&](auto k) { return run_import<decltype(k)>(svc, db, p, path, opts); });
}

Preview preview_import(ClientType t, const std::string& path, const std::string& lang, std::size_t n) {
  return with_kind(t, [&](auto k) { return preview<decltype(k)>(path, lang, n); });
}

std::int64_t export_clients(ClientType t, ClientsService& svc, const auth::Principal& p, repo::ListQuery q,
                            const std::string& path) {
  return with_kind(t, [&](auto k) { return run_export<decltype(k)>(svc, p, std::move(q), path); });
}

}  // namespace sdelka::clients
