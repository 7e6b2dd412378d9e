// JSON routes of authentication: API tokens and the current user.
#include <nlohmann/json.hpp>

#include "http/json_body.hpp"
#include "i18n/i18n.hpp"
#include "auth/routes.hpp"
#include "web/host.hpp"
#include "web/context.hpp"

namespace sdelka::auth {

using namespace sdelka::web;

nlohmann::json principal_json(const auth::Principal& p) {
  nlohmann::json roles = nlohmann::json::array();
  for (auto r : p.roles) roles.push_back(auth::role_code(r));
  return {{"id", p.user_id},
          {"login", p.login},
          {"full_name", p.full_name},
          {"roles", roles},
          {"department", p.department_name.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.department_name)},
          {"department_id", p.department_id ? nlohmann::json(*p.department_id) : nlohmann::json(nullptr)},
          {"lang", p.lang}};
}

void register_auth_api(Host& app) {
  using http::Access;
  using http::ApiError;
  using http::Request;
  using http::Response;
  auto& r = app.router();
  r.add("POST", "/api/v1/auth/token",
        [&app](Request& req) {
          const auto& lang = req.ctx->lang;
          http::JsonBody body(req, lang, {"login", "password", "name"});
          auto login = body.str("login", true, 64);
          auto password = body.str("password", true, 1024);
          auto name = body.str("name", false, 200);
          body.finish();
          auto p = app.auth().authenticate(*login, *password, req.remote_ip, lang);
          if (!p) {
            ApiError e{core::ErrorKind::unauthorized, i18n::t(lang, "err.unauthorized"), i18n::t(lang, "login.wrong")};
            e.headers.emplace_back("WWW-Authenticate", "Bearer");
            throw e;
          }
          auto token = app.auth().issue_token(*p, name.value_or("api"));
          return Response::json(200, {{"token", token}, {"token_type", "Bearer"}, {"user", principal_json(*p)}});
        },
        {.access = Access::public_, .api = true, .body_limit = 16 * 1024, .csrf = false,
         .summary = "Exchange login and password for an API token"});
  r.add("DELETE", "/api/v1/auth/token",
        [&app](Request& req) {
          auto authz = req.header("authorization");
          if (authz && authz->rfind("Bearer ", 0) == 0)
            app.auth().revoke_token(std::string(authz->substr(7)), *req.ctx->principal);
          return Response::no_content();
        },
        {.summary = "Revoke the Bearer token of this request"});
  r.add("GET", "/api/v1/me", [](Request& req) { return Response::json(200, principal_json(*req.ctx->principal)); },
        {.summary = "The current user"});
}

}  // namespace sdelka::auth
