#pragma once
// The web application: services, routes of every context, and the request pipeline
// (routing, limits, language, authentication, CSRF, idempotency, errors, metrics, logs).
#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "auth/service.hpp"
#include "clients/jobs.hpp"
#include "clients/service.hpp"
#include "http/router.hpp"
#include "staff/service.hpp"

namespace sdelka::store { class Database; }

namespace sdelka::web {

struct WebOptions {
  bool behind_https = false;  // adds Secure to cookies
  bool access_log = true;     // one JSON log line per request
  std::size_t body_limit = 1 << 20;
  std::string files_dir = "data/files";  // uploads and import reports
  // Addresses of reverse proxies (nginx) whose X-Forwarded-For is believed: the client is then the
  // last address in it that is not a trusted proxy (login limits, audit, logs). Exact addresses.
  std::vector<std::string> trusted_proxies;
  // Bearer token of the metrics scraper for /metrics ("" = only signed-in administrators).
  std::string metrics_token;
  auth::AuthOptions auth;
};

class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
  explicit Metrics(std::size_t routes);
  // Route index routes() means "no route matched".
  void observe(std::size_t route, int status, double seconds);
  std::string render(const http::Router& router, const store::Database& db) const;

 private:
  struct Series {
    std::array<std::atomic<std::uint64_t>, 5> by_class{};  // 1xx..5xx
    std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> buckets{};
    std::atomic<std::uint64_t> sum_us{0};
  };
  std::unique_ptr<Series[]> series_;
  std::size_t n_;
};

class App {
 public:
  App(store::Database& db, WebOptions opts);
  // The full pipeline for one request. Never throws.
  http::Response handle(http::Request& req);

  store::Database& db() { return db_; }
  auth::AuthService& auth() { return auth_; }
  staff::StaffService& staff() { return staff_; }
  clients::ClientsService& clients() { return clients_; }
  clients::ImportJobs& imports() { return imports_; }
  http::Router& router() { return router_; }
  const WebOptions& options() const { return opts_; }
  // Prometheus text of the request and pool metrics.
  std::string metrics_text() const { return metrics_->render(router_, db_); }
  // Set-Cookie value for a cookie of this app (HttpOnly, SameSite=Lax, Secure when behind TLS).
  std::string cookie(const std::string& name, const std::string& value, std::int64_t max_age) const;

 private:
  http::Response dispatch(http::Request& req, const http::Route* route);
  http::Response with_idempotency(http::Request& req, const http::Route& route);
  void log_request(const http::Request& req, const http::Response& resp, double seconds) const;

  store::Database& db_;
  WebOptions opts_;
  auth::AuthService auth_;
  staff::StaffService staff_;
  clients::ClientsService clients_;
  clients::ImportJobs imports_;
  http::Router router_;
  std::unique_ptr<Metrics> metrics_;
};

// Route registration of each context (defined in its api.cpp / pages.cpp).
void register_ops(App& app);
void register_auth_api(App& app);
void register_auth_pages(App& app);
void register_staff_api(App& app);
void register_staff_pages(App& app);
void register_audit_api(App& app);
void register_audit_pages(App& app);
void register_clients_api(App& app);
void register_clients_pages(App& app);
void register_transfer_routes(App& app);

// The OpenAPI 3.1 document served at /api/v1/openapi.json.
const std::string& openapi_document();

}  // namespace sdelka::web
