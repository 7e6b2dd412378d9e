#pragma once
// Import and export of companies: CSV (UTF-8 or Windows-1251, `;` or `,`) and XLSX through
// core/tabular; column mapping by header names (Russian or English); per-row validation with
// the same rules as the API; duplicate handling skip / update / create; rejected rows reported
// with their reason. Each row is saved whole or not at all (a batch that fails in the database is
// re-run with a savepoint per row); rows are committed in batches, and the number of rows done is
// returned with every progress report so that an interrupted job can resume after the last
// committed batch.
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "auth/model.hpp"
#include "clients/repo.hpp"

namespace sdelka::store { class Database; class Tx; }

namespace sdelka::clients {

class ClientsService;

struct ImportCounts {
  std::int64_t rows = 0;  // data rows read (header excluded)
  std::int64_t imported = 0, updated = 0, skipped = 0, rejected = 0;
  // "imported N, updated U, skipped S, rejected R"
  std::string summary() const;
};

struct ImportOptions {
  std::string on_duplicate = "skip";             // skip | update | create
  std::map<std::string, std::size_t> mapping;     // field → column; empty: from the header
  std::string report_path;                        // CSV of rejected rows ("" for none)
  ImportCounts resume;                            // counts of an interrupted run: rows ≤ resume.rows are skipped
  std::size_t batch = 5000;                       // rows per transaction
  // Pause after each batch so that other writers (users of a running server) get the write lock
  // between batches: SQLite's lock has no queue.
  std::chrono::milliseconds pause{0};
  // Called inside every batch's transaction with the counts so far, so that a job record
  // updated there is exactly as far as the committed rows.
  std::function<void(store::Tx&, const ImportCounts&, double progress)> in_batch_tx;
  // Called after every committed batch; return false to stop (the batch stays committed).
  std::function<bool(const ImportCounts&, double progress)> on_progress;
};

struct ImportResult {
  ImportCounts counts;
  std::string error;  // "" on success; else why the file could not be read (nothing after it)
  std::vector<std::string> columns;  // the header as read
  std::map<std::string, std::size_t> mapping;
  bool stopped = false;  // on_progress asked to stop
};

// The mapping the importer would use for a header (field → column index), unknown columns left out.
std::map<std::string, std::size_t> guess_mapping(const std::vector<std::string>& header);

// Imports companies from `path` (CSV or XLSX by content) as `p` (creates need the policy's
// create right; records get p as owner). Never throws for bad rows: they are counted and
// reported. Throws http::ApiError 403 when p may not create companies.
ImportResult import_companies(ClientsService& svc, store::Database& db, const auth::Principal& p,
                              const std::string& path, const ImportOptions& opts);

// A preview: the header, the mapping and the first `n` rows with their validation errors
// (without duplicate checks and without saving anything).
struct PreviewRow {
  std::int64_t row = 0;
  std::vector<std::string> values;
  std::vector<std::string> errors;
};
struct Preview {
  std::string error, format, encoding;
  std::vector<std::string> columns;
  std::map<std::string, std::size_t> mapping;
  std::vector<PreviewRow> rows;
};
Preview preview_companies(const std::string& path, const std::string& lang, std::size_t n = 10);

// Exports the companies the principal may see that match `q` (all pages) into `path`: XLSX
// when the path ends with .xlsx, otherwise CSV. Returns the number of rows written; throws
// std::runtime_error when the file cannot be written.
std::int64_t export_companies(ClientsService& svc, const auth::Principal& p, repo::ListQuery q, const std::string& path);

}  // namespace sdelka::clients
