#pragma once
// Background import jobs: an uploaded file is previewed, then imported by a worker thread with
// progress kept in import_jobs (updated in the same transaction as each batch of rows). A server
// that stops mid-job resumes it after the last committed batch when it starts again.
// Thread-safe; one worker imports one job at a time.
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "auth/model.hpp"
#include "clients/transfer.hpp"

namespace sdelka::store { class Database; }

namespace sdelka::clients {

class ClientsService;

class ImportJobs {
 public:
  // files_dir holds the uploaded files and the reports (created when missing).
  ImportJobs(store::Database& db, ClientsService& svc, std::string files_dir);
  ~ImportJobs();
  ImportJobs(const ImportJobs&) = delete;
  ImportJobs& operator=(const ImportJobs&) = delete;

  // Requeues jobs left running by a stopped server and starts the worker.
  void start();
  // Stops the worker after the batch it is on (the job stays resumable).
  void stop();

  // Stores an uploaded file of companies or persons as a new job (status "uploaded"). 403 when p
  // may not create records of the type; 422 for an empty body or a file that is not a table.
  nlohmann::json upload(const auth::Principal& p, ClientType type, const std::string& file_name,
                        const std::string& bytes);
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
  void loop();
  bool run_one();
  store::Database& db_;
  ClientsService& svc_;
  std::string dir_;
  std::thread worker_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> stop_{false};
  bool started_ = false;
};

}  // namespace sdelka::clients
