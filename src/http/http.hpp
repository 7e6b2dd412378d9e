#pragma once
// Sdelka's own HTTP vocabulary. Handlers see only these types; RESTinio stays inside server.cpp.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace sdelka::http {

// Percent-decoding of a URL component ('+' as space when form is true). Invalid escapes stay.
std::string url_decode(std::string_view s, bool form);
// Percent-encoding of a URL component.
std::string url_encode(std::string_view s);
// Parses "a=1&b=2" into an ordered multimap (decoded).
std::vector<std::pair<std::string, std::string>> parse_form(std::string_view s);
// HTML-escaped text (for the few places that write HTML outside templates).
std::string html_escape(std::string_view s);

struct Principal;  // defined by auth; opaque here
struct RequestContext;  // per-request state owned by the application layer

struct Request {
  std::string method;        // "GET", "POST", …
  std::string path;          // decoded path without the query
  std::string query_string;  // raw, without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_ip;
  std::map<std::string, std::string> params;  // route parameters ("{id}")
  std::string route;  // the matched route pattern, e.g. "GET /api/v1/users/{id}"
  std::shared_ptr<RequestContext> ctx;  // filled by the application middleware

  // The first header with this (lower-case) name.
  std::optional<std::string_view> header(std::string_view lower_name) const;
  // The first query parameter with this name, decoded, or nullopt.
  std::optional<std::string> query(std::string_view key) const;
  // All query parameters, decoded.
  std::vector<std::pair<std::string, std::string>> query_all() const;
  // A cookie value, or nullopt.
  std::optional<std::string> cookie(std::string_view name) const;
  // The body as an urlencoded form (first value per name).
  std::map<std::string, std::string> form() const;
  // True when the client prefers HTML (browser navigation / htmx), false for API clients.
  bool is_htmx() const { return header("hx-request").has_value(); }
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  Response& set(std::string name, std::string value);
  std::optional<std::string_view> header(std::string_view name) const;

  static Response json(int status, const nlohmann::json& j);
  static Response html(int status, std::string body);
  static Response text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  // 303 See Other to `location` (after a POST), or an HX-Redirect for htmx requests.
  static Response redirect(const Request& req, std::string location);
  static Response no_content();
};

// One field error of a problem+json document.
struct FieldError {
  std::string field;    // JSON field name or form input name
  std::string message;  // human-readable, in the request's language
  std::string code;     // stable machine code, e.g. "required", "type", "unknown_field"
};

// An error a handler throws to answer with RFC 9457 application/problem+json (or, for pages,
// with the page's own rendering). Status is a 4xx/5xx code.
struct ApiError {
  int status;
  std::string title;
  std::string detail;
  std::vector<FieldError> fields;
  std::string type = "about:blank";
  std::vector<std::pair<std::string, std::string>> headers = {};  // e.g. Retry-After
  std::shared_ptr<nlohmann::json> extra = nullptr;  // extra members (e.g. "candidates")
};

// The problem+json response for an error.
Response problem(const ApiError& e, std::string_view instance = {});

}  // namespace sdelka::http
