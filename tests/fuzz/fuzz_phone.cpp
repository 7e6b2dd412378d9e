// libFuzzer harness: the phone normalisation of src/core/ru/phone.hpp (normalize_phone,
// phone_search_key) and the e-mail check of src/core/ru/email.hpp (check_email, email_key), with
// their invariants: a normalised value is canonical (normalising it again gives it back), a
// phone's value is "+" and digits (+7 and 10 for Russia, 8 to 15 for E.164), the search key is the
// value without "+", an e-mail's value and key are stable under a second check.
//
// The input is the text a person typed.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "core/ru/email.hpp"
#include "core/ru/phone.hpp"
#include "core/text.hpp"
#include "fuzz_util.hpp"

using namespace sdelka::core::ru;

namespace {

void phone(std::string_view s) {
  const PhoneCheck p = normalize_phone(s);
  FUZZ_CHECK(p.field == "phone");
  FUZZ_CHECK(p.ok() == p.code.empty());
  const auto key = phone_search_key(s);
  if (!p.ok()) {
    static const std::set<std::string> codes = {"empty", "digits", "length", "prefix", "extension"};
    FUZZ_CHECK(codes.count(p.code) == 1);
    FUZZ_CHECK(p.value.empty() && p.extension.empty());
    FUZZ_CHECK(!p.ru.empty() && !p.en.empty() && fuzz::utf8(p.ru) && fuzz::utf8(p.en));
    FUZZ_CHECK(!key.has_value());
    return;
  }
  FUZZ_CHECK(p.ru.empty() && p.en.empty());
  FUZZ_CHECK(p.value.size() >= 2 && p.value[0] == '+');
  const std::string_view digits = std::string_view(p.value).substr(1);
  FUZZ_CHECK(fuzz::all_digits(digits));
  if (digits[0] == '7') {
    FUZZ_CHECK(digits.size() == 11);
    FUZZ_CHECK(std::string_view("346789").find(digits[1]) != std::string_view::npos);
  } else {
    FUZZ_CHECK(digits[0] != '0');
    FUZZ_CHECK(digits.size() >= 8 && digits.size() <= 15);
  }
  FUZZ_CHECK(p.extension.size() <= 6 && fuzz::all_digits(p.extension));
  FUZZ_CHECK(key.has_value() && *key == digits);
  // Canonical: the value normalises to itself, with the extension written back too.
  const PhoneCheck again = normalize_phone(p.value);
  FUZZ_CHECK(again.ok() && again.value == p.value && again.extension.empty());
  if (!p.extension.empty()) {
    const PhoneCheck with_ext = normalize_phone(p.value + " доб. " + p.extension);
    FUZZ_CHECK(with_ext.ok() && with_ext.value == p.value && with_ext.extension == p.extension);
  }
}

void email(std::string_view s) {
  const Check e = check_email(s);
  FUZZ_CHECK(e.field == "email");
  const auto key = email_key(s);
  if (!e.ok()) {
    static const std::set<std::string> codes = {"empty", "format", "local", "domain", "length"};
    FUZZ_CHECK(codes.count(e.code) == 1);
    FUZZ_CHECK(e.value.empty() && !e.ru.empty() && !e.en.empty());
    FUZZ_CHECK(!key.has_value());
    return;
  }
  FUZZ_CHECK(fuzz::utf8(e.value));
  const auto at = e.value.find('@');
  FUZZ_CHECK(at != std::string::npos && e.value.find('@', at + 1) == std::string::npos);
  FUZZ_CHECK(e.value.substr(0, at) == sdelka::core::trim(s).substr(0, at));  // the local part as typed
  FUZZ_CHECK(key.has_value() && fuzz::utf8(*key));
  // A stored address passes the check again, unchanged, with the same key.
  const Check again = check_email(e.value);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again.value == e.value);
  FUZZ_CHECK(email_key(e.value) == key);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view s(reinterpret_cast<const char*>(data), size);
  phone(s);
  email(s);
  return 0;
}
