#include "app/web_app.hpp"

#include "app/idempotency.hpp"
#include "app/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <sstream>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "audit/module.hpp"
#include "auth/crypto.hpp"
#include "auth/module.hpp"
#include "clients/module.hpp"
#include "core/text.hpp"
#include "i18n/i18n.hpp"
#include "staff/module.hpp"
#include "store/database.hpp"
#include "web/context.hpp"
#include "web/render.hpp"

namespace sdelka::web {

using http::ApiError;
using http::Request;
using http::Response;

// ---------------------------------------------------------------- the app

App::App(store::Database& db, WebOptions opts) : db_(db), opts_(opts), auth_(db, opts.auth), jobs_(db, opts.jobs) {
  set_cookies_secure(opts.behind_https);
  register_ops(*this);
  auth::register_auth(*this);
  staff::register_staff(*this);
  audit::register_audit(*this);
  clients::register_clients(*this);
  metrics_ = std::make_unique<Metrics>(router_.routes().size());
}

App::~App() {
  stop_workers();
  while (!kept_.empty()) kept_.pop_back();
}

void App::start_workers() {
  jobs_.start();
  for (auto& w : workers_) w.start();
}

void App::stop_workers() {
  for (auto it = workers_.rbegin(); it != workers_.rend(); ++it) it->stop();
  jobs_.stop();
}

void App::add_policy(const std::vector<auth::Rule>& rows) { auth::add_rules(rows); }
void App::add_nav(NavEntry entry) { add_nav_entry(std::move(entry)); }
void App::add_worker(Worker worker) { workers_.push_back(std::move(worker)); }

std::string App::cookie(const std::string& name, const std::string& value, std::int64_t max_age) const {
  std::string c = name + "=" + value + "; Path=/; HttpOnly; SameSite=Lax";
  if (max_age >= 0) c += "; Max-Age=" + std::to_string(max_age);
  if (opts_.behind_https) c += "; Secure";
  return c;
}

static bool state_changing(const std::string& m) { return m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE"; }

static std::string choose_lang(const Request& req) {
  // Russian is the default whatever the browser asks for; the ru/en switch (a cookie) or the
  // user's saved preference changes it.
  if (auto c = req.cookie("lang")) return std::string(i18n::normalize(*c));
  return "ru";
}

// The client's address behind trusted proxies: X-Forwarded-For read from the right, skipping
// trusted proxies; the first other address is the client. A request from anyone else keeps its
// socket address (a client cannot set its own address by sending the header).
std::string client_address(const Request& req, const std::vector<std::string>& trusted) {
  auto plain = [](std::string_view ip) {  // "::ffff:10.0.0.1" is 10.0.0.1
    return std::string(ip.rfind("::ffff:", 0) == 0 && ip.find('.') != std::string_view::npos ? ip.substr(7) : ip);
  };
  auto is_trusted = [&](const std::string& ip) { return std::find(trusted.begin(), trusted.end(), ip) != trusted.end(); };
  std::string client = plain(req.remote_ip);
  if (trusted.empty() || !is_trusted(client)) return client;
  // Every X-Forwarded-For line in order, as one list: proxies append, so the right end is nearest.
  std::string all;
  for (const auto& [k, v] : req.headers)
    if (k == "x-forwarded-for") all += (all.empty() ? "" : ",") + v;
  std::string_view rest = all;
  while (!rest.empty()) {
    auto comma = rest.rfind(',');
    std::string_view part = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
    while (!part.empty() && (part.front() == ' ' || part.front() == '\t')) part.remove_prefix(1);
    while (!part.empty() && (part.back() == ' ' || part.back() == '\t')) part.remove_suffix(1);
    if (part.empty() || part.size() > 45 || part.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos)
      return client;  // not an address: stop at what is known
    client = plain(part);
    if (!is_trusted(client)) return client;
  }
  return client;
}

Response App::handle(Request& req) {
  const auto t0 = std::chrono::steady_clock::now();
  req.remote_ip = client_address(req, opts_.trusted_proxies);
  req.ctx = std::make_shared<RequestContext>();
  req.ctx->lang = choose_lang(req);
  bool mismatch = false;
  const http::Route* route = router_.match(req, mismatch);
  const bool api_path = req.path.rfind("/api/", 0) == 0;
  Response resp;
  try {
    resp = dispatch(req, route);
  } catch (const ApiError& raw) {
    const auto e = i18n::worded(raw, req.ctx->lang);  // the edge: put into words in the caller's language
    resp = (route ? route->options.api : api_path) ? http::problem(e, req.path) : error_page(req, e);
  } catch (const store::DbError& e) {
    if (e.kind == store::DbError::Kind::unique_violation) {
      // Two requests raced to create the same thing (a key, a unique value): the loser is told so.
      spdlog::warn(nlohmann::json{{"event", "unique_conflict"}, {"path", req.path}, {"error", e.what()}}.dump());
      ApiError err{core::ErrorKind::conflict, i18n::t(req.ctx->lang, "err.conflict"), i18n::t(req.ctx->lang, "err.conflict.race")};
      resp = (route ? route->options.api : api_path) ? http::problem(err, req.path) : error_page(req, err);
    } else if (e.kind == store::DbError::Kind::busy || e.kind == store::DbError::Kind::connection) {
      spdlog::warn(nlohmann::json{{"event", "db_unavailable"}, {"path", req.path}, {"error", e.what()}}.dump());
      ApiError err{core::ErrorKind::unavailable, i18n::t(req.ctx->lang, "err.unavailable"), i18n::t(req.ctx->lang, "err.unavailable.detail")};
      err.headers.emplace_back("Retry-After", "1");
      resp = api_path ? http::problem(err, req.path) : error_page(req, err);
    } else {
      spdlog::error(nlohmann::json{{"event", "db_error"}, {"path", req.path}, {"error", e.what()}}.dump());
      ApiError err{core::ErrorKind::internal, i18n::t(req.ctx->lang, "err.internal"), ""};
      resp = api_path ? http::problem(err, req.path) : error_page(req, err);
    }
  } catch (const std::exception& e) {
    spdlog::error(nlohmann::json{{"event", "internal_error"}, {"path", req.path}, {"error", e.what()}}.dump());
    ApiError err{core::ErrorKind::internal, i18n::t(req.ctx->lang, "err.internal"), ""};
    try {
      resp = api_path ? http::problem(err, req.path) : error_page(req, err);
    } catch (...) {
      resp = Response::text(500, "internal error\n");
    }
  }
  resp.set("X-Content-Type-Options", "nosniff");
  resp.set("X-Frame-Options", "DENY");
  resp.set("Referrer-Policy", "same-origin");
  if (!resp.header("cache-control")) resp.set("Cache-Control", "no-store");
  if (auto ct = resp.header("content-type"); ct && ct->rfind("text/html", 0) == 0) {
    resp.set("Content-Security-Policy",
             "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; "
             "form-action 'self'");
    resp.set("Vary", "Cookie, Accept-Language");
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto idx = route ? static_cast<std::size_t>(route - router_.routes().data()) : router_.routes().size();
  metrics_->observe(idx, resp.status, secs);
  if (opts_.access_log) log_request(req, resp, secs);
  return resp;
}

void App::log_request(const Request& req, const Response& resp, double seconds) const {
  nlohmann::json j{{"event", "request"},
                   {"method", req.method},
                   {"path", req.path},
                   {"route", req.route},
                   {"status", resp.status},
                   {"ms", std::round(seconds * 1e5) / 100},
                   {"ip", req.remote_ip}};
  if (req.ctx && req.ctx->principal) j["user"] = req.ctx->principal->login;
  if (resp.status >= 500) spdlog::error(j.dump());
  else if (resp.status >= 400) spdlog::warn(j.dump());
  else spdlog::info(j.dump());
}

Response App::dispatch(Request& req, const http::Route* route) {
  auto& c = *req.ctx;
  const std::string& lang = c.lang;
  if (!route) {
    bool mismatch = false;
    router_.match(req, mismatch);
    if (mismatch) {
      ApiError e{core::ErrorKind::method_not_allowed, i18n::t(lang, "err.method"), ""};
      std::string allow;
      for (const auto& rt : router_.routes()) {
        Request probe;
        probe.method = rt.method;
        probe.path = req.path;
        bool mm = false;
        if (router_.match(probe, mm) == &rt && allow.find(rt.method) == std::string::npos)
          allow += (allow.empty() ? "" : ", ") + rt.method;
      }
      if (allow.find("GET") != std::string::npos) allow += ", HEAD";
      e.headers.emplace_back("Allow", allow);
      throw e;
    }
    throw ApiError{core::ErrorKind::not_found, i18n::t(lang, "err.not_found"), i18n::t(lang, "err.not_found.detail")};
  }
  const auto& o = route->options;
  if (req.body.size() > o.body_limit)
    throw ApiError{core::ErrorKind::too_large, i18n::t(lang, "err.too_large"),
                   i18n::t(lang, "err.too_large.detail") + " " + std::to_string(o.body_limit)};

  // Text is UTF-8 everywhere: a query parameter or form field that is not (after decoding) is
  // refused here, before anything can store it and break every later JSON or XLSX answer.
  {
    auto check = [&](const std::vector<std::pair<std::string, std::string>>& kv) {
      for (const auto& [k, v] : kv)
        if (!core::valid_utf8(k) || !core::valid_utf8(v)) {
          const std::string name = core::valid_utf8(k) ? k : std::string("?");
          throw ApiError{core::ErrorKind::bad_request, i18n::t(lang, "err.validation"), "",
                         {{name.substr(0, 100), i18n::t(lang, "err.utf8"), "encoding"}}};
        }
    };
    if (!req.query_string.empty()) check(req.query_all());
    // Any body a handler might read as a form (Request::form() parses whatever it is given): all
    // but JSON (JsonBody checks it) and file uploads (application/octet-stream, decoded by the
    // import). Content types compare case-insensitively.
    if (!req.body.empty()) {
      std::string ct(req.header("content-type").value_or(""));
      for (auto& ch : ct) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      const bool json = ct.find("json") != std::string::npos, file = ct.rfind("application/octet-stream", 0) == 0;
      if (!json && !file) check(http::parse_form(req.body));
    }
  }

  // Flash message from the previous response.
  if (auto f = req.cookie("sdelka_flash")) {
    auto text = http::url_decode(*f, false);
    auto colon = text.find(':');
    if (colon != std::string::npos) {
      c.flash_kind = text.substr(0, colon);
      c.flash = text.substr(colon + 1);
    }
  }

  // The metrics scraper's own token, checked before user authentication (it is not a user's).
  if (o.access == http::Access::metrics && !opts_.metrics_token.empty())
    if (auto authz = req.header("authorization");
        authz && authz->rfind("Bearer ", 0) == 0 && auth::equal_ct(std::string(authz->substr(7)), opts_.metrics_token))
      return route->handler(req);

  // Authentication: Bearer token first, then the session cookie.
  bool had_session_cookie = false;
  if (auto authz = req.header("authorization"); authz && authz->rfind("Bearer ", 0) == 0) {
    auto p = auth_.resolve_token(std::string(authz->substr(7)), req.remote_ip);
    if (!p) {
      ApiError e{core::ErrorKind::unauthorized, i18n::t(lang, "err.unauthorized"), i18n::t(lang, "err.token_invalid")};
      e.headers.emplace_back("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      throw e;
    }
    c.principal = std::move(p);
    c.via_bearer = true;
  } else if (auto sc = req.cookie("sdelka_session"); sc && !sc->empty()) {
    had_session_cookie = true;
    if (auto s = auth_.resolve_session(*sc, req.remote_ip)) {
      c.principal = std::move(s->first);
      c.csrf = std::move(s->second);
      c.session_token = *sc;
    }
  }
  // The effective language: the switch's cookie, else the user's saved preference. Services
  // speak the principal's language, so it carries the effective one.
  if (c.principal && !req.cookie("lang")) c.lang = std::string(i18n::normalize(c.principal->lang));
  if (c.principal) c.principal->lang = c.lang;

  if (o.access == http::Access::metrics && !(c.principal && c.principal->has(auth::Role::admin))) {
    ApiError e{c.principal ? core::ErrorKind::forbidden : core::ErrorKind::unauthorized,
               i18n::t(c.lang, c.principal ? "err.forbidden.title" : "err.unauthorized"),
               i18n::t(c.lang, c.principal ? "err.forbidden.detail" : "err.login_required")};
    if (!c.principal) e.headers.emplace_back("WWW-Authenticate", "Bearer");
    throw e;
  }
  if (o.access == http::Access::user && !c.principal) {
    if (o.api) {
      ApiError e{core::ErrorKind::unauthorized, i18n::t(c.lang, "err.unauthorized"),
                 i18n::t(c.lang, had_session_cookie ? "err.session_expired" : "err.login_required")};
      e.headers.emplace_back("WWW-Authenticate", "Bearer");
      throw e;
    }
    Response r = Response::redirect(req, "/login?next=" + http::url_encode(req.path));
    if (had_session_cookie) {
      r.set("Set-Cookie", cookie("sdelka_session", "", 0));
      set_flash(r, "error", i18n::t(c.lang, "flash.session_expired"));
    }
    return r;
  }

  // CSRF: cookie-authenticated state changes must carry the session's token. Public forms
  // (the login form) use a pre-session token kept in its own cookie.
  if (state_changing(req.method) && o.csrf && !c.via_bearer) {
    std::string expected = c.principal ? c.csrf : req.cookie("sdelka_precsrf").value_or("");
    std::string given(req.header("x-csrf-token").value_or(""));
    if (given.empty()) {
      auto ct = req.header("content-type");
      if (ct && ct->find("application/x-www-form-urlencoded") != std::string_view::npos) {
        auto f = req.form();
        if (auto it = f.find("_csrf"); it != f.end()) given = it->second;
      }
    }
    if (expected.empty() || given.empty() || !auth::equal_ct(expected, given)) {
      spdlog::warn(nlohmann::json{{"event", "csrf_rejected"}, {"path", req.path}, {"ip", req.remote_ip}}.dump());
      throw ApiError{core::ErrorKind::forbidden, i18n::t(c.lang, "err.csrf"), i18n::t(c.lang, "err.csrf.detail")};
    }
  }
  if (!c.principal && c.csrf.empty()) c.csrf = req.cookie("sdelka_precsrf").value_or("");

  if (req.method == "POST" && o.api && c.principal && req.header("idempotency-key")) return with_idempotency(req, *route);
  return route->handler(req);
}

Response App::with_idempotency(Request& req, const http::Route& route) {
  const auto& p = *req.ctx->principal;
  const std::string key(req.header("idempotency-key").value());
  const auto& lang = req.ctx->lang;
  if (key.empty() || key.size() > 255)
    throw ApiError{core::ErrorKind::bad_request, i18n::t(lang, "err.idempotency_key"), "", {{"Idempotency-Key", i18n::t(lang, "err.idempotency_key"), "format"}}};
  const auto claimed = idempotency::claim(db_, p.user_id, key, auth::token_hash(req.method + " " + req.path + "\n" + req.body));
  switch (claimed.claim) {
    case idempotency::Claim::mismatch:
      throw ApiError{core::ErrorKind::invalid, i18n::t(lang, "err.idempotency_mismatch"), "", {{"Idempotency-Key", i18n::t(lang, "err.idempotency_mismatch"), "mismatch"}}};
    case idempotency::Claim::busy:
      throw ApiError{core::ErrorKind::conflict, i18n::t(lang, "err.idempotency_busy"), ""};
    case idempotency::Claim::replay: {
      Response out;
      out.status = claimed.stored.status;
      out.body = claimed.stored.body;
      for (const auto& [k, v] : claimed.stored.headers) out.set(k, v);
      out.set("Idempotent-Replayed", "true");
      return out;
    }
    case idempotency::Claim::taken: break;
  }
  Response resp;
  try {
    resp = route.handler(req);
  } catch (const ApiError& e) {
    resp = http::problem(i18n::worded(e, req.ctx->lang), req.path);
  } catch (...) {
    idempotency::release(db_, p.user_id, key);
    throw;
  }
  if (resp.status >= 500) idempotency::release(db_, p.user_id, key);
  else idempotency::finish(db_, p.user_id, key, {resp.status, resp.body, {resp.headers.begin(), resp.headers.end()}});
  return resp;
}

}  // namespace sdelka::web
