// HTML routes of authentication: the login form, logging out.
#include "auth/crypto.hpp"
#include "i18n/i18n.hpp"
#include "auth/routes.hpp"
#include "web/host.hpp"
#include "web/context.hpp"
#include "web/render.hpp"

namespace sdelka::auth {

using namespace sdelka::web;

namespace {
std::string safe_next(const std::string& next) { return http::safe_local_path(next).value_or("/"); }

http::Response login_form(Host& app, http::Request& req, int status, const std::string& login, const std::string& error,
                          const std::string& next) {
  // A fresh pre-session CSRF token for the login form (double-submit cookie).
  std::string token = req.ctx->csrf.empty() ? auth::random_token() : req.ctx->csrf;
  req.ctx->csrf = token;
  mstch::map d{{"login_value", login}, {"next", next}};
  if (!error.empty()) d.emplace("error", error);
  auto r = page(req, status, "login", d, "login.title");
  r.set("Set-Cookie", app.cookie("sdelka_precsrf", token, 3600));
  return r;
}
}  // namespace

void register_auth_pages(Host& app) {
  using http::Access;
  using http::ApiError;
  using http::Request;
  using http::Response;
  auto& r = app.router();
  r.add("GET", "/login",
        [&app](Request& req) {
          if (req.ctx->principal) return Response::redirect(req, "/");
          return login_form(app, req, 200, "", "", safe_next(req.query("next").value_or("/")));
        },
        {.access = Access::public_, .api = false, .summary = "Login page"});
  r.add("POST", "/login",
        [&app](Request& req) {
          auto f = req.form();
          const auto& lang = req.ctx->lang;
          std::string next = safe_next(f["next"]);
          std::optional<auth::Principal> p;
          try {
            p = app.auth().authenticate(f["login"], f["password"], req.remote_ip, lang);
          } catch (const ApiError& raw) {
            const auto e = i18n::worded(raw, req.ctx->lang);
            auto resp = login_form(app, req, http::status_of(e.kind), f["login"], e.title + ". " + e.detail, next);
            for (auto& [k, v] : e.headers) resp.set(k, v);
            return resp;
          }
          if (!p) return login_form(app, req, 401, f["login"], i18n::t(lang, "login.wrong"), next);
          auto s = app.auth().start_session(*p);
          auto resp = Response::redirect(req, next);
          resp.set("Set-Cookie", app.cookie("sdelka_session", s.token, -1));
          resp.set("Set-Cookie", app.cookie("sdelka_precsrf", "", 0));
          return resp;
        },
        {.access = Access::public_, .api = false, .body_limit = 16 * 1024, .summary = "Log in"});
  r.add("POST", "/logout",
        [&app](Request& req) {
          app.auth().end_session(req.ctx->session_token, *req.ctx->principal);
          auto resp = Response::redirect(req, "/login");
          resp.set("Set-Cookie", app.cookie("sdelka_session", "", 0));
          set_flash(resp, "ok", i18n::t(req.ctx->lang, "flash.logged_out"));
          return resp;
        },
        {.api = false, .summary = "Log out"});
}

}  // namespace sdelka::auth
