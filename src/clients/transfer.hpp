#pragma once
// Import and export of companies and persons: CSV (UTF-8 or Windows-1251, `;` or `,`) and XLSX
// through core/tabular; column mapping by header names (Russian or English); per-row validation
// with the same rules as the API; duplicate handling skip / update / create; rejected rows
// reported with their reason. Each row is saved whole or not at all (a batch that fails in the
// database is re-run with a savepoint per row); rows are committed in batches, and the number of
// rows done is returned with every progress report so that an interrupted job can resume after
// the last committed batch. Companies and persons share one import loop, one preview and one
// export writer; what differs between them is a small adapter per type in transfer.cpp.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/model.hpp"
#include "clients/repo.hpp"

namespace sdelka::store { class Database; class Tx; }
namespace sdelka::tabular { struct ReadError; }

namespace sdelka::clients {

class ClientsService;

// What a file holds.
enum class ClientType { company, person };
// "company" | "person": the policy's object type, the API's `type`, the audit object type.
std::string_view type_code(ClientType t);
std::optional<ClientType> client_type(std::string_view code);

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
  std::string error;  // "" on success; else why the file could not be read (nothing after it), in p.lang
  std::vector<std::string> columns;  // the header as read
  std::map<std::string, std::size_t> mapping;
  bool stopped = false;  // on_progress asked to stop
};

// The fields a column may be mapped to, in the order the mapping screen offers them.
const std::vector<std::string>& import_fields(ClientType t);
// The name of a field (or of an error's field, "phones[0].number") for people, in `lang`.
std::string field_label(ClientType t, const std::string& field, const std::string& lang);
// The mapping the importer would use for a header (field → column index), unknown columns left out.
std::map<std::string, std::size_t> guess_mapping(ClientType t, const std::vector<std::string>& header);
// True when a mapping has a column that names the record (companies: "name"; persons: "name",
// "last_name" or "first_name"); otherwise import_no_name_column() says what is missing.
bool names_record(ClientType t, const std::map<std::string, std::size_t>& mapping);
std::string import_no_name_column(ClientType t, const std::string& lang);

// A file reader's error for people, in `lang` (the catalogue's "reader.<code>" texts).
std::string reader_error_text(const tabular::ReadError& e, const std::string& lang);

// Imports companies or persons from `path` (CSV or XLSX by content) as `p` (creates need the
// policy's create right; records get p as owner). Never throws for bad rows: they are counted
// and reported. Throws core::DomainError 403 when p may not create records of the type.
ImportResult import_clients(ClientType t, ClientsService& svc, store::Database& db, const auth::Principal& p,
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
Preview preview_import(ClientType t, const std::string& path, const std::string& lang, std::size_t n = 10);

// Exports the records of the type that the principal may see and that match `q` (all pages) into
// `path`: XLSX when the path ends with .xlsx, otherwise CSV. Returns the number of rows written;
// throws std::runtime_error when the file cannot be written.
std::int64_t export_clients(ClientType t, ClientsService& svc, const auth::Principal& p, repo::ListQuery q,
                            const std::string& path);

}  // namespace sdelka::clients
