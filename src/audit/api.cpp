// JSON route of the audit log.
#include <charconv>

#include "audit/audit.hpp"
#include "i18n/i18n.hpp"
#include "audit/routes.hpp"
#include "web/host.hpp"
#include "web/context.hpp"

namespace sdelka::audit {

using namespace sdelka::web;

audit::Filter audit_filter(const http::Request& req) {
  audit::Filter f;
  auto pp = page_params(req, 50, 500);
  f.limit = pp.limit;
  f.after = pp.after;
  if (auto u = req.query("user"); u && !u->empty()) {
    std::int64_t id = 0;
    auto [p, ec] = std::from_chars(u->data(), u->data() + u->size(), id);
    if (ec == std::errc() && p == u->data() + u->size()) f.user_id = id;
    else f.login = *u;
  }
  f.object_type = req.query("object_type").value_or("");
  f.object_id = req.query("object_id").value_or("");
  f.from = req.query("from").value_or("");
  f.to = req.query("to").value_or("");
  return f;
}

void register_audit_api(Host& app) {
  app.router().add("GET", "/api/v1/audit",
                   [&app](http::Request& req) {
                     auto page = audit::list(app.db(), principal(req), audit_filter(req));
                     nlohmann::json items = nlohmann::json::array();
                     for (auto& e : page.items) items.push_back(e.to_json());
                     return http::Response::json(
                         200, {{"items", items}, {"next", page.next ? nlohmann::json(std::to_string(*page.next)) : nlohmann::json(nullptr)}});
                   },
                   {.summary = "The audit log, newest first (filters: user, object_type, object_id, from, to)"});
}

}  // namespace sdelka::audit
