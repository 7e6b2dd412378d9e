#include "clients/jobs.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "audit/audit.hpp"
#include "auth/policy.hpp"
#include "auth/service.hpp"
#include "core/tabular.hpp"
#include "core/text.hpp"
#include "core/error.hpp"
#include "i18n/i18n.hpp"
#include "store/database.hpp"

namespace sdelka::clients {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {
const char* kCols =
    "id, user_id, file_name, file_path, on_duplicate, mapping, status, rows, imported, updated, skipped, rejected, "
    "progress, error, created_at, kind, upload_size, file_path";

// Days the report of rejected rows stays downloadable after its job ended.
constexpr std::int64_t kReportDays = 30;

// The runner's kind of an import job; ref_id is the import_jobs row.
const char* const kJobKind = "clients.import";

// import_jobs.kind holds the table's name ("companies", the default of the column, or "persons").
std::string kind_of(ClientType t) { return t == ClientType::person ? "persons" : "companies"; }
ClientType type_of(const std::string& kind) { return kind == "persons" ? ClientType::person : ClientType::company; }

json job_json(const store::Row& r) {
  ImportCounts c;
  c.rows = r.i64(7), c.imported = r.i64(8), c.updated = r.i64(9), c.skipped = r.i64(10), c.rejected = r.i64(11);
  return {{"id", r.i64(0)},          {"user_id", r.i64(1)},     {"file_name", r.str(2)},  {"on_duplicate", r.str(4)},
          {"status", r.str(6)},      {"rows", c.rows},          {"imported", c.imported}, {"updated", c.updated},
          {"skipped", c.skipped},    {"rejected", c.rejected},  {"progress", r.i64(12)},  {"error", r.str(13)},
          {"created_at", r.str(14)}, {"summary", c.summary()},  {"type", std::string(type_code(type_of(r.str(15))))},
          {"size", r.i64(16)},       {"received", r.str(6) == "uploading" && fs::exists(r.str(17)) ? static_cast<std::int64_t>(fs::file_size(r.str(17))) : r.i64(16)}};
}

std::string report_file(const std::string& dir, std::int64_t id, int part) {
  return dir + "/import-" + std::to_string(id) + "-rejected-" + std::to_string(part) + ".csv";
}
}  // namespace

ImportJobs::ImportJobs(store::Database& db, ClientsService& svc, jobs::Runner& runner, std::string files_dir)
    : db_(db), svc_(svc), runner_(runner), dir_(std::move(files_dir)) {
  fs::create_directories(dir_);
  jobs::Kind k;
  k.run = [this](jobs::Context& ctx) { return run(ctx); };
  k.requeued = [](store::Tx& tx, const jobs::Job& job) {
    tx.exec("UPDATE import_jobs SET status = 'queued', updated_at = ? WHERE id = ? AND status IN ('queued', 'running')",
            {store::now_iso(), job.ref_id});
  };
  k.failed = [](store::Tx& tx, const jobs::Job& job, const std::string& reason) {
    std::string why = reason;
    if (job.attempts > job.max_attempts) {  // a crash loop: said in the starter's language
      auto u = tx.one("SELECT COALESCE(u.lang, '') FROM import_jobs j LEFT JOIN users u ON u.id = j.user_id WHERE j.id = ?", {job.ref_id});
      why = i18n::t(u && !u->str(0).empty() ? u->str(0) : "ru", "import.gave_up");
    }
    tx.exec("UPDATE import_jobs SET status = 'failed', error = ?, updated_at = ? WHERE id = ? AND status IN ('queued', 'running')",
            {why, store::now_iso(), job.ref_id});
  };
  runner_.handle(kJobKind, std::move(k));
  runner_.every(std::chrono::minutes(10), [this] { sweep(); });
}

void ImportJobs::sweep() {
  // Uploaded files are kept only while a job needs them: the source goes when the job ends (and
  // here, for jobs that failed on upload or ended in a process that died); an upload never started
  // expires after a day; the reports of rejected rows go after kReportDays. What is removed is
  // marked (file_path = '', reports_kept = 0), so each file is looked at once. Every process may
  // sweep: removing a file twice is harmless.
  std::vector<std::pair<std::int64_t, std::string>> sources;
  std::vector<std::int64_t> reports;
  db_.write([&](store::Tx& tx) {
    for (auto& r : tx.query("SELECT j.id, COALESCE(u.lang, '') FROM import_jobs j LEFT JOIN users u ON u.id = j.user_id "
                            "WHERE j.status IN ('uploaded', 'uploading') AND j.updated_at < ?",
                            {store::iso_after(-24 * 3600)}))
      tx.exec("UPDATE import_jobs SET status = 'failed', error = ?, updated_at = ? WHERE id = ? AND status IN "
              "('uploaded', 'uploading')",
              {i18n::t(r.str(1).empty() ? "ru" : r.str(1), "import.expired"), store::now_iso(), r.i64(0)});
    for (auto& r : tx.query("SELECT id, file_path FROM import_jobs WHERE status IN ('done', 'failed') AND file_path <> ''"))
      sources.emplace_back(r.i64(0), r.str(1));
    for (auto& r : tx.query("SELECT id FROM import_jobs WHERE status IN ('done', 'failed') AND reports_kept = 1 AND "
                            "updated_at < ?",
                            {store::iso_after(-kReportDays * 24 * 3600)}))
      reports.push_back(r.i64(0));
  });
  std::error_code ec;
  for (auto& [id, path] : sources) fs::remove(path, ec);
  for (auto id : reports)
    for (int part = 1; fs::remove(report_file(dir_, id, part), ec); ++part) {
    }
  if (sources.empty() && reports.empty()) return;
  db_.write([&](store::Tx& tx) {
    for (auto& [id, _] : sources) tx.exec("UPDATE import_jobs SET file_path = '' WHERE id = ?", {id});
    for (auto id : reports) tx.exec("UPDATE import_jobs SET reports_kept = 0 WHERE id = ?", {id});
  });
}

jobs::Outcome ImportJobs::run(jobs::Context& ctx) {
  const std::int64_t id = ctx.job().ref_id;
  std::optional<store::Row> job;
  db_.write([&](store::Tx& tx) {
    job = tx.one(std::string("SELECT ") + kCols + " FROM import_jobs WHERE id = ? AND status IN ('queued', 'running')", {id});
    if (!job) return;  // already ended (the end was written, the runner's mark was not)
    tx.exec("UPDATE import_jobs SET status = 'running', updated_at = ? WHERE id = ?", {store::now_iso(), id});
    ctx.checkpoint(tx, static_cast<int>(job->i64(12)));
  });
  if (!job) return jobs::Outcome::done;
  std::optional<auth::Principal> p;
  db_.read([&](store::Tx& tx) { p = auth::AuthService::load_principal(tx, job->i64(1)); });
  if (!p) {  // said in the language that user chose (Russian when the account is gone)
    std::string lang = "ru";
    db_.read([&](store::Tx& tx) {
      if (auto u = tx.one("SELECT lang FROM users WHERE id = ?", {job->i64(1)}); u && !u->str(0).empty()) lang = u->str(0);
    });
    throw core::DomainError{core::ErrorKind::forbidden, i18n::t(lang, "import.user_disabled")};
  }
  ImportOptions o;
  o.on_duplicate = job->str(4);
  o.batch = 250;
  o.pause = std::chrono::milliseconds(40);
  const json mapping = json::parse(job->str(5));  // kept alive: items() refers into it
  for (auto& [k, v] : mapping.items()) o.mapping[k] = v.get<std::size_t>();
  o.resume.rows = job->i64(7), o.resume.imported = job->i64(8), o.resume.updated = job->i64(9);
  o.resume.skipped = job->i64(10), o.resume.rejected = job->i64(11);
  int part = 1;
  while (fs::exists(report_file(dir_, id, part))) ++part;
  o.report_path = report_file(dir_, id, part);
  // Each batch's transaction records the progress and renews the lease; a lease another process
  // has taken over rolls the batch back and stops this run of the job (jobs::LeaseLost).
  o.in_batch_tx = [&ctx, id](store::Tx& tx, const ImportCounts& c, double progress) {
    const auto pct = static_cast<std::int64_t>(progress * 100);
    ctx.checkpoint(tx, static_cast<int>(pct));
    tx.exec("UPDATE import_jobs SET rows = ?, imported = ?, updated = ?, skipped = ?, rejected = ?, progress = ?, updated_at = ? "
            "WHERE id = ?",
            {c.rows, c.imported, c.updated, c.skipped, c.rejected, pct, store::now_iso(), id});
  };
  o.on_progress = [&ctx](const ImportCounts&, double) { return !ctx.stopping(); };
  // A domain error (the starter lost the right to create records) fails the job in the starter's
  // language; anything else is retried by the runner from the last committed batch.
  ImportResult res;
  try {
    res = import_clients(type_of(job->str(15)), svc_, db_, *p, job->str(3), o);
  } catch (const core::DomainError& e) {
    throw i18n::worded(e, p->lang);  // the edge of a job: its reason in the starter's language
  }
  if (res.stopped) return jobs::Outcome::stopped;
  db_.write([&](store::Tx& tx) {
    ctx.checkpoint(tx, 100);
    tx.exec("UPDATE import_jobs SET status = ?, error = ?, progress = 100, rows = ?, imported = ?, updated = ?, skipped = ?, "
            "rejected = ?, file_path = '', updated_at = ? WHERE id = ?",
            {std::string(res.error.empty() ? "done" : "failed"), res.error, res.counts.rows, res.counts.imported,
             res.counts.updated, res.counts.skipped, res.counts.rejected, store::now_iso(), id});
  });
  std::error_code ec;
  fs::remove(job->str(3), ec);  // the uploaded file has served its purpose
  return jobs::Outcome::done;
}

json ImportJobs::upload(const auth::Principal& p, ClientType type, const std::string& file_name,
                        const std::string& bytes, std::optional<std::int64_t> size) {
  auth::require_scope(p, auth::Action::create, std::string(type_code(type)), auth::Scope::own);
  const auto invalid = [&](const std::string& field, const std::string& key, const char* code) {
    return core::DomainError{core::ErrorKind::invalid, i18n::t(p.lang, "err.validation"), "", {{field, i18n::t(p.lang, key), code}}};
  };
  const std::int64_t total = size.value_or(static_cast<std::int64_t>(bytes.size()));
  if (total <= 0 || bytes.empty()) throw invalid("file", "import.empty", "empty");
  if (total > kMaxUpload)
    throw core::DomainError{core::ErrorKind::too_large, i18n::t(p.lang, "err.too_large"),
                            i18n::t(p.lang, "err.too_large.detail") + " " + std::to_string(kMaxUpload)};
  if (static_cast<std::int64_t>(bytes.size()) > total) throw invalid("size", "import.size_mismatch", "range");
  const bool whole = static_cast<std::int64_t>(bytes.size()) == total;
  fs::create_directories(dir_);
  std::int64_t id = 0;
  db_.write([&](store::Tx& tx) {
    auto now = store::now_iso();
    auto r = tx.one("INSERT INTO import_jobs (user_id, kind, file_name, file_path, status, upload_size, created_at, updated_at) "
                    "VALUES (?, ?, ?, '', ?, ?, ?, ?) RETURNING id",
                    {p.user_id, kind_of(type), std::string(core::utf8_prefix(file_name, 200)), std::string(whole ? "uploaded" : "uploading"), total,
                     now, now});
    id = r->i64(0);
    const std::string path = dir_ + "/import-" + std::to_string(id) + ".src";
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!f) throw std::runtime_error("cannot store the upload in " + path);
    f.close();
    tx.exec("UPDATE import_jobs SET file_path = ? WHERE id = ?", {path, id});
    audit::record(tx, &p, "upload", "import_job", std::to_string(id),
                  {{"file", file_name}, {"bytes", total}, {"type", type_code(type)}});
  });
  return whole ? finish_upload(p, id) : get(p, id);
}

json ImportJobs::append(const auth::Principal& p, std::int64_t id, std::int64_t offset, const std::string& bytes) {
  get(p, id);  // 404 unless p's
  const auto len = static_cast<std::int64_t>(bytes.size());
  bool complete = false;
  db_.write([&](store::Tx& tx) {
    // The UPDATE locks the job's row (PostgreSQL) or the database (SQLite): chunks of one job are
    // appended one at a time, also when they reach different processes.
    tx.exec("UPDATE import_jobs SET updated_at = ? WHERE id = ?", {store::now_iso(), id});
    auto r = tx.one("SELECT status, upload_size, file_path FROM import_jobs WHERE id = ?", {id});
    const std::int64_t size = r->i64(1);
    const std::string path = r->str(2);
    const std::int64_t have = r->str(0) == "uploading" && fs::exists(path) ? static_cast<std::int64_t>(fs::file_size(path)) : size;
    if (offset >= 0 && len > 0 && offset + len <= have) return;  // a chunk already received: a retry
    if (r->str(0) != "uploading")
      throw core::DomainError{core::ErrorKind::conflict, i18n::t(p.lang, "err.conflict"), i18n::t(p.lang, "import.not_uploading")};
    if (offset != have)
      throw core::DomainError{core::ErrorKind::conflict, i18n::t(p.lang, "err.conflict"),
                              i18n::t(p.lang, "import.offset_expected") + " " + std::to_string(have)};
    if (len == 0 || have + len > size)
      throw core::DomainError{core::ErrorKind::invalid, i18n::t(p.lang, "err.validation"), "",
                              {{"offset", i18n::t(p.lang, "import.size_mismatch"), "range"}}};
    std::ofstream f(path, std::ios::binary | std::ios::app);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.close();
    if (!f) throw std::runtime_error("cannot append to the upload " + path);
    if (have + len == size) {
      tx.exec("UPDATE import_jobs SET status = 'uploaded' WHERE id = ?", {id});
      complete = true;
    }
  });
  return complete ? finish_upload(p, id) : get(p, id);
}

json ImportJobs::finish_upload(const auth::Principal& p, std::int64_t id) {
  tabular::ReadError err;
  auto reader = tabular::open_rows(dir_ + "/import-" + std::to_string(id) + ".src", err);
  if (!reader) {
    const std::string why = reader_error_text(err, p.lang);
    db_.write([&](store::Tx& tx) {
      tx.exec("UPDATE import_jobs SET status = 'failed', error = ? WHERE id = ?", {why, id});
    });
    throw core::DomainError{core::ErrorKind::invalid, i18n::t(p.lang, "err.validation"), "", {{"file", why, "format"}}};
  }
  return get(p, id);
}

json ImportJobs::get(const auth::Principal& p, std::int64_t id) {
  json out;
  db_.read([&](store::Tx& tx) {
    auto r = tx.one(std::string("SELECT ") + kCols + " FROM import_jobs WHERE id = ?", {id});
    if (!r || (r->i64(1) != p.user_id && !p.has(auth::Role::admin)))
      throw core::DomainError{core::ErrorKind::not_found, i18n::t(p.lang, "err.not_found"), i18n::t(p.lang, "err.not_found.detail")};
    out = job_json(*r);
  });
  return out;
}

Preview ImportJobs::preview(const auth::Principal& p, std::int64_t id) {
  get(p, id);
  std::string path, kind;
  db_.read([&](store::Tx& tx) {
    auto r = tx.one("SELECT file_path, kind FROM import_jobs WHERE id = ?", {id});
    path = r->str(0), kind = r->str(1);
  });
  return preview_import(type_of(kind), path, p.lang, 10);
}

json ImportJobs::queue(const auth::Principal& p, std::int64_t id, const std::string& on_duplicate,
                       const std::map<std::string, std::size_t>& mapping) {
  auto job = get(p, id);
  if (on_duplicate != "skip" && on_duplicate != "update" && on_duplicate != "create")
    throw core::DomainError{core::ErrorKind::invalid, i18n::t(p.lang, "err.validation"), "",
                         {{"on_duplicate", i18n::t(p.lang, "err.one_of") + ": skip, update, create", "enum"}}};
  const auto type = *client_type(job["type"].get<std::string>());
  if (!mapping.empty() && !names_record(type, mapping))
    throw core::DomainError{core::ErrorKind::invalid, i18n::t(p.lang, "err.validation"), "", {{"mapping", import_no_name_column(type, p.lang), "name"}}};
  if (job["status"] != "uploaded")
    throw core::DomainError{core::ErrorKind::conflict, i18n::t(p.lang, "err.conflict"), i18n::t(p.lang, "import.already_started")};
  json m = json::object();
  for (auto& [k, v] : mapping) m[k] = v;
  db_.write([&](store::Tx& tx) {
    tx.exec("UPDATE import_jobs SET status = 'queued', on_duplicate = ?, mapping = ?, updated_at = ? WHERE id = ? AND "
            "status = 'uploaded'",
            {on_duplicate, m.dump(), store::now_iso(), id});
    audit::record(tx, &p, "start", "import_job", std::to_string(id), {{"on_duplicate", on_duplicate}});
    jobs::Runner::enqueue(tx, kJobKind, id);
  });
  runner_.wake();
  return get(p, id);
}

std::string ImportJobs::report(const auth::Principal& p, std::int64_t id) {
  get(p, id);
  const bool kept = db_.read_value([&](store::Tx& tx) {
    auto r = tx.one("SELECT reports_kept FROM import_jobs WHERE id = ?", {id});
    return r && r->i64(0) != 0;
  });
  if (!kept)
    throw core::DomainError{core::ErrorKind::not_found, i18n::t(p.lang, "err.not_found"), i18n::t(p.lang, "import.report_expired")};
  std::string out;
  for (int part = 1; fs::exists(report_file(dir_, id, part)); ++part) {
    std::ifstream f(report_file(dir_, id, part), std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    std::string text = ss.str();
    if (part > 1) {  // later parts: drop their BOM and header line
      auto nl = text.find('\n');
      text = nl == std::string::npos ? "" : text.substr(nl + 1);
    }
    out += text;
  }
  // A report with only its header line says nothing.
  if (std::count(out.begin(), out.end(), '\n') <= 1) return "";
  return out;
}

}  // namespace sdelka::clients
