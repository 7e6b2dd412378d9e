// libFuzzer harness: the JSON body reader (sdelka::http::JsonBody): content type check, UTF-8 check,
// nlohmann::json parsing, unknown fields, and the typed getters str / integer / boolean / str_list,
// then the problem+json document an error becomes. http::ApiError is the expected outcome for a bad
// body; anything else escaping (another exception, a sanitizer report, a broken invariant) is a bug.
//
// The input is the body. Its size picks the content type and the language, so that each input is
// read one way, the same on every run.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/text.hpp"
#include "fuzz_util.hpp"
#include "http/http.hpp"
#include "http/json_body.hpp"

namespace {

using sdelka::http::ApiError;
using sdelka::http::JsonBody;

const std::vector<std::string_view> kAllowed = {"name", "inn", "kpp", "phones", "emails", "tags", "age",
                                                "company_id", "active", "lpr", "note", "segment"};

int status(const ApiError& e) { return sdelka::http::status_of(e.kind); }

void check_problem(const ApiError& e) {
  FUZZ_CHECK(status(e) == 400 || status(e) == 415 || status(e) == 422);
  FUZZ_CHECK(!e.title.empty());
  if (status(e) == 422) FUZZ_CHECK(!e.fields.empty());
  // The document the client gets must be JSON (the dump replaces what is not UTF-8).
  const sdelka::http::Response r = sdelka::http::problem(e, "/api/v1/fuzz");
  FUZZ_CHECK(r.status == status(e));
  FUZZ_CHECK(r.header("Content-Type") == std::optional<std::string_view>("application/problem+json"));
  FUZZ_CHECK(fuzz::utf8(r.body));
  const auto j = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  FUZZ_CHECK(j.is_object());
  FUZZ_CHECK(j["status"] == status(e));
}

void check_text(const std::optional<std::string>& v, std::size_t max_len) {
  if (!v) return;
  FUZZ_CHECK(v->size() <= max_len);
  FUZZ_CHECK(sdelka::core::trim(*v) == *v);
  FUZZ_CHECK(fuzz::utf8(*v));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sdelka::http::Request req;
  req.method = "POST";
  req.path = "/api/v1/companies";
  req.body.assign(reinterpret_cast<const char*>(data), size);
  static const char* const kTypes[] = {"application/json", "application/json; charset=utf-8",
                                       "Application/JSON ;charset=UTF-8", "application/merge-patch+json",
                                       "application/json", "application/json", "text/plain", "application/json"};
  const std::string_view type = kTypes[size % 8];
  req.headers.emplace_back("content-type", std::string(type));
  const std::string lang = size % 3 == 0 ? "en" : "ru";
  const bool json_type = size % 8 != 6;
  try {
    JsonBody body(req, lang, kAllowed);
    FUZZ_CHECK(json_type);
    FUZZ_CHECK(sdelka::core::valid_utf8(req.body));
    FUZZ_CHECK(body.json().is_object());
    for (const auto& [k, _] : body.json().items()) {
      bool known = false;
      for (auto a : kAllowed) known = known || a == k;
      FUZZ_CHECK(known);
    }
    FUZZ_CHECK(body.ok());
    check_text(body.str("name", true, 200), 200);
    check_text(body.str("inn"), 1000);
    check_text(body.str("note", false, 5), 5);
    (void)body.str("phones");  // the wrong type for a list: an error, not a crash
    (void)body.integer("age");
    (void)body.integer("company_id", true);
    (void)body.integer("name");
    (void)body.boolean("active");
    (void)body.boolean("lpr", true);
    if (auto list = body.str_list("phones")) {
      for (const auto& s : *list) FUZZ_CHECK(fuzz::utf8(s));
    }
    (void)body.str_list("tags", true);
    (void)body.str_list("emails");
    (void)body.has("segment");
    const bool ok = body.ok();
    try {
      body.finish();
      FUZZ_CHECK(ok);
    } catch (const ApiError& e) {
      FUZZ_CHECK(!ok);
      FUZZ_CHECK(status(e) == 422);
      check_problem(e);
    }
  } catch (const ApiError& e) {
    if (!json_type) FUZZ_CHECK(status(e) == 415);
    check_problem(e);
  }
  return 0;
}
