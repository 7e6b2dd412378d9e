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
#include "http/http.hpp"
#include "i18n/i18n.hpp"
#include "store/database.hpp"

namespace sdelka::clients {
namespace {

using nlohmann::json;

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

const std::vector<std::pair<std::string, std::vector<std::string>>>& synonyms() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> s = {
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

// Builds the input of one row; field errors of the mapping itself (bad segment) go to errs.
CompanyInput row_input(const std::vector<std::string>& row, const std::map<std::string, std::size_t>& mapping,
                       const std::string& lang, std::vector<http::FieldError>& errs) {
  CompanyInput in;
  auto cell = [&](const char* field) -> std::optional<std::string> {
    auto it = mapping.find(field);
    if (it == mapping.end() || it->second >= row.size()) return std::nullopt;
    return std::string(core::trim(row[it->second]));
  };
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
  if (auto v = cell("segment"); v && !v->empty()) {
    auto c = code_of(*v, kSegments, "segment.");
    if (c) in.segment = *c;
    else errs.push_back({"segment", i18n::t(lang, "err.one_of") + ": " + i18n::t(lang, "segment.prospect") + ", " +
                                        i18n::t(lang, "segment.client") + ", …", "enum"});
  }
  if (auto v = cell("source"); v && !v->empty()) {
    auto c = code_of(*v, kSources, "source.");
    if (c) in.source = *c;
    else errs.push_back({"source", i18n::t(lang, "err.one_of"), "enum"});
  }
  if (auto v = cell("size"); v && !v->empty()) {
    auto c = code_of(*v, kSizes, "size.");
    if (c) in.size = *c;
    else errs.push_back({"size", i18n::t(lang, "err.one_of"), "enum"});
  }
  std::vector<Phone> phones;
  if (auto v = cell("phones"))
    for (auto& p : split_list(*v)) phones.push_back({p, "work"});
  in.phones = phones;
  std::vector<Email> emails;
  if (auto v = cell("emails"))
    for (auto& e : split_list(*v)) emails.push_back({e, "work"});
  in.emails = emails;
  return in;
}

std::string reason_text(const std::vector<http::FieldError>& errs, const std::string& lang) {
  std::string out;
  for (const auto& e : errs) {
    if (!out.empty()) out += "; ";
    out += i18n::t(lang, "import.field." + e.field.substr(0, e.field.find_first_of("[."))) + ": " + e.message;
  }
  return out;
}

bool strong(const Candidate& c) {
  return std::any_of(c.reasons.begin(), c.reasons.end(), [](const std::string& r) { return r != "similar_name"; });
}

}  // namespace

std::string ImportCounts::summary() const {
  return "imported " + std::to_string(imported) + ", updated " + std::to_string(updated) + ", skipped " +
         std::to_string(skipped) + ", rejected " + std::to_string(rejected);
}

std::map<std::string, std::size_t> guess_mapping(const std::vector<std::string>& header) {
  std::map<std::string, std::size_t> out;
  for (std::size_t i = 0; i < header.size(); ++i) {
    auto key = header_key(header[i]);
    for (const auto& [field, words] : synonyms())
      if (!out.count(field) && std::find(words.begin(), words.end(), key) != words.end()) out[field] = i;
  }
  return out;
}

Preview preview_companies(const std::string& path, const std::string& lang, std::size_t n) {
  Preview pv;
  auto reader = tabular::open_rows(path, pv.error);
  if (!reader) return pv;
  pv.format = reader->format();
  pv.encoding = reader->encoding();
  if (!reader->next(pv.columns)) {
    pv.error = reader->error().empty() ? "the file has no rows" : reader->error();
    return pv;
  }
  pv.mapping = guess_mapping(pv.columns);
  if (!pv.mapping.count("name")) pv.error = i18n::t(lang, "import.no_name_column");
  std::vector<std::string> row;
  while (pv.rows.size() < n && reader->next(row)) {
    PreviewRow pr;
    pr.row = static_cast<std::int64_t>(reader->row_number());
    pr.values = row;
    std::vector<http::FieldError> errs;
    auto in = row_input(row, pv.mapping, lang, errs);
    Company c;
    ClientsService::apply(in, c, lang, errs);
    if (row.size() != pv.columns.size()) errs.push_back({"row", i18n::t(lang, "import.ragged"), "ragged"});
    for (auto& e : errs) pr.errors.push_back(reason_text({e}, lang));
    pv.rows.push_back(std::move(pr));
  }
  return pv;
}

ImportResult import_companies(ClientsService& svc, store::Database& db, const auth::Principal& p,
                              const std::string& path, const ImportOptions& opts) {
  ImportResult res;
  auth::require_scope(p, auth::Action::create, "company", auth::Scope::own);
  if (opts.on_duplicate != "skip" && opts.on_duplicate != "update" && opts.on_duplicate != "create") {
    res.error = "--on-duplicate must be skip, update or create";
    return res;
  }
  auto reader = tabular::open_rows(path, res.error);
  if (!reader) return res;
  if (!reader->next(res.columns)) {
    res.error = reader->error().empty() ? "the file has no rows" : reader->error();
    return res;
  }
  res.mapping = opts.mapping.empty() ? guess_mapping(res.columns) : opts.mapping;
  if (!res.mapping.count("name")) {
    res.error = "no column with the company name (expected a header such as «Название» or «name»)";
    return res;
  }
  std::unique_ptr<tabular::CsvWriter> report;
  if (!opts.report_path.empty()) {
    report = std::make_unique<tabular::CsvWriter>(opts.report_path);
    std::vector<std::string> head{i18n::t(p.lang, "import.report_row"), i18n::t(p.lang, "import.report_reason")};
    head.insert(head.end(), res.columns.begin(), res.columns.end());
    report->add_row(head);
  }
  const std::string& lang = p.lang;
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
      Company company;
      std::vector<http::FieldError> errs;
      std::string name_key;
    };
    std::vector<Item> batch;
    while (batch.size() < opts.batch && (more = reader->next(row))) {
      ++line_no;
      if (line_no <= opts.resume.rows) continue;
      counts.rows = line_no;
      Item it{static_cast<std::int64_t>(reader->row_number()), row, {}, {}, {}};
      auto in = row_input(row, res.mapping, lang, it.errs);
      it.company.owner_id = p.user_id == 0 ? std::nullopt : std::optional<std::int64_t>(p.user_id);
      it.company.department_id = p.department_id;
      ClientsService::apply(in, it.company, lang, it.errs);
      if (row.size() > res.columns.size()) it.errs.push_back({"row", i18n::t(lang, "import.ragged"), "ragged"});
      if (it.errs.empty()) it.name_key = core::ru::company_name_key(it.company.name);
      batch.push_back(std::move(it));
    }
    if (!more && !reader->error().empty()) res.error = reader->error();
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
          rejected_now.emplace_back(it.line, reason_text(it.errs, lang));
          continue;
        }
        if (careful) tx.exec("SAVEPOINT import_row");
        try {
          auto cands = svc.candidates_tx(tx, p, it.company, std::nullopt, /*similar=*/false, &it.name_key);
          cands.erase(std::remove_if(cands.begin(), cands.end(), [](const Candidate& c) { return !strong(c); }),
                      cands.end());
          if (!cands.empty() && opts.on_duplicate == "skip") {
            ++delta.skipped;
          } else if (!cands.empty() && opts.on_duplicate == "update") {
            auto before = repo::load_company(tx, cands.front().id);
            Company after = *before;
            const Company& c = it.company;
            after.name = c.name;
            for (auto [src, dst] : {std::pair{&c.inn, &after.inn}, {&c.kpp, &after.kpp}, {&c.ogrn, &after.ogrn},
                                    {&c.bank_bik, &after.bank_bik}, {&c.bank_account, &after.bank_account}})
              if (*src) *dst = *src;
            for (auto [src, dst] : {std::pair{&c.industry, &after.industry}, {&c.region, &after.region},
                                    {&c.size, &after.size}, {&c.source, &after.source}, {&c.address, &after.address},
                                    {&c.website, &after.website}, {&c.note, &after.note}})
              if (!src->empty()) *dst = *src;
            if (res.mapping.count("segment")) after.segment = c.segment;
            for (const auto& ph : c.phones)
              if (std::none_of(after.phones.begin(), after.phones.end(), [&](const Phone& x) { return x.number == ph.number; }))
                after.phones.push_back(ph);
            for (const auto& em : c.emails)
              if (std::none_of(after.emails.begin(), after.emails.end(), [&](const Email& x) { return x.email == em.email; }))
                after.emails.push_back(em);
            if (auth::allowed(tx, p, auth::Action::update,
                              auth::Subject{"company", before->id, before->owner_id, before->department_id})) {
              svc.update_company_tx(tx, p, *before, after);
              ++delta.updated;
            } else {
              ++delta.skipped;
            }
          } else {
            // A careful re-run indexes row by row: a rolled-back row must not stay in the index.
            auto id = svc.insert_company_tx(tx, p, it.company, /*index=*/careful, &it.name_key);
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
      if (!careful) repo::index_companies(tx, first_new, last_new);
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
    if (!err.empty() && res.error.empty()) res.error = "report: " + err;
  }
  db.write([&](store::Tx& tx) {
    audit::record(tx, &p, "import", "company", "",
                  {{"file", path.substr(path.rfind('/') + 1)}, {"rows", counts.rows}, {"imported", counts.imported},
                   {"updated", counts.updated}, {"skipped", counts.skipped}, {"rejected", counts.rejected}});
  });
  return res;
}

std::int64_t export_companies(ClientsService& svc, const auth::Principal& p, repo::ListQuery q, const std::string& path) {
  const bool xlsx = path.size() > 5 && path.substr(path.size() - 5) == ".xlsx";
  std::unique_ptr<tabular::CsvWriter> csv;
  std::unique_ptr<tabular::XlsxWriter> xl;
  if (xlsx) xl = std::make_unique<tabular::XlsxWriter>(path, i18n::t(p.lang, "companies.title"));
  else csv = std::make_unique<tabular::CsvWriter>(path);
  auto add = [&](const std::vector<std::string>& r) {
    bool ok = xlsx ? xl->add_row(r) : csv->add_row(r);
    if (!ok) throw std::runtime_error("cannot write " + path + ": " + (xlsx ? xl->close() : csv->close()));
  };
  const char* fields[] = {"name", "inn", "kpp", "ogrn", "segment", "industry", "region", "size", "source", "address", "website", "note"};
  std::vector<std::string> head;
  for (const char* f : fields) head.push_back(i18n::t(p.lang, std::string("company.") + f));
  head.insert(head.begin() + 4, {i18n::t(p.lang, "company.phones"), i18n::t(p.lang, "company.emails")});
  head.push_back(i18n::t(p.lang, "created"));
  add(head);
  std::int64_t n = 0;
  q.limit = 1000;
  q.after.reset();
  for (;;) {
    auto page = svc.list_companies(p, q);
    for (auto& c : page.items) {
      std::vector<std::string> r;
      for (const char* f : fields) {
        const auto& v = c[f];
        std::string s = v.is_string() ? v.get<std::string>() : "";
        if (std::string(f) == "segment" && !s.empty()) s = i18n::t(p.lang, "segment." + s);
        if (std::string(f) == "source" && !s.empty()) s = i18n::t(p.lang, "source." + s);
        if (std::string(f) == "size" && !s.empty()) s = i18n::t(p.lang, "size." + s);
        r.push_back(s);
      }
      std::string phones, emails;
      for (auto& ph : c["phones"]) phones += (phones.empty() ? "" : ", ") + ph["number"].get<std::string>();
      for (auto& em : c["emails"]) emails += (emails.empty() ? "" : ", ") + em["email"].get<std::string>();
      r.insert(r.begin() + 4, {phones, emails});
      std::string created = c["created_at"].get<std::string>();
      r.push_back(created.size() >= 10 ? created.substr(8, 2) + "." + created.substr(5, 2) + "." + created.substr(0, 4) : created);
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

}  // namespace sdelka::clients
