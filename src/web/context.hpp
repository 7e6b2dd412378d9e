#pragma once
// Per-request state the pipeline fills before a handler runs.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "auth/model.hpp"
#include "http/http.hpp"

namespace sdelka::http {
struct RequestContext {
  std::optional<auth::Principal> principal;
  std::string lang = "ru";
  std::string csrf;           // the session's CSRF token (or the pre-login one)
  std::string session_token;  // the raw cookie token, when logged in by cookie
  bool via_bearer = false;
  std::string flash;          // flash message text for this page (already translated)
  std::string flash_kind;     // "ok" or "error"
};
}  // namespace sdelka::http

namespace sdelka::web {
using http::RequestContext;

inline RequestContext& ctx(http::Request& r) { return *r.ctx; }
inline const auth::Principal& principal(http::Request& r) { return *r.ctx->principal; }

// Parses an If-Match header holding a version ("3", W/"3", "\"3\""). nullopt when absent.
// Throws ApiError 400 for a malformed value.
std::optional<std::int64_t> if_match(const http::Request& r);
// Keyset pagination parameters: ?limit= (1..max, default def) and ?after= (integer).
// Throws ApiError 422 naming the parameter.
struct PageParams {
  int limit;
  std::optional<std::int64_t> after;
};
PageParams page_params(const http::Request& r, int def = 50, int max = 500);
// A path parameter that must be a positive integer; 404 otherwise.
std::int64_t id_param(const http::Request& r, const std::string& name = "id");
// A JSON response for a versioned record with its ETag ("<version>").
http::Response with_etag(int status, const nlohmann::json& record);
// {"items": […], "next": "<cursor>" | null} of a keyset page (any page type with items/next).
// Takes the page by value and moves its items: a page of records is not copied again.
template <class Page>
nlohmann::json page_json(Page p) {
  nlohmann::json out = nlohmann::json::object();
  out["items"] = nlohmann::json(std::move(p.items));
  out["next"] = p.next ? nlohmann::json(std::to_string(*p.next)) : nlohmann::json(nullptr);
  return out;
}
}  // namespace sdelka::web
