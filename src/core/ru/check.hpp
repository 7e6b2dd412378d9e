#pragma once
// Check: the verdict of one validator of sdelka::core::ru (requisites, phone, e-mail).
// A value type with no I/O. On success `code` is empty and `value` holds the canonical form of the input;
// on failure `code` names the rule that failed and `ru` / `en` say why, naming the field.
#include <string>
#include <string_view>

namespace sdelka::core::ru {

struct Check {
  // The field checked: "inn", "kpp", "ogrn", "ogrnip", "bik", "account", "corr_account", "phone", "email".
  std::string field;
  // Empty on success. Otherwise a stable machine code; the validators document which they use:
  //   "empty"     nothing but white space was given;
  //   "digits"    a character that is not allowed (a letter, a space inside the number, …);
  //   "length"    the wrong number of digits / characters;
  //   "prefix"    the leading digits break a rule (ОГРН starts with 1 or 5, БИК with 04, …);
  //   "checksum"  the control digit(s) or the account key do not match;
  //   "extension" (phone) a bad extension; "format", "local", "domain" (e-mail).
  std::string code;
  // Messages for a person, one sentence without a trailing period; empty on success.
  std::string ru;
  std::string en;
  // On success the canonical value (trimmed; for the phone "+7XXXXXXXXXX" or E.164); empty on failure.
  std::string value;

  bool ok() const noexcept { return code.empty(); }
  explicit operator bool() const noexcept { return ok(); }
  // The English message when lang starts with "en" (any case), the Russian one otherwise.
  // Empty on success.
  const std::string& message(std::string_view lang) const noexcept {
    bool en_lang = lang.size() >= 2 && (lang[0] == 'e' || lang[0] == 'E') && (lang[1] == 'n' || lang[1] == 'N');
    return en_lang ? en : ru;
  }
};

}  // namespace sdelka::core::ru
