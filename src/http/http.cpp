#include "http/http.hpp"

#include "i18n/i18n.hpp"

#include <nlohmann/json.hpp>

namespace sdelka::http {

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(std::string_view s, bool form) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+' && form) {
      out += ' ';
    } else if (c == '%' && i + 2 < s.size() && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
      out += static_cast<char>(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_form(std::string_view s) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!s.empty()) {
    auto amp = s.find('&');
    auto part = s.substr(0, amp);
    s = amp == std::string_view::npos ? std::string_view{} : s.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    if (eq == std::string_view::npos) out.emplace_back(url_decode(part, true), "");
    else out.emplace_back(url_decode(part.substr(0, eq), true), url_decode(part.substr(eq + 1), true));
  }
  return out;
}

namespace {
// `decoded`: bytes of UTF-8 text are fine once decoded; as sent, the path is printable ASCII.
bool local_path_shape(std::string_view s, bool decoded) {
  if (s.empty() || s[0] != '/') return false;
  if (s.size() > 1 && (s[1] == '/' || s[1] == '\\')) return false;
  for (unsigned char c : s)
    if (c < 0x21 || c == 0x7f || c == '\\' || (c >= 0x80 && !decoded)) return false;
  return true;
}
}  // namespace

std::optional<std::string> safe_local_path(std::string_view s) {
  if (s.size() > 2048 || !local_path_shape(s, false)) return std::nullopt;
  // Decoded until stable (a browser or a proxy may decode once more than we do).
  std::string cur(s);
  for (int i = 0; i < 3; ++i) {
    std::string dec = url_decode(cur, false);
    if (!local_path_shape(dec, true)) return std::nullopt;
    if (dec == cur) break;
    cur = std::move(dec);
  }
  return std::string(s);
}

bool header_value_ok(std::string_view v) {
  for (unsigned char c : v)
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  return true;
}

bool header_name_ok(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (std::isalnum(c)) continue;
    if (std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) == std::string_view::npos) return false;
  }
  return true;
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::optional<std::string_view> Request::header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers)
    if (k == lower_name) return std::string_view(v);
  return std::nullopt;
}

std::optional<std::string> Request::query(std::string_view key) const {
  for (auto& [k, v] : parse_form(query_string))
    if (k == key) return v;
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> Request::query_all() const { return parse_form(query_string); }

std::optional<std::string> Request::cookie(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k != "cookie") continue;
    std::string_view s = v;
    while (!s.empty()) {
      auto semi = s.find(';');
      auto part = s.substr(0, semi);
      s = semi == std::string_view::npos ? std::string_view{} : s.substr(semi + 1);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      auto eq = part.find('=');
      if (eq != std::string_view::npos && part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
    }
  }
  return std::nullopt;
}

std::map<std::string, std::string> Request::form() const {
  std::map<std::string, std::string> out;
  for (auto& [k, v] : parse_form(body)) out.emplace(k, v);
  return out;
}

Response& Response::set(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

std::optional<std::string_view> Response::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k.size() == name.size() &&
        std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
      return std::string_view(v);
  return std::nullopt;
}

Response Response::json(int status, const nlohmann::json& j) {
  Response r;
  r.status = status;
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.set("Content-Type", "application/json");
  return r;
}

Response Response::html(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.set("Content-Type", "text/html; charset=utf-8");
  return r;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.set("Content-Type", std::move(content_type));
  return r;
}

Response Response::redirect(const Request& req, std::string location) {
  Response r;
  if (req.is_htmx()) {
    r.status = 200;
    r.set("HX-Redirect", std::move(location));
  } else {
    r.status = 303;
    r.set("Location", std::move(location));
  }
  return r;
}

Response Response::no_content() {
  Response r;
  r.status = 204;
  return r;
}

int status_of(core::ErrorKind kind) {
  using K = core::ErrorKind;
  switch (kind) {
    case K::bad_request: return 400;
    case K::unauthorized: return 401;
    case K::forbidden: return 403;
    case K::not_found: return 404;
    case K::method_not_allowed: return 405;
    case K::conflict: return 409;
    case K::precondition_failed: return 412;
    case K::too_large: return 413;
    case K::unsupported_media_type: return 415;
    case K::invalid: return 422;
    case K::precondition_required: return 428;
    case K::rate_limited: return 429;
    case K::internal: return 500;
    case K::unavailable: return 503;
  }
  return 500;
}

Response problem(const ApiError& keyed, std::string_view instance) {
  // The caller puts the texts into words in the request's language (i18n::worded); an error that
  // reaches here still keyed is said in Russian rather than as its keys.
  const ApiError e = keyed.title.empty() && !keyed.title_text.empty() ? i18n::worded(keyed, "ru") : keyed;
  const int status = status_of(e.kind);
  nlohmann::json j = {{"type", e.type}, {"title", e.title}, {"status", status}};
  if (!e.detail.empty()) j["detail"] = e.detail;
  if (!instance.empty()) j["instance"] = std::string(instance);
  if (!e.fields.empty()) {
    auto arr = nlohmann::json::array();
    for (const auto& f : e.fields) arr.push_back({{"name", f.field}, {"reason", f.message}, {"code", f.code}});
    j["errors"] = std::move(arr);
  }
  if (e.extra)
    for (auto& [k, v] : e.extra->items()) j[k] = v;
  Response r = Response::json(status, j);
  r.headers.clear();
  r.set("Content-Type", "application/problem+json");
  for (const auto& [k, v] : e.headers) r.set(k, v);
  return r;
}

}  // namespace sdelka::http
