// Routes of import and export: upload, preview, start, progress, report; export of a filter.
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "auth/crypto.hpp"
#include "clients/jobs.hpp"
#include "clients/service.hpp"
#include "clients/transfer.hpp"
#include "http/json_body.hpp"
#include "i18n/i18n.hpp"
#include "clients/routes.hpp"
#include "web/host.hpp"
#include "web/context.hpp"
#include "web/render.hpp"

namespace sdelka::clients {

using namespace sdelka::web;

clients::repo::ListQuery list_query(const http::Request& req);

namespace {
using http::ApiError;
using http::Request;
using http::Response;
using nlohmann::json;

json preview_json(const clients::Preview& pv) {
  json rows = json::array();
  for (auto& r : pv.rows) rows.push_back({{"row", r.row}, {"values", r.values}, {"errors", r.errors}});
  return {{"format", pv.format}, {"encoding", pv.encoding}, {"columns", pv.columns}, {"mapping", pv.mapping},
          {"rows", rows},        {"error", pv.error}};
}

Response download(std::string body, const std::string& type, const std::string& name) {
  auto r = Response::text(200, std::move(body), type);
  r.set("Content-Disposition", "attachment; filename=\"" + name + "\"; filename*=UTF-8''" + http::url_encode(name));
  return r;
}

using clients::ClientType;

// What the import pages say differently for companies and persons.
struct TypeTexts {
  const char* list_url;  // the list the import adds to
  const char* title;     // catalogue keys
  const char* to_list;
  const char* duplicates;
};
TypeTexts texts(ClientType t) {
  if (t == ClientType::person)
    return {"/persons", "import.title_person", "import.to_list_person", "import.duplicates_person"};
  return {"/companies", "import.title", "import.to_list", "import.duplicates"};
}

ClientType job_type(const json& j) { return *clients::client_type(j["type"].get<std::string>()); }

mstch::map job_view(const std::string& lang, const json& j) {
  const std::string status = j["status"];
  const auto tx = texts(job_type(j));
  return mstch::map{{"id", std::to_string(j["id"].get<std::int64_t>())},
                    {"title", i18n::t(lang, tx.title)},
                    {"list_url", std::string(tx.list_url)},
                    {"to_list", i18n::t(lang, tx.to_list)},
                    {"duplicates", i18n::t(lang, tx.duplicates)},
                    {"file_name", j["file_name"].get<std::string>()},
                    {"status", i18n::t(lang, "import.status." + status)},
                    {"uploaded", status == "uploaded"},
                    {"active", status == "queued" || status == "running"},
                    {"done", status == "done"},
                    {"failed", status == "failed"},
                    {"progress", std::to_string(j["progress"].get<std::int64_t>())},
                    {"rows", std::to_string(j["rows"].get<std::int64_t>())},
                    {"imported", std::to_string(j["imported"].get<std::int64_t>())},
                    {"updated", std::to_string(j["updated"].get<std::int64_t>())},
                    {"skipped", std::to_string(j["skipped"].get<std::int64_t>())},
                    {"rejected", std::to_string(j["rejected"].get<std::int64_t>())},
                    {"has_rejected", j["rejected"].get<std::int64_t>() > 0},
                    {"error", j["error"].get<std::string>()}};
}
}  // namespace

void register_transfer_routes(Host& app, ClientsService& svc, ImportJobs& jobs) {
  auto& r = app.router();

  r.add("POST", "/api/v1/imports",
        [&jobs](Request& req) {
          auto name = req.query("file_name").value_or("upload");
          auto type = clients::client_type(req.query("type").value_or("company"));
          if (!type)
            throw ApiError{core::ErrorKind::invalid, i18n::t(req.ctx->lang, "err.validation"), "",
                           {{"type", i18n::t(req.ctx->lang, "err.one_of") + ": company, person", "enum"}}};
          std::optional<std::int64_t> size;
          if (auto v = req.query("size")) {
            std::int64_t n = 0;
            auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
            if (ec != std::errc() || ptr != v->data() + v->size() || n <= 0)
              throw ApiError{core::ErrorKind::invalid, i18n::t(req.ctx->lang, "err.validation"), "",
                             {{"size", i18n::t(req.ctx->lang, "err.type.integer"), "type"}}};
            size = n;
          }
          return Response::json(201, jobs.upload(principal(req), *type, name, req.body, size));
        },
        {.summary = "Upload a CSV or XLSX file of companies or persons (?type=company|person; raw body) as a new import "
                    "job; a file over one request body: ?size=<whole file> with the first chunk, then PUT …/content"});
  r.add("PUT", "/api/v1/imports/{id}/content",
        [&jobs](Request& req) {
          std::int64_t offset = -1;
          if (auto v = req.query("offset")) {
            auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), offset);
            if (ec != std::errc() || ptr != v->data() + v->size()) offset = -1;
          }
          if (offset < 0)
            throw ApiError{core::ErrorKind::invalid, i18n::t(req.ctx->lang, "err.validation"), "",
                           {{"offset", i18n::t(req.ctx->lang, "err.type.integer"), "type"}}};
          return Response::json(200, jobs.append(principal(req), id_param(req), offset, req.body));
        },
        {.summary = "The next chunk (raw body, ?offset=<bytes received so far>) of an import being uploaded"});
  r.add("GET", "/api/v1/imports/{id}", [&jobs](Request& req) { return Response::json(200, jobs.get(principal(req), id_param(req))); },
        {.summary = "An import job: status, progress and counts"});
  r.add("GET", "/api/v1/imports/{id}/preview",
        [&jobs](Request& req) { return Response::json(200, preview_json(jobs.preview(principal(req), id_param(req)))); },
        {.summary = "The detected columns, mapping and first rows with their errors"});
  r.add("POST", "/api/v1/imports/{id}/start",
        [&jobs](Request& req) {
          http::JsonBody b(req, req.ctx->lang, {"on_duplicate", "mapping"});
          auto dup = b.str("on_duplicate", false, 10).value_or("skip");
          std::map<std::string, std::size_t> mapping;
          if (b.has("mapping") && !b.json()["mapping"].is_null()) {
            const auto& m = b.json()["mapping"];
            if (!m.is_object()) b.error("mapping", i18n::t(b.lang(), "err.type.mapping"), "type");
            else
              for (auto& [k, v] : m.items()) {
                if (!v.is_number_unsigned()) b.error("mapping." + k, i18n::t(b.lang(), "err.type.integer"), "type");
                else mapping[k] = v.get<std::size_t>();
              }
          }
          b.finish();
          return Response::json(202, jobs.queue(principal(req), id_param(req), dup, mapping));
        },
        {.summary = "Start an uploaded import (on_duplicate skip|update|create, optional mapping field → column)"});
  r.add("GET", "/api/v1/imports/{id}/report",
        [&jobs](Request& req) {
          auto id = id_param(req);
          auto text = jobs.report(principal(req), id);
          if (text.empty()) return Response::no_content();
          return download(std::move(text), "text/csv; charset=utf-8", "import-" + std::to_string(id) + "-rejected.csv");
        },
        {.summary = "The rejected rows of an import with their reasons (CSV)"});
  // Export of a list's filter: the same parameters as the list, only what the caller may see.
  auto exporter = [&svc, &app](ClientType type) {
    return [&svc, &app, type](Request& req) {
      auto fmt = req.query("format").value_or("csv");
      if (fmt != "csv" && fmt != "xlsx")
        throw ApiError{core::ErrorKind::invalid, i18n::t(req.ctx->lang, "err.validation"), "", {{"format", i18n::t(req.ctx->lang, "err.one_of") + ": csv, xlsx", "enum"}}};
      auto q = list_query(req);
      std::filesystem::create_directories(app.options().files_dir);
      const std::string path = app.options().files_dir + "/export-" + auth::random_token().substr(0, 16) + "." + fmt;
      struct Cleanup {
        std::string p;
        ~Cleanup() { std::filesystem::remove(p); }
      } cleanup{path};
      clients::export_clients(type, svc, principal(req), q, path);
      std::ifstream f(path, std::ios::binary);
      std::stringstream ss;
      ss << f.rdbuf();
      return download(ss.str(),
                      fmt == "xlsx" ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                                    : "text/csv; charset=utf-8",
                      std::string(type == ClientType::person ? "persons." : "companies.") + fmt);
    };
  };
  r.add("GET", "/api/v1/companies/export", exporter(ClientType::company),
        {.summary = "Export the companies of a filter (same parameters as the list) to CSV or XLSX"});
  r.add("GET", "/api/v1/persons/export", exporter(ClientType::person),
        {.summary = "Export the persons of a filter (same parameters as the list) to CSV or XLSX"});

  auto upload_page = [&app](ClientType type) {
    return [&app, type](Request& req) {
      const auto tx = texts(type);
      mstch::map d{{"title", i18n::t(req.ctx->lang, tx.title)},
                   // A chunk fits both the server's read cap and the content route's limit.
                   {"chunk", std::to_string(std::min<std::size_t>(app.options().body_limit, http::RouteOptions{}.body_limit))},
                   {"list_url", std::string(tx.list_url)},
                   {"upload_url", "/api/v1/imports?type=" + std::string(clients::type_code(type))},
                   {"person", type == ClientType::person}};
      return page(req, 200, "import", d, tx.title);
    };
  };
  r.add("GET", "/companies/import", upload_page(ClientType::company), {.api = false, .summary = "Import companies: upload"});
  r.add("GET", "/persons/import", upload_page(ClientType::person), {.api = false, .summary = "Import persons: upload"});
  r.add("GET", "/imports/{id}",
        [&jobs](Request& req) {
          const auto& lang = req.ctx->lang;
          auto id = id_param(req);
          auto j = jobs.get(principal(req), id);
          auto d = job_view(lang, j);
          const auto type = job_type(j);
          if (j["status"] == "uploaded") {
            auto pv = jobs.preview(principal(req), id);
            mstch::array cols, rows;
            for (std::size_t i = 0; i < pv.columns.size(); ++i) {
              std::string mapped;
              for (auto& [f, c] : pv.mapping)
                if (c == i) mapped = f;
              mstch::array opts;
              for (const auto& f : clients::import_fields(type))
                opts.push_back(mstch::map{{"field", f}, {"label", clients::field_label(type, f, lang)}, {"selected", mapped == f}});
              cols.push_back(mstch::map{{"index", std::to_string(i)}, {"title", pv.columns[i]}, {"options", opts}});
            }
            for (auto& row : pv.rows) {
              mstch::array cells, errors;
              for (auto& v : row.values) cells.push_back(v);
              for (auto& e : row.errors) errors.push_back(e);
              rows.push_back(mstch::map{{"row", std::to_string(row.row)}, {"cells", cells}, {"errors", errors},
                                        {"bad", !row.errors.empty()}});
            }
            d.emplace("columns", cols);
            d.emplace("preview", rows);
            d.emplace("format", pv.format + (pv.encoding.empty() ? "" : ", " + pv.encoding));
            d.emplace("preview_error", pv.error);
          }
          return page(req, 200, "import_job", d, texts(type).title);
        },
        {.api = false, .summary = "An import: preview and start, or progress and result"});
  r.add("GET", "/imports/{id}/progress",
        [&jobs](Request& req) {
          auto j = jobs.get(principal(req), id_param(req));
          auto resp = Response::html(200, fragment(req, "import_progress", job_view(req.ctx->lang, j)));
          // Stop polling once the job has finished: htmx replaces the poller with the result.
          return resp;
        },
        {.api = false, .summary = "Progress of an import (htmx fragment)"});
  r.add("POST", "/imports/{id}/start",
        [&jobs](Request& req) {
          auto id = id_param(req);
          auto f = req.form();
          std::map<std::string, std::size_t> mapping;
          for (auto& [k, v] : http::parse_form(req.body)) {
            if (k.rfind("map_", 0) != 0 || v.empty()) continue;
            // map_<column number>: anything else is a malformed form (400 naming the field).
            std::size_t col = 0;
            const auto digits = std::string_view(k).substr(4);
            auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), col);
            if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size() || col > 10000)
              throw ApiError{core::ErrorKind::bad_request, i18n::t(req.ctx->lang, "err.validation"), "",
                             {{k.substr(0, 40), i18n::t(req.ctx->lang, "err.type.integer"), "type"}}};
            mapping[v] = col;
          }
          try {
            jobs.queue(principal(req), id, f["on_duplicate"].empty() ? "skip" : f["on_duplicate"], mapping);
          } catch (const ApiError& raw) {
            const auto e = i18n::worded(raw, req.ctx->lang);
            if (e.kind != core::ErrorKind::invalid && e.kind != core::ErrorKind::conflict) throw;
            auto resp = Response::redirect(req, "/imports/" + std::to_string(id));
            set_flash(resp, "error", e.fields.empty() ? e.title + ". " + e.detail : e.fields[0].message);
            return resp;
          }
          return Response::redirect(req, "/imports/" + std::to_string(id));
        },
        {.api = false, .summary = "Start an import"});
}

}  // namespace sdelka::clients
