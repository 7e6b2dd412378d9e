#pragma once
// What a business context sees of the web application when it registers. A context exposes one
// function, `void register_<context>(web::Host&)` in its module.hpp, that creates its services
// (the host keeps them alive), adds its routes to the router, its rows to the central policy, its
// entries to the navigation and its background workers; the composition root (app/) calls it.
// No context includes the application itself. See docs/adding-a-context.md.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "auth/policy.hpp"
#include "auth/service.hpp"
#include "http/router.hpp"
#include "jobs/runner.hpp"

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
  jobs::RunnerOptions jobs;
};

// One link of the main navigation, shown to a principal whose scope for (action, type) is at least
// `min`. `order` sorts the links (home is 0; contexts take steps of 10).
struct NavEntry {
  std::string href;
  std::string label_key;  // catalogue key
  auth::Action action;
  std::string type;
  auth::Scope min;
  int order;
};

// A background thread of a context's own, for work that is not a job of the runner (a listener,
// a cache refresh): started after every context has registered, stopped before the database
// closes. Work that must survive a restart or be shared by processes is a job (Host::jobs()).
struct Worker {
  std::string name;
  std::function<void()> start;
  std::function<void()> stop;
};

class Host {
 public:
  virtual ~Host() = default;
  virtual store::Database& db() = 0;
  virtual http::Router& router() = 0;
  virtual const WebOptions& options() const = 0;
  // Sign-in, sessions and tokens (the platform's; the auth context's routes use it).
  virtual auth::AuthService& auth() = 0;
  // The background-job runner: a context registers its job kinds (and periodic sweeps) with it at
  // registration and enqueues jobs in its own transactions.
  virtual jobs::Runner& jobs() = 0;
  // Set-Cookie value for a cookie of this app (HttpOnly, SameSite=Lax, Secure when behind TLS).
  virtual std::string cookie(const std::string& name, const std::string& value, std::int64_t max_age) const = 0;

  virtual void add_policy(const std::vector<auth::Rule>& rows) = 0;
  virtual void add_nav(NavEntry entry) = 0;
  virtual void add_worker(Worker worker) = 0;

  // Keeps a context's service alive as long as the application; returns it.
  template <class T>
  T& keep(std::unique_ptr<T> object) {
    T& ref = *object;
    keep_alive(std::shared_ptr<void>(std::move(object)));
    return ref;
  }

 protected:
  virtual void keep_alive(std::shared_ptr<void> object) = 0;
};

}  // namespace sdelka::web
