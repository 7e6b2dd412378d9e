// Helpers shared by the handlers of every context: If-Match, keyset page parameters, ETags, ids.
#include "web/context.hpp"

#include <charconv>

#include "core/error.hpp"
#include "i18n/i18n.hpp"

namespace sdelka::web {

using http::ApiError;
using http::Request;
using http::Response;

std::optional<std::int64_t> if_match(const Request& r) {
  auto h = r.header("if-match");
  if (!h) return std::nullopt;
  std::string_view v = *h;
  if (v.substr(0, 2) == "W/") v.remove_prefix(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size() || v.empty())
    throw ApiError{core::ErrorKind::bad_request, i18n::t(r.ctx->lang, "err.if_match"), "", {{"If-Match", i18n::t(r.ctx->lang, "err.if_match"), "format"}}};
  return out;
}

static std::optional<std::int64_t> parse_int(const std::string& s) {
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return out;
}

PageParams page_params(const Request& r, int def, int max) {
  PageParams out{def, std::nullopt};
  std::vector<http::FieldError> errs;
  const auto& lang = r.ctx->lang;
  if (auto l = r.query("limit")) {
    auto v = parse_int(*l);
    if (!v || *v < 1 || *v > max) errs.push_back({"limit", i18n::t(lang, "err.limit"), "range"});
    else out.limit = static_cast<int>(*v);
  }
  if (auto a = r.query("after"); a && !a->empty()) {
    auto v = parse_int(*a);
    if (!v || *v < 0) errs.push_back({"after", i18n::t(lang, "err.after"), "format"});
    else out.after = *v;
  }
  if (!errs.empty()) throw ApiError{core::ErrorKind::invalid, i18n::t(lang, "err.validation"), "", errs};
  return out;
}

Response with_etag(int status, const nlohmann::json& record) {
  auto r = Response::json(status, record);
  r.set("ETag", "\"" + std::to_string(record.at("version").get<std::int64_t>()) + "\"");
  return r;
}

std::int64_t id_param(const Request& r, const std::string& name) {
  auto v = parse_int(r.params.at(name));
  if (!v || *v <= 0) throw ApiError{core::ErrorKind::not_found, i18n::t(r.ctx->lang, "err.not_found"), i18n::t(r.ctx->lang, "err.not_found.detail")};
  return *v;
}

}  // namespace sdelka::web
