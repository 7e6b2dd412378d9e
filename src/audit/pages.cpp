// HTML route of the audit log: filters and a keyset-paginated table.
#include "audit/audit.hpp"
#include "http/http.hpp"
#include "i18n/i18n.hpp"
#include "audit/routes.hpp"
#include "web/host.hpp"
#include "web/context.hpp"
#include "web/render.hpp"

namespace sdelka::audit {

using namespace sdelka::web;

audit::Filter audit_filter(const http::Request& req);

void register_audit_pages(Host& app) {
  app.router().add("GET", "/audit",
                   [&app](http::Request& req) {
                     mstch::map d;
                     auto f = audit_filter(req);
                     d.emplace("f_user", req.query("user").value_or(""));
                     d.emplace("f_object_type", f.object_type);
                     d.emplace("f_object_id", f.object_id);
                     d.emplace("f_from", f.from);
                     d.emplace("f_to", f.to);
                     try {
                       auto pg = audit::list(app.db(), principal(req), f);
                       mstch::array rows;
                       for (auto& e : pg.items)
                         rows.push_back(mstch::map{{"id", std::to_string(e.id)},
                                                   {"at", e.at.substr(0, 19)},
                                                   {"login", e.login},
                                                   {"action", e.action},
                                                   {"object", e.object_type + (e.object_id.empty() ? "" : " #" + e.object_id)},
                                                   {"changes", e.changes.dump()},
                                                   {"ip", e.ip}});
                       d.emplace("entries", rows);
                       if (pg.next) {
                         std::string qs;
                         for (auto& [k, v] : req.query_all())
                           if (k != "after") qs += http::url_encode(k) + "=" + http::url_encode(v) + "&";
                         d.emplace("next_query", qs + "after=" + std::to_string(*pg.next));
                       }
                     } catch (const http::ApiError& raw) {
                       const auto e = i18n::worded(raw, req.ctx->lang);
                       if (e.kind != core::ErrorKind::invalid) throw;
                       d.emplace("err", field_errors(e));
                     }
                     return page(req, 200, "audit", d, "audit.title");
                   },
                   {.api = false, .summary = "The audit log"});
}

}  // namespace sdelka::audit
