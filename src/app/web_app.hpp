#pragma once
// The web application, the composition root of the server: it registers every context (each
// through its one register function, web::Host), and runs the request pipeline (routing, limits,
// language, authentication, CSRF, idempotency, errors, metrics, logs). Only app/ includes this.
#include <memory>
#include <string>
#include <vector>

#include "app/metrics.hpp"
#include "auth/service.hpp"
#include "http/router.hpp"
#include "web/host.hpp"

namespace sdelka::store { class Database; }

namespace sdelka::web {


class App final : public Host {
 public:
  App(store::Database& db, WebOptions opts);
  ~App() override;
  App(const App&) = delete;
  App& operator=(const App&) = delete;
  // The full pipeline for one request. Never throws.
  http::Response handle(http::Request& req);
  // Starts / stops the job runner and the contexts' background workers (stop: in reverse).
  void start_workers();
  void stop_workers();

  store::Database& db() override { return db_; }
  auth::AuthService& auth() override { return auth_; }
  http::Router& router() override { return router_; }
  jobs::Runner& jobs() override { return jobs_; }
  const WebOptions& options() const override { return opts_; }
  std::string cookie(const std::string& name, const std::string& value, std::int64_t max_age) const override;
  void add_policy(const std::vector<auth::Rule>& rows) override;
  void add_nav(NavEntry entry) override;
  void add_worker(Worker worker) override;
  // Prometheus text of the request and pool metrics.
  std::string metrics_text() const { return metrics_->render(router_, db_); }

 private:
  void keep_alive(std::shared_ptr<void> object) override { kept_.push_back(std::move(object)); }
  http::Response dispatch(http::Request& req, const http::Route* route);
  http::Response with_idempotency(http::Request& req, const http::Route& route);
  void log_request(const http::Request& req, const http::Response& resp, double seconds) const;

  store::Database& db_;
  WebOptions opts_;
  auth::AuthService auth_;
  jobs::Runner jobs_;
  http::Router router_;
  std::vector<Worker> workers_;
  std::vector<std::shared_ptr<void>> kept_;  // the contexts' services, destroyed in reverse
  std::unique_ptr<Metrics> metrics_;
};

// The operations routes (health, metrics, OpenAPI, static assets, language switch).
void register_ops(App& app);

// The OpenAPI 3.1 document served at /api/v1/openapi.json.
const std::string& openapi_document();

}  // namespace sdelka::web
