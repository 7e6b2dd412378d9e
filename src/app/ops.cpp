// Operations routes: health, metrics, the OpenAPI document, static assets.
#include <nlohmann/json.hpp>

#include "core/embedded.hpp"
#include "i18n/i18n.hpp"
#include "store/database.hpp"
#include "app/web_app.hpp"
#include "web/context.hpp"
#include "web/render.hpp"

namespace sdelka {
const std::vector<core::EmbeddedFile>& openapi_files();
}

namespace sdelka::web {

const std::string& openapi_document() {
  static const std::string doc(openapi_files().at(0).data);
  return doc;
}

void register_ops(App& app) {
  using http::Access;
  using http::Request;
  using http::Response;
  auto& r = app.router();
  r.add("GET", "/healthz",
        [&app](Request&) {
          bool ok = app.db().ping();
          auto resp = Response::json(ok ? 200 : 503, {{"status", ok ? "ok" : "unavailable"}, {"db", ok ? "ok" : "unreachable"}});
          return resp;
        },
        {.access = Access::public_, .api = true, .summary = "Health: the database answers"});
  r.add("GET", "/metrics",
        [&app](Request&) {
          return Response::text(200, app.metrics_text(), "text/plain; version=0.0.4; charset=utf-8");
        },
        {.access = Access::metrics, .api = true,
         .summary = "Prometheus metrics (Bearer [server] metrics_token, or a signed-in administrator)"});
  r.add("GET", "/api/v1/openapi.json",
        [](Request&) {
          auto resp = Response::text(200, openapi_document(), "application/json");
          resp.set("Cache-Control", "public, max-age=300");
          return resp;
        },
        {.access = Access::public_, .api = true, .summary = "This API's OpenAPI 3.1 document"});
  r.add("GET", "/static/{file}", [](Request& req) { return serve_asset(req); },
        {.access = Access::public_, .api = false, .summary = "Embedded static files"});
}

}  // namespace sdelka::web
