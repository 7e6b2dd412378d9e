#pragma once
// Background import jobs: an uploaded file is previewed, then imported by the platform's job
// runner (jobs::Runner, kind "clients.import") with progress kept in import_jobs (updated in the
// same transaction as each batch of rows). The runner's lease lets several server processes share
// one database (files_dir must then be one directory they all share); a job of a process that
// died resumes after the last committed batch; a database error is retried with back-off.
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "auth/model.hpp"
#include "clients/transfer.hpp"
#include "jobs/runner.hpp"

namespace sdelka::store { class Database; }

namespace sdelka::clients {

class ClientsService;

class ImportJobs {
 public:
  // files_dir holds the uploaded files and the reports (created when missing). Registers the
  // import kind and the sweep of old files with the runner (before it starts).
  ImportJobs(store::Database& db, ClientsService& svc, jobs::Runner& runner, std::string files_dir);
  ImportJobs(const ImportJobs&) = delete;
  ImportJobs& operator=(const ImportJobs&) = delete;

  // Stores an uploaded file of companies or persons as a new job (status "uploaded"). 403 when p
  // may not create records of the type; 422 for an empty body or a file that is not a table.
  // A file larger than one request body comes in chunks: `size` (when given) is the whole file's
  // size, `bytes` its first chunk; the job is "uploading" until append() has brought the rest.
  // 413 for a size over kMaxUpload.
  nlohmann::json upload(const auth::Principal& p, ClientType type, const std::string& file_name,
                        const std::string& bytes, std::optional<std::int64_t> size = std::nullopt);
  // Appends the chunk that starts at `offset` to an "uploading" job of p's; the last chunk makes it
  // "uploaded" (or 422 when the file is not a table). A chunk already received (same offset and
  // length) is accepted again without change; another offset gives 409 naming the expected one.
  nlohmann::json append(const auth::Principal& p, std::int64_t id, std::int64_t offset, const std::string& bytes);
  static constexpr std::int64_t kMaxUpload = 256ll << 20;
  // The job as JSON: {id, type ("company" | "person"), file_name, status, rows, imported, updated,
  // skipped, rejected, progress (0..100), error, on_duplicate, created_at, summary}. 404 unless p
  // owns it or is admin.
  nlohmann::json get(const auth::Principal& p, std::int64_t id);
  Preview preview(const auth::Principal& p, std::int64_t id);
  // Queues an uploaded job with the duplicate rule and an optional mapping (field → column; it
  // must name the record: a name column for companies, a full name or surname for persons).
  nlohmann::json queue(const auth::Principal& p, std::int64_t id, const std::string& on_duplicate,
                       const std::map<std::string, std::size_t>& mapping);
  // The rejected-rows report (CSV text, UTF-8 with BOM); "" when there were none.
  std::string report(const auth::Principal& p, std::int64_t id);

 private:
  jobs::Outcome run(jobs::Context& ctx);
  void sweep();
  nlohmann::json finish_upload(const auth::Principal& p, std::int64_t id);
  store::Database& db_;
  ClientsService& svc_;
  jobs::Runner& runner_;
  std::string dir_;
};

}  // namespace sdelka::clients
