#include <algorithm>
#include <atomic>
#include "web/render.hpp"

#include <nlohmann/json.hpp>

#include "auth/policy.hpp"
#include "core/embedded.hpp"
#include "i18n/i18n.hpp"
#include "web/context.hpp"

namespace sdelka {
const std::vector<core::EmbeddedFile>& template_files();
const std::vector<core::EmbeddedFile>& asset_files();
}  // namespace sdelka

namespace sdelka::web {

namespace {
std::atomic<bool> g_cookies_secure{false};
std::string cookie_tail() { return g_cookies_secure.load() ? "; HttpOnly; SameSite=Lax; Secure" : "; HttpOnly; SameSite=Lax"; }
}  // namespace


namespace {

struct Templates {
  std::map<std::string, std::string> partials;  // name (without extension) → text
};

const Templates& templates() {
  static const Templates t = [] {
    Templates out;
    for (const auto& f : template_files()) {
      std::string name(f.path);
      auto dot = name.rfind(".mustache");
      if (dot != std::string::npos) name.resize(dot);
      out.partials.emplace(name, std::string(f.data));
    }
    return out;
  }();
  return t;
}

// The catalogue as a mustache map; dots in keys become underscores ({{t.nav_users}}).
const mstch::map& catalogue_map(const std::string& lang) {
  static const auto build = [](std::string_view l) {
    mstch::map m;
    for (auto& [k, v] : i18n::catalogue(l).items()) {
      std::string key = k;
      for (auto& c : key)
        if (c == '.') c = '_';
      m.emplace(key, v.get<std::string>());
    }
    return m;
  };
  static const mstch::map ru = build("ru");
  static const mstch::map en = build("en");
  return lang == "en" ? en : ru;
}

struct Asset {
  std::string name;    // app.css
  std::string hashed;  // app.3f2a9c1b.css
  std::string_view data;
  std::string sha;
  std::string type;
};

std::string content_type(const std::string& name) {
  auto ext = name.substr(name.rfind('.') + 1);
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "js") return "text/javascript; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "ico") return "image/x-icon";
  if (ext == "woff2") return "font/woff2";
  return "application/octet-stream";
}

const std::vector<Asset>& assets() {
  static const std::vector<Asset> list = [] {
    std::vector<Asset> out;
    for (const auto& f : asset_files()) {
      std::string path(f.path);
      std::string name = path.substr(path.rfind('/') + 1);
      auto dot = name.rfind('.');
      std::string hashed = name.substr(0, dot) + "." + std::string(f.sha256.substr(0, 10)) + name.substr(dot);
      out.push_back({name, hashed, f.data, std::string(f.sha256), content_type(name)});
    }
    return out;
  }();
  return list;
}

// The navigation: home, then what the contexts registered (web::Host::add_nav), by order.
std::vector<NavEntry>& nav_entries() {
  static std::vector<NavEntry> entries = {{"/", "nav.home", auth::Action::read, "user", auth::Scope::own, 0}};
  return entries;
}

mstch::array nav_for(const auth::Principal& p, const std::string& path, const std::string& lang) {
  mstch::array out;
  for (const auto& it : nav_entries()) {
    if (auth::scope_for(p, it.action, it.type) < it.min) continue;
    bool current = it.href == path || (it.href != "/" && path.rfind(it.href, 0) == 0);
    out.push_back(mstch::map{{"href", it.href}, {"label", i18n::t(lang, it.label_key)}, {"current", current}});
  }
  return out;
}

mstch::map base_context(http::Request& req) {
  auto& c = ctx(req);
  mstch::map m;
  m.emplace("t", catalogue_map(c.lang));
  m.emplace("lang", c.lang);
  m.emplace("lang_en", c.lang == "en");
  m.emplace("csrf", c.csrf);
  m.emplace("path", req.path);
  m.emplace("assets", mstch::map{{"css", asset_url("app.css")},
                                 {"js", asset_url("app.js")},
                                 {"htmx", asset_url("htmx")}});
  if (c.principal) {
    const auto& p = *c.principal;
    mstch::array roles;
    for (auto r : p.roles) roles.push_back(i18n::t(c.lang, "role." + std::string(auth::role_code(r))));
    m.emplace("user", mstch::map{{"login", p.login},
                                 {"name", p.full_name.empty() ? p.login : p.full_name},
                                 {"department", p.department_name},
                                 {"roles", roles}});
    m.emplace("nav", nav_for(p, req.path, c.lang));
  }
  if (!c.flash.empty()) m.emplace("flash", mstch::map{{"text", c.flash}, {"error", c.flash_kind == "error"}});
  return m;
}

}  // namespace

void add_nav_entry(NavEntry entry) {
  auto& e = nav_entries();
  auto same = std::find_if(e.begin(), e.end(), [&](const NavEntry& x) { return x.href == entry.href; });
  if (same != e.end()) *same = std::move(entry);
  else e.push_back(std::move(entry));
  std::stable_sort(e.begin(), e.end(), [](const NavEntry& a, const NavEntry& b) { return a.order < b.order; });
}

std::string fragment(http::Request& req, const std::string& name, mstch::map data) {
  const auto& t = templates();
  auto it = t.partials.find(name);
  if (it == t.partials.end()) throw std::runtime_error("no template " + name);
  mstch::map m = base_context(req);
  for (auto& [k, v] : data) m[k] = v;
  return mstch::render(it->second, m, t.partials);
}

http::Response page(http::Request& req, int status, const std::string& name, mstch::map data,
                    const std::string& title_key) {
  const auto& t = templates();
  auto& c = ctx(req);
  std::string content = fragment(req, name, std::move(data));
  mstch::map m = base_context(req);
  m.emplace("title", i18n::t(c.lang, title_key));
  m.emplace("content", content);
  auto r = http::Response::html(status, mstch::render(t.partials.at("layout"), m, t.partials));
  if (!c.flash.empty()) r.set("Set-Cookie", "sdelka_flash=; Path=/; Max-Age=0" + cookie_tail());
  return r;
}

http::Response error_page(http::Request& req, const http::ApiError& e) {
  const auto w = i18n::worded(e, ctx(req).lang);
  mstch::map d{{"status", std::to_string(http::status_of(w.kind))}, {"title", w.title}, {"detail", w.detail}};
  auto r = page(req, http::status_of(e.kind), "error", d, "error.title");
  for (const auto& [k, v] : e.headers) r.set(k, v);
  return r;
}

void set_cookies_secure(bool secure) { g_cookies_secure.store(secure); }

void set_flash(http::Response& r, const std::string& kind, const std::string& text) {
  r.set("Set-Cookie", "sdelka_flash=" + http::url_encode(kind + ":" + text) + "; Path=/; Max-Age=60" + cookie_tail());
}

mstch::map field_errors(const http::ApiError& e) {
  mstch::map m;
  for (const auto& f : e.fields) {
    m.emplace(f.field, f.message);
    // "phones[1].number" is also shown under "phones" (templates cannot index lists).
    auto cut = f.field.find_first_of("[.");
    if (cut != std::string::npos) m.emplace(f.field.substr(0, cut), f.message);
  }
  return m;
}

std::string asset_url(const std::string& name) {
  for (const auto& a : assets())
    if (a.name == name || a.name.rfind(name + "-", 0) == 0) return "/static/" + a.hashed;
  return "/static/missing-" + name;
}

http::Response serve_asset(const http::Request& req) {
  const std::string file = req.params.at("file");
  for (const auto& a : assets()) {
    if (a.hashed != file) continue;
    const std::string etag = "\"" + a.sha.substr(0, 16) + "\"";
    if (auto inm = req.header("if-none-match"); inm && *inm == etag) {
      http::Response r;
      r.status = 304;
      r.set("ETag", etag);
      r.set("Cache-Control", "public, max-age=31536000, immutable");
      return r;
    }
    auto r = http::Response::text(200, std::string(a.data), a.type);
    r.set("ETag", etag);
    r.set("Cache-Control", "public, max-age=31536000, immutable");
    return r;
  }
  auto r = http::Response::text(404, "not found\n");
  r.set("Cache-Control", "no-store");
  return r;
}

}  // namespace sdelka::web
