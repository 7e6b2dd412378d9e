// HTML routes of staff: the home page, user administration, job descriptions.
#include <charconv>

#include "auth/crypto.hpp"
#include "auth/policy.hpp"
#include "i18n/i18n.hpp"
#include "staff/routes.hpp"
#include "staff/service.hpp"
#include "web/host.hpp"
#include "web/context.hpp"
#include "web/render.hpp"

namespace sdelka::staff {

using namespace sdelka::web;

namespace {
using http::ApiError;
using http::Request;
using http::Response;
using nlohmann::json;

mstch::array role_options(const std::string& lang, const json& selected) {
  mstch::array out;
  for (auto r : auth::kAllRoles) {
    std::string code(auth::role_code(r));
    bool on = false;
    for (auto& s : selected) on = on || s.get<std::string>() == code;
    out.push_back(mstch::map{{"code", code}, {"label", i18n::t(lang, "role." + code)}, {"checked", on}});
  }
  return out;
}

mstch::map user_view(const std::string& lang, const json& u) {
  std::string roles;
  for (auto& r : u["roles"]) {
    if (!roles.empty()) roles += ", ";
    roles += i18n::t(lang, "role." + r.get<std::string>());
  }
  return mstch::map{{"id", std::to_string(u["id"].get<std::int64_t>())},
                    {"login", u["login"].get<std::string>()},
                    {"full_name", u["full_name"].get<std::string>()},
                    {"email", u["email"].get<std::string>()},
                    {"department", u["department"].get<std::string>()},
                    {"roles", roles},
                    {"disabled", u["disabled"].get<bool>()},
                    {"version", std::to_string(u["version"].get<std::int64_t>())}};
}

std::vector<std::string> checked_roles(const Request& req) {
  std::vector<std::string> roles;
  for (auto& [k, v] : http::parse_form(req.body))
    if (k == "roles") roles.push_back(v);
  return roles;
}

mstch::map user_form_data(StaffService& staff, Request& req, const json& u, bool is_new) {
  mstch::array depts;
  for (auto& d : staff.list_departments(principal(req))) {
    auto name = d["name"].get<std::string>();
    depts.push_back(mstch::map{{"name", name}, {"selected", u.value("department", "") == name}});
  }
  mstch::map d = user_view(req.ctx->lang, u);
  d.emplace("is_new", is_new);
  d.emplace("self", !is_new && u.value("id", std::int64_t{0}) == principal(req).user_id);
  d.emplace("role_options", role_options(req.ctx->lang, u.value("roles", json::array())));
  d.emplace("departments", depts);
  return d;
}

std::optional<std::int64_t> opt_int(const std::string& s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}
}  // namespace

void register_staff_pages(Host& app, StaffService& staff) {
  auto& r = app.router();
  // The language switch; a signed-in user's choice is kept as their preference.
  r.add("POST", "/lang",
        [&app, &staff](Request& req) {
          auto f = req.form();
          std::string lang(i18n::normalize(f["lang"]));
          std::string back = http::safe_local_path(f["back"]).value_or("/");
          auto resp = Response::redirect(req, back);
          resp.set("Set-Cookie", app.cookie("lang", lang, 365 * 24 * 3600));
          if (req.ctx->principal) {
            UserInput in;
            in.lang = lang;
            staff.update_user(*req.ctx->principal, req.ctx->principal->user_id, in, std::nullopt);
          }
          return resp;
        },
        {.access = http::Access::public_, .api = false, .summary = "Switch the interface language"});
  r.add("GET", "/",
        [](Request& req) {
          return page(req, 200, "home", mstch::map{}, "home.title");
        },
        {.api = false, .summary = "Home"});

  r.add("GET", "/admin/users",
        [&staff](Request& req) {
          auth::require_scope(principal(req), auth::Action::manage, "user", auth::Scope::all);
          auto pp = page_params(req, 50, 200);
          auto pg = staff.list_users(principal(req), pp.after, pp.limit);
          mstch::array rows;
          for (auto& u : pg.items) rows.push_back(user_view(req.ctx->lang, u));
          mstch::map d{{"users", rows}};
          if (pg.next) d.emplace("next", std::to_string(*pg.next));
          return page(req, 200, "users", d, "users.title");
        },
        {.api = false, .summary = "User administration"});
  r.add("GET", "/admin/users/new",
        [&staff](Request& req) {
          auth::require_scope(principal(req), auth::Action::manage, "user", auth::Scope::all);
          json u = {{"id", 0}, {"login", ""}, {"full_name", ""}, {"email", ""}, {"department", ""},
                    {"roles", json::array()}, {"disabled", false}, {"version", 0}};
          return page(req, 200, "user_form", user_form_data(staff, req, u, true), "users.new");
        },
        {.api = false, .summary = "New user form"});
  r.add("POST", "/admin/users",
        [&staff](Request& req) {
          auto f = req.form();
          staff::UserInput in;
          in.login = f["login"];
          in.full_name = f["full_name"];
          in.email = f["email"];
          in.password = f["password"];
          in.department = f["department"];
          in.roles = checked_roles(req);
          try {
            auto u = staff.create_user(principal(req), in);
            auto resp = Response::redirect(req, "/admin/users");
            set_flash(resp, "ok", i18n::t(req.ctx->lang, "flash.saved"));
            return resp;
          } catch (const ApiError& raw) {
            const auto e = i18n::worded(raw, req.ctx->lang);
            if (e.kind != core::ErrorKind::invalid && e.kind != core::ErrorKind::conflict) throw;
            json u = {{"id", 0}, {"login", f["login"]}, {"full_name", f["full_name"]}, {"email", f["email"]},
                      {"department", f["department"]}, {"roles", checked_roles(req)}, {"disabled", false}, {"version", 0}};
            auto d = user_form_data(staff, req, u, true);
            d.emplace("err", field_errors(e));
            d.emplace("form_error", e.title);
            return page(req, 422, "user_form", d, "users.new");
          }
        },
        {.api = false, .summary = "Create a user"});
  r.add("GET", "/admin/users/{id}",
        [&staff](Request& req) {
          auth::require_scope(principal(req), auth::Action::manage, "user", auth::Scope::all);
          auto u = staff.get_user(principal(req), id_param(req));
          return page(req, 200, "user_form", user_form_data(staff, req, u, false), "users.edit");
        },
        {.api = false, .summary = "Edit a user"});
  r.add("POST", "/admin/users/{id}",
        [&staff](Request& req) {
          auto f = req.form();
          const auto id = id_param(req);
          staff::UserInput in;
          in.full_name = f["full_name"];
          in.email = f["email"];
          if (!f["password"].empty()) in.password = f["password"];
          if (!f["current_password"].empty()) in.current_password = f["current_password"];
          if (!req.ctx->session_token.empty()) in.keep_credential = auth::token_hash(req.ctx->session_token);
          in.department = f["department"];
          in.roles = checked_roles(req);
          in.disabled = f.count("disabled") > 0;
          try {
            staff.update_user(principal(req), id, in, opt_int(f["version"]));
            auto resp = Response::redirect(req, "/admin/users");
            set_flash(resp, "ok", i18n::t(req.ctx->lang, "flash.saved"));
            return resp;
          } catch (const ApiError& raw) {
            const auto e = i18n::worded(raw, req.ctx->lang);
            if (e.kind != core::ErrorKind::invalid && e.kind != core::ErrorKind::precondition_failed) throw;
            auto u = staff.get_user(principal(req), id);
            u["full_name"] = f["full_name"];
            u["email"] = f["email"];
            u["roles"] = checked_roles(req);
            auto d = user_form_data(staff, req, u, false);
            d.emplace("err", field_errors(e));
            d.emplace("form_error", e.kind == core::ErrorKind::precondition_failed ? e.detail : e.title);
            return page(req, http::status_of(e.kind), "user_form", d, "users.edit");
          }
        },
        {.api = false, .summary = "Save a user"});

  r.add("GET", "/jobs",
        [&staff](Request& req) {
          auto pp = page_params(req, 50, 200);
          auto pg = staff.list_jobs(principal(req), pp.after, pp.limit);
          mstch::array rows;
          for (auto& j : pg.items)
            rows.push_back(mstch::map{{"id", std::to_string(j["id"].get<std::int64_t>())},
                                      {"title", j["title"].get<std::string>()},
                                      {"role", j["role"].get<std::string>().empty() ? std::string()
                                                   : i18n::t(req.ctx->lang, "role." + j["role"].get<std::string>())},
                                      {"confidential", j["confidential"].get<bool>()},
                                      {"version", std::to_string(j["version"].get<std::int64_t>())}});
          mstch::map d{{"jobs", rows},
                       {"can_create", auth::scope_for(principal(req), auth::Action::create, "job_description") >=
                                          auth::Scope::department}};
          if (pg.next) d.emplace("next", std::to_string(*pg.next));
          return page(req, 200, "jobs", d, "jobs.title");
        },
        {.api = false, .summary = "Job descriptions"});
  r.add("POST", "/jobs",
        [&staff](Request& req) {
          auto f = req.form();
          staff::JobInput in;
          in.title = f["title"];
          in.body = f["body"];
          in.role = f["role"];
          in.confidential = f.count("confidential") > 0;
          try {
            auto j = staff.create_job(principal(req), in);
            return Response::redirect(req, "/jobs/" + std::to_string(j["id"].get<std::int64_t>()));
          } catch (const ApiError& raw) {
            const auto e = i18n::worded(raw, req.ctx->lang);
            if (e.kind != core::ErrorKind::invalid) throw;
            auto resp = Response::redirect(req, "/jobs");
            set_flash(resp, "error", e.fields.empty() ? e.title : e.fields[0].message);
            return resp;
          }
        },
        {.api = false, .summary = "Create a job description"});
  r.add("GET", "/jobs/{id}",
        [&staff](Request& req) {
          auto id = id_param(req);
          auto j = staff.get_job(principal(req), id);
          auto acks = staff.job_acknowledgements(principal(req), id);
          mstch::array rows;
          bool signed_current = false;
          for (auto& a : acks) {
            bool current = a["version"] == j["version"];
            if (current && a["user_id"].get<std::int64_t>() == principal(req).user_id) signed_current = true;
            rows.push_back(mstch::map{{"login", a["login"].get<std::string>()},
                                      {"full_name", a["full_name"].get<std::string>()},
                                      {"version", std::to_string(a["version"].get<std::int64_t>())},
                                      {"at", a["at"].get<std::string>()}});
          }
          mstch::map d{{"id", std::to_string(id)},
                       {"title", j["title"].get<std::string>()},
                       {"body", j["body"].get<std::string>()},
                       {"confidential", j["confidential"].get<bool>()},
                       {"version", std::to_string(j["version"].get<std::int64_t>())},
                       {"acks", rows},
                       {"signed", signed_current}};
          return page(req, 200, "job", d, "jobs.title");
        },
        {.api = false, .summary = "A job description and its acknowledgement log"});
  r.add("POST", "/jobs/{id}/acknowledge",
        [&staff](Request& req) {
          auto id = id_param(req);
          staff.acknowledge_job(principal(req), id);
          auto resp = Response::redirect(req, "/jobs/" + std::to_string(id));
          set_flash(resp, "ok", i18n::t(req.ctx->lang, "flash.acknowledged"));
          return resp;
        },
        {.api = false, .summary = "Sign a job description"});
}

}  // namespace sdelka::staff
