#include "http/json_body.hpp"

#include "core/text.hpp"
#include "i18n/i18n.hpp"

namespace sdelka::http {

JsonBody::JsonBody(const Request& req, std::string lang, const std::vector<std::string_view>& allowed)
    : lang_(std::move(lang)) {
  // application/json or application/<something>+json, parameters (charset) allowed.
  auto ct = req.header("content-type");
  std::string media(ct ? ct->substr(0, ct->find(';')) : std::string_view{});
  while (!media.empty() && media.back() == ' ') media.pop_back();
  for (auto& ch : media) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  const bool json_type = media == "application/json" ||
                         (media.rfind("application/", 0) == 0 && media.size() > 5 && media.substr(media.size() - 5) == "+json");
  if (!json_type)
    throw ApiError{core::ErrorKind::unsupported_media_type, i18n::t(lang_, "err.content_type"), i18n::t(lang_, "err.content_type.detail")};
  if (!core::valid_utf8(req.body))
    throw ApiError{core::ErrorKind::bad_request, i18n::t(lang_, "err.utf8"), i18n::t(lang_, "err.utf8.detail")};
  try {
    j_ = nlohmann::json::parse(req.body);
  } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for a number like 1e400
    throw ApiError{core::ErrorKind::bad_request, i18n::t(lang_, "err.json"), e.what()};
  }
  if (!j_.is_object()) throw ApiError{core::ErrorKind::bad_request, i18n::t(lang_, "err.json"), i18n::t(lang_, "err.json.object")};
  std::vector<FieldError> unknown;
  for (auto& [k, _] : j_.items()) {
    bool known = false;
    for (auto a : allowed) known = known || a == k;
    if (!known) unknown.push_back({k, i18n::t(lang_, "err.unknown_field"), "unknown_field"});
  }
  if (!unknown.empty()) throw ApiError{core::ErrorKind::invalid, i18n::t(lang_, "err.validation"), "", unknown};
  // No list in a request body is longer than kMaxArray (a context may set a lower limit of its own).
  std::vector<FieldError> long_lists;
  for (auto& [k, v] : j_.items())
    if (v.is_array() && v.size() > kMaxArray)
      long_lists.push_back({k, i18n::t(lang_, "err.too_many") + " " + std::to_string(kMaxArray), "too_many"});
  if (!long_lists.empty()) throw ApiError{core::ErrorKind::invalid, i18n::t(lang_, "err.validation"), "", long_lists};
}

void JsonBody::error(std::string field, std::string message, std::string code) {
  errors_.push_back({std::move(field), std::move(message), std::move(code)});
}

std::optional<std::string> JsonBody::str(std::string_view name, bool required, std::size_t max_len) {
  auto it = j_.find(name);
  if (it == j_.end() || it->is_null()) {
    if (required) error(std::string(name), i18n::t(lang_, "err.required"), "required");
    return std::nullopt;
  }
  if (!it->is_string()) {
    error(std::string(name), i18n::t(lang_, "err.type.string"), "type");
    return std::nullopt;
  }
  std::string v(core::trim(it->get_ref<const std::string&>()));
  if (v.empty() && required) {
    error(std::string(name), i18n::t(lang_, "err.required"), "required");
    return std::nullopt;
  }
  if (v.size() > max_len) {
    error(std::string(name), i18n::t(lang_, "err.too_long"), "too_long");
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> JsonBody::integer(std::string_view name, bool required) {
  auto it = j_.find(name);
  if (it == j_.end() || it->is_null()) {
    if (required) error(std::string(name), i18n::t(lang_, "err.required"), "required");
    return std::nullopt;
  }
  if (!it->is_number_integer()) {
    error(std::string(name), i18n::t(lang_, "err.type.integer"), "type");
    return std::nullopt;
  }
  return it->get<std::int64_t>();
}

std::optional<bool> JsonBody::boolean(std::string_view name, bool required) {
  auto it = j_.find(name);
  if (it == j_.end() || it->is_null()) {
    if (required) error(std::string(name), i18n::t(lang_, "err.required"), "required");
    return std::nullopt;
  }
  if (!it->is_boolean()) {
    error(std::string(name), i18n::t(lang_, "err.type.boolean"), "type");
    return std::nullopt;
  }
  return it->get<bool>();
}

std::optional<std::vector<std::string>> JsonBody::str_list(std::string_view name, bool required) {
  auto it = j_.find(name);
  if (it == j_.end() || it->is_null()) {
    if (required) error(std::string(name), i18n::t(lang_, "err.required"), "required");
    return std::nullopt;
  }
  bool ok = it->is_array();
  if (ok)
    for (auto& v : *it) ok = ok && v.is_string();
  if (!ok) {
    error(std::string(name), i18n::t(lang_, "err.type.string_list"), "type");
    return std::nullopt;
  }
  return it->get<std::vector<std::string>>();
}

void JsonBody::finish() const {
  if (!errors_.empty()) throw ApiError{core::ErrorKind::invalid, i18n::t(lang_, "err.validation"), "", errors_};
}

}  // namespace sdelka::http
