#pragma once
// Strict JSON request bodies: well-formed UTF-8 JSON object, only known fields, right types.
// Each problem is collected as a FieldError naming the field; finish() throws them together as
// one 422 problem, so the client learns everything wrong at once.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/http.hpp"

namespace sdelka::http {

class JsonBody {
 public:
  // The longest list a body may hold in any member; longer ones are 422 "too_many".
  static constexpr std::size_t kMaxArray = 200;
  // Parses req.body. Throws ApiError 415 when the content type is not JSON, 400 for invalid
  // UTF-8 or malformed JSON or a non-object, 422 for fields not in `allowed` or a list member
  // longer than kMaxArray.
  JsonBody(const Request& req, std::string lang, const std::vector<std::string_view>& allowed);

  bool has(std::string_view name) const { return j_.contains(name); }
  // Text field: trimmed; errors for wrong type, empty when required, longer than max_len.
  std::optional<std::string> str(std::string_view name, bool required = false, std::size_t max_len = 1000);
  std::optional<std::int64_t> integer(std::string_view name, bool required = false);
  std::optional<bool> boolean(std::string_view name, bool required = false);
  std::optional<std::vector<std::string>> str_list(std::string_view name, bool required = false);
  // Raw access (already type-checked by the caller).
  const nlohmann::json& json() const { return j_; }
  // Adds a field error found by the caller's own validation.
  void error(std::string field, std::string message, std::string code = "invalid");
  bool ok() const { return errors_.empty(); }
  // Throws ApiError 422 with all collected field errors, if any.
  void finish() const;
  const std::string& lang() const { return lang_; }

 private:
  nlohmann::json j_;
  std::string lang_;
  std::vector<FieldError> errors_;
};

}  // namespace sdelka::http
