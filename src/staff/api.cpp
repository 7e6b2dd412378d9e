// JSON routes of staff: users, departments, job descriptions.
#include <nlohmann/json.hpp>

#include "auth/crypto.hpp"
#include "http/json_body.hpp"
#include "staff/routes.hpp"
#include "staff/service.hpp"
#include "web/host.hpp"
#include "web/context.hpp"

namespace sdelka::staff {

using namespace sdelka::web;

namespace {
using http::Request;
using http::Response;
using nlohmann::json;


staff::UserInput user_input(http::JsonBody& b, bool create) {
  staff::UserInput in;
  in.login = b.str("login", create, 64);
  in.full_name = b.str("full_name", false, 200);
  in.email = b.str("email", false, 200);
  in.password = b.str("password", create, 1024);
  in.department = b.str("department", false, 200);
  in.lang = b.str("lang", false, 2);
  in.roles = b.str_list("roles", create);
  in.disabled = b.boolean("disabled");
  in.current_password = b.str("current_password", false, 1024);
  b.finish();
  return in;
}

// The token_hash of the credential this request came with (kept when it changes the password).
std::string current_credential(const Request& req) {
  if (req.ctx->via_bearer) {
    if (auto a = req.header("authorization"); a && a->size() > 7) return auth::token_hash(std::string(a->substr(7)));
    return "";
  }
  return req.ctx->session_token.empty() ? "" : auth::token_hash(req.ctx->session_token);
}

staff::JobInput job_input(http::JsonBody& b, bool create) {
  staff::JobInput in;
  in.title = b.str("title", create, 300);
  in.role = b.str("role", false, 40);
  in.body = b.str("body", false, 200000);
  in.confidential = b.boolean("confidential");
  in.department_id = b.integer("department_id");
  b.finish();
  return in;
}
}  // namespace

void register_staff_api(Host& app, StaffService& s) {
  auto& r = app.router();
  const std::vector<std::string_view> user_fields = {"login", "full_name", "email", "password", "department", "lang", "roles", "disabled", "current_password"};
  const std::vector<std::string_view> job_fields = {"title", "role", "body", "confidential", "department_id"};

  r.add("GET", "/api/v1/users",
        [&s](Request& req) {
          auto pp = page_params(req);
          return Response::json(200, page_json(s.list_users(principal(req), pp.after, pp.limit)));
        },
        {.summary = "List users (keyset)"});
  r.add("POST", "/api/v1/users",
        [&s, user_fields](Request& req) {
          http::JsonBody b(req, req.ctx->lang, user_fields);
          auto in = user_input(b, true);
          auto u = s.create_user(principal(req), in);
          auto resp = with_etag(201, u);
          resp.set("Location", "/api/v1/users/" + std::to_string(u["id"].get<std::int64_t>()));
          return resp;
        },
        {.summary = "Create a user"});
  r.add("GET", "/api/v1/users/{id}",
        [&s](Request& req) { return with_etag(200, s.get_user(principal(req), id_param(req))); },
        {.summary = "Read a user"});
  r.add("PATCH", "/api/v1/users/{id}",
        [&s, user_fields](Request& req) {
          http::JsonBody b(req, req.ctx->lang, user_fields);
          auto in = user_input(b, false);
          in.keep_credential = current_credential(req);
          return with_etag(200, s.update_user(principal(req), id_param(req), in, if_match(req)));
        },
        {.summary = "Update a user (roles, department, profile); If-Match for optimistic concurrency"});

  r.add("GET", "/api/v1/departments",
        [&s](Request& req) { return Response::json(200, {{"items", s.list_departments(principal(req))}, {"next", nullptr}}); },
        {.summary = "List departments"});
  r.add("POST", "/api/v1/departments",
        [&s](Request& req) {
          http::JsonBody b(req, req.ctx->lang, {"name"});
          auto name = b.str("name", true, 200);
          b.finish();
          return with_etag(201, s.create_department(principal(req), *name));
        },
        {.summary = "Create a department"});

  r.add("GET", "/api/v1/job-descriptions",
        [&s](Request& req) {
          auto pp = page_params(req);
          return Response::json(200, page_json(s.list_jobs(principal(req), pp.after, pp.limit)));
        },
        {.summary = "List job descriptions (keyset; confidential ones only for their readers)"});
  r.add("POST", "/api/v1/job-descriptions",
        [&s, job_fields](Request& req) {
          http::JsonBody b(req, req.ctx->lang, job_fields);
          auto in = job_input(b, true);
          auto j = s.create_job(principal(req), in);
          auto resp = with_etag(201, j);
          resp.set("Location", "/api/v1/job-descriptions/" + std::to_string(j["id"].get<std::int64_t>()));
          return resp;
        },
        {.summary = "Create a job description"});
  r.add("GET", "/api/v1/job-descriptions/{id}",
        [&s](Request& req) { return with_etag(200, s.get_job(principal(req), id_param(req))); },
        {.summary = "Read a job description (confidential reads are audited)"});
  r.add("PATCH", "/api/v1/job-descriptions/{id}",
        [&s, job_fields](Request& req) {
          http::JsonBody b(req, req.ctx->lang, job_fields);
          auto in = job_input(b, false);
          return with_etag(200, s.update_job(principal(req), id_param(req), in, if_match(req)));
        },
        {.summary = "Update a job description (new version); If-Match for optimistic concurrency"});
  r.add("POST", "/api/v1/job-descriptions/{id}/acknowledgements",
        [&s](Request& req) { return Response::json(201, s.acknowledge_job(principal(req), id_param(req))); },
        {.summary = "Sign the current version (acknowledgement log)"});
  r.add("GET", "/api/v1/job-descriptions/{id}/acknowledgements",
        [&s](Request& req) {
          return Response::json(200, {{"items", s.job_acknowledgements(principal(req), id_param(req))}, {"next", nullptr}});
        },
        {.summary = "The acknowledgement log of a job description"});
  r.add("PUT", "/api/v1/job-descriptions/{id}/access-list",
        [&s](Request& req) {
          http::JsonBody b(req, req.ctx->lang, {"logins"});
          auto logins = b.str_list("logins", true);
          b.finish();
          return Response::json(200, s.set_job_acl(principal(req), id_param(req), *logins));
        },
        {.summary = "Replace the access list of a confidential job description"});
}

}  // namespace sdelka::staff
