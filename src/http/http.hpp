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

#include "core/error.hpp"

namespace sdelka::http {

// Percent-decoding of a URL component ('+' as space when form is true). Invalid escapes stay.
std::string url_decode(std::string_view s, bool form);
// Percent-encoding of a URL component.
std::string url_encode(std::string_view s);
// Parses "a=1&b=2" into an ordered multimap (decoded).
std::vector<std::pair<std::string, std::string>> parse_form(std::string_view s);
// A same-origin path to redirect to (`next` after login, `back` after a language switch), or
// nullopt. Accepted: "/" followed by printable ASCII with no backslash, that is not "//…" — both as
// given and after percent-decoding (so "/%2F/evil.example" and "/\t/evil" are refused); no control
// characters (CR, LF, TAB, NUL…), no scheme, no host. Callers fall back to "/".
std::optional<std::string> safe_local_path(std::string_view s);
// True when `v` may be sent as a header value: no CR, LF or NUL (and no other control character
// but TAB). `name` must be a token (RFC 9110). The server refuses to send anything else.
bool header_value_ok(std::string_view v);
bool header_name_ok(std::string_view name);
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

// Errors: the domain error type of core (a handler may throw it too). status_of is the one
// mapping from its kind to an HTTP status.
using FieldError = core::FieldError;
using ApiError = core::DomainError;
using core::ErrorKind;
int status_of(core::ErrorKind kind);

// The problem+json response for an error.
Response problem(const ApiError& e, std::string_view instance = {});

}  // namespace sdelka::http
