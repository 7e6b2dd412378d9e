#include "clients/jobs.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "audit/audit.hpp"
#include "auth/policy.hpp"
#include "auth/service.hpp"
#include "core/tabular.hpp"
#include "http/http.hpp"
#include "i18n/i18n.hpp"
#include "store/database.hpp"

namespace sdelka::clients {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {
const char* kCols =
    "id, user_id, file_name, file_path, on_duplicate, mapping, status, rows, imported, updated, skipped, rejected, "
    "progress, error, created_at, kind";

// import_jobs.kind holds the table's name ("companies", the default of the column, or "persons").
std::string kind_of(ClientType t) { return t == ClientType::person ? "persons" : "companies"; }
ClientType type_of(const std::string& kind) { return kind == "persons" ? ClientType::person : ClientType::company; }

json job_json(const store::Row& r) {
  ImportCounts c;
  c.rows = r.i64(7), c.imported = r.i64(8), c.updated = r.i64(9), c.skipped = r.i64(10), c.rejected = r.i64(11);
  return {{"id", r.i64(0)},          {"user_id", r.i64(1)},     {"file_name", r.str(2)},  {"on_duplicate", r.str(4)},
          {"status", r.str(6)},      {"rows", c.rows},          {"imported", c.imported}, {"updated", c.updated},
          {"skipped", c.skipped},    {"rejected", c.rejected},  {"progress", r.i64(12)},  {"error", r.str(13)},
          {"created_at", r.str(14)}, {"summary", c.summary()},  {"type", std::string(type_code(type_of(r.str(15))))}};
}

std::string report_file(const std::string& dir, std::int64_t id, int part) {
  return dir + "/import-" + std::to_string(id) + "-rejected-" + std::to_string(part) + ".csv";
}
}  // namespace

ImportJobs::ImportJobs(store::Database& db, ClientsService& svc, std::string files_dir)
    : db_(db), svc_(svc), dir_(std::move(files_dir)) {}

ImportJobs::~ImportJobs() { stop(); }

void ImportJobs::start() {
  fs::create_directories(dir_);
  db_.write([](store::Tx& tx) {
    tx.exec("UPDATE import_jobs SET status = 'queued', updated_at = ? WHERE status = 'running'", {store::now_iso()});
  });
  started_ = true;
  worker_ = std::thread([this] { loop(); });
}

void ImportJobs::stop() {
  stop_.store(true);
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void ImportJobs::loop() {
  while (!stop_.load()) {
    bool worked = false;
    try {
      worked = run_one();
    } catch (const std::exception& e) {
      spdlog::error(json{{"event", "import_job_error"}, {"error", e.what()}}.dump());
    }
    if (worked) continue;
    std::unique_lock lk(mu_);
    cv_.wait_for(lk, std::chrono::seconds(2), [&] { return stop_.load(); });
  }
}

bool ImportJobs::run_one() {
  std::optional<store::Row> job;
  db_.write([&](store::Tx& tx) {
    job = tx.one(std::string("SELECT ") + kCols + " FROM import_jobs WHERE status = 'queued' ORDER BY id LIMIT 1");
    if (job) tx.exec("UPDATE import_jobs SET status = 'running', updated_at = ? WHERE id = ?", {store::now_iso(), job->i64(0)});
  });
  if (!job) return false;
  const std::int64_t id = job->i64(0);
  std::optional<auth::Principal> p;
  db_.read([&](store::Tx& tx) { p = auth::AuthService::load_principal(tx, job->i64(1)); });
  auto fail = [&](const std::string& msg) {
    db_.write([&](store::Tx& tx) {
      tx.exec("UPDATE import_jobs SET status = 'failed', error = ?, updated_at = ? WHERE id = ?", {msg, store::now_iso(), id});
    });
  };
  if (!p) {  // said in the language that user chose (Russian when the account is gone)
    std::string lang = "ru";
    db_.read([&](store::Tx& tx) {
      if (auto u = tx.one("SELECT lang FROM users WHERE id = ?", {job->i64(1)}); u && !u->str(0).empty()) lang = u->str(0);
    });
    fail(i18n::t(lang, "import.user_disabled"));
    return true;
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
  o.in_batch_tx = [id](store::Tx& tx, const ImportCounts& c, double progress) {
    tx.exec("UPDATE import_jobs SET rows = ?, imported = ?, updated = ?, skipped = ?, rejected = ?, progress = ?, "
            "updated_at = ? WHERE id = ?",
            {c.rows, c.imported, c.updated, c.skipped, c.rejected, static_cast<std::int64_t>(progress * 100),
             store::now_iso(), id});
  };
  o.on_progress = [this](const ImportCounts&, double) { return !stop_.load(); };
  ImportResult res;
  try {
    res = import_clients(type_of(job->str(15)), svc_, db_, *p, job->str(3), o);
  } catch (const std::exception& e) {
    // A job must not stay "running" forever: record why it stopped.
    fail(e.what());
    return true;
  }
  if (res.stopped) {
    db_.write([&](store::Tx& tx) {
      tx.exec("UPDATE import_jobs SET status = 'queued', updated_at = ? WHERE id = ?", {store::now_iso(), id});
    });
    return false;
  }
  db_.write([&](store::Tx& tx) {
    tx.exec("UPDATE import_jobs SET status = ?, error = ?, progress = 100, rows = ?, imported = ?, updated = ?, skipped = ?, "
            "rejected = ?, updated_at = ? WHERE id = ?",
            {std::string(res.error.empty() ? "done" : "failed"), res.error, res.counts.rows, res.counts.imported,
             res.counts.updated, res.counts.skipped, res.counts.rejected, store::now_iso(), id});
  });
  return true;
}

json ImportJobs::upload(const auth::Principal& p, ClientType type, const std::string& file_name,
                        const std::string& bytes) {
  auth::require_scope(p, auth::Action::create, std::string(type_code(type)), auth::Scope::own);
  if (bytes.empty())
    throw http::ApiError{422, i18n::t(p.lang, "err.validation"), "", {{"file", i18n::t(p.lang, "import.empty"), "empty"}}};
  fs::create_directories(dir_);
  json out;
  std::int64_t id = 0;
  db_.write([&](store::Tx& tx) {
    auto now = store::now_iso();
    auto r = tx.one("INSERT INTO import_jobs (user_id, kind, file_name, file_path, created_at, updated_at) VALUES (?, ?, ?, "
                    "'', ?, ?) RETURNING id",
                    {p.user_id, kind_of(type), file_name.substr(0, 200), now, now});
    id = r->i64(0);
    const std::string path = dir_ + "/import-" + std::to_string(id) + ".src";
    std::ofstream f(path, std::ios::binary);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!f) throw std::runtime_error("cannot store the upload in " + path);
    f.close();
    tx.exec("UPDATE import_jobs SET file_path = ? WHERE id = ?", {path, id});
    audit::record(tx, &p, "upload", "import_job", std::to_string(id),
                  {{"file", file_name}, {"bytes", bytes.size()}, {"type", type_code(type)}});
  });
  tabular::ReadError err;
  auto reader = tabular::open_rows(dir_ + "/import-" + std::to_string(id) + ".src", err);
  if (!reader) {
    const std::string why = reader_error_text(err, p.lang);
    db_.write([&](store::Tx& tx) {
      tx.exec("UPDATE import_jobs SET status = 'failed', error = ? WHERE id = ?", {why, id});
    });
    throw http::ApiError{422, i18n::t(p.lang, "err.validation"), "", {{"file", why, "format"}}};
  }
  return get(p, id);
}

json ImportJobs::get(const auth::Principal& p, std::int64_t id) {
  json out;
  db_.read([&](store::Tx& tx) {
    auto r = tx.one(std::string("SELECT ") + kCols + " FROM import_jobs WHERE id = ?", {id});
    if (!r || (r->i64(1) != p.user_id && !p.has(auth::Role::admin)))
      throw http::ApiError{404, i18n::t(p.lang, "err.not_found"), i18n::t(p.lang, "err.not_found.detail")};
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
    throw http::ApiError{422, i18n::t(p.lang, "err.validation"), "",
                         {{"on_duplicate", i18n::t(p.lang, "err.one_of") + ": skip, update, create", "enum"}}};
  const auto type = *client_type(job["type"].get<std::string>());
  if (!mapping.empty() && !names_record(type, mapping))
    throw http::ApiError{422, i18n::t(p.lang, "err.validation"), "", {{"mapping", import_no_name_column(type, p.lang), "name"}}};
  if (job["status"] != "uploaded")
    throw http::ApiError{409, i18n::t(p.lang, "err.conflict"), i18n::t(p.lang, "import.already_started")};
  json m = json::object();
  for (auto& [k, v] : mapping) m[k] = v;
  db_.write([&](store::Tx& tx) {
    tx.exec("UPDATE import_jobs SET status = 'queued', on_duplicate = ?, mapping = ?, updated_at = ? WHERE id = ? AND "
            "status = 'uploaded'",
            {on_duplicate, m.dump(), store::now_iso(), id});
    audit::record(tx, &p, "start", "import_job", std::to_string(id), {{"on_duplicate", on_duplicate}});
  });
  cv_.notify_all();
  return get(p, id);
}

std::string ImportJobs::report(const auth::Principal& p, std::int64_t id) {
  get(p, id);
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
