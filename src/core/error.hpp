#pragma once
// The one domain error type. Services, policy, audit and jobs throw it for anything a caller did
// wrong or may not do; the HTTP layer maps its kind to a status code in one place
// (http::status_of) and writes it as problem+json or an error page; background loops catch it like
// any std::exception. Defined below http/, so that services and engines need nothing of HTTP.
//
// An error carries its texts either as words already (title, detail, FieldError::message: older
// code that looks each text up in the principal's language) or, the house's way, as catalogue
// keys with arguments (core::Text: DomainError::keyed, FieldError::text) that are put into words
// once, at the edge, in the caller's language (i18n::worded): the request pipeline and the pages
// for a request, a job for its starter, the command line in English.
#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace sdelka::core {

enum class ErrorKind {
  bad_request,            // a malformed value (a header, a parameter)            → 400
  unauthorized,           // no or an expired login                              → 401
  forbidden,              // the principal may not do this                       → 403
  not_found,              // no such record, or one the principal may not see     → 404
  method_not_allowed,     //                                                      → 405
  conflict,               // a duplicate, a state that does not allow it          → 409
  precondition_failed,    // a stale version (If-Match)                           → 412
  too_large,              // a body or a file over its limit                       → 413
  unsupported_media_type, //                                                      → 415
  invalid,                // field errors                                         → 422
  precondition_required,  // If-Match missing                                     → 428
  rate_limited,           // too many attempts                                    → 429
  internal,               //                                                      → 500
  unavailable,            // the database or the server is busy; try again        → 503
};

// A text still to be put into words: a catalogue key and its arguments ({name} in the text).
struct Text {
  std::string key;
  std::vector<std::pair<std::string, std::string>> args = {};
  bool empty() const { return key.empty(); }
};

// One field error: the field (JSON member or form input name), the message in the caller's
// language (or `text`, to be put into words at the edge), and a stable machine code ("required",
// "type", "format", "forbidden", …).
struct FieldError {
  std::string field;
  std::string message;
  std::string code;
  Text text = {};
};

// A field error whose text is a catalogue key with arguments, put into words at the edge.
inline FieldError field_error(std::string field, std::string key, std::string code,
                              std::vector<std::pair<std::string, std::string>> args = {}) {
  return FieldError{std::move(field), "", std::move(code), Text{std::move(key), std::move(args)}};
}

class DomainError : public std::exception {
 public:
  DomainError(ErrorKind k, std::string title_, std::string detail_ = {}, std::vector<FieldError> fields_ = {})
      : kind(k), title(std::move(title_)), detail(std::move(detail_)), fields(std::move(fields_)) {
    what_ = detail.empty() ? title : title + ": " + detail;
  }
  // An error whose texts are catalogue keys, put into words at the edge.
  static DomainError keyed(ErrorKind k, Text title, Text detail = {}, std::vector<FieldError> fields = {}) {
    DomainError e{k, "", "", std::move(fields)};
    e.title_text = std::move(title);
    e.detail_text = std::move(detail);
    e.what_ = e.title_text.key;
    return e;
  }
  // Sets the texts in words (i18n::worded does it).
  void set_words(std::string title_, std::string detail_) {
    title = std::move(title_);
    detail = std::move(detail_);
    what_ = detail.empty() ? title : title + ": " + detail;
  }
  const char* what() const noexcept override { return what_.c_str(); }

  ErrorKind kind;
  std::string title;   // one line, in the principal's language
  std::string detail;  // may be empty
  std::vector<FieldError> fields;
  std::string type = "about:blank";
  std::vector<std::pair<std::string, std::string>> headers = {};  // e.g. Retry-After
  std::shared_ptr<nlohmann::json> extra = nullptr;                // extra members (e.g. "candidates")
  Text title_text = {};   // set by keyed(): put into words at the edge
  Text detail_text = {};

 private:
  std::string what_;
};

}  // namespace sdelka::core
