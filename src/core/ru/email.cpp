#include "core/ru/email.hpp"

#include <string_view>
#include <vector>

#include "core/ru/unicode.hpp"
#include "core/text.hpp"

namespace sdelka::core::ru {
namespace {

Check failed(const char* code, std::string ru, std::string en) {
  Check c;
  c.field = "email";
  c.code = code;
  c.ru = std::move(ru);
  c.en = std::move(en);
  return c;
}

bool ascii_alnum(char32_t cp) noexcept {
  return (cp >= U'a' && cp <= U'z') || (cp >= U'A' && cp <= U'Z') || (cp >= U'0' && cp <= U'9');
}

bool local_char(char32_t cp) noexcept {
  if (ascii_alnum(cp)) return true;
  if (cp < 0x80) return std::u32string_view(U"!#$%&'*+/=?^_`{|}~.-").find(cp) != std::u32string_view::npos;
  return detail::is_letter(cp) || detail::is_number(cp) || detail::is_mark(cp);
}

bool domain_char(char32_t cp) noexcept {
  if (ascii_alnum(cp) || cp == U'-') return true;
  if (cp < 0x80) return false;
  return detail::is_letter(cp) || detail::is_number(cp) || detail::is_mark(cp);
}

Check local_failed() {
  return failed("local",
                "Часть адреса до @ должна состоять из букв, цифр и знаков . _ - +, не начинаться и не "
                "заканчиваться точкой и не содержать двух точек подряд",
                "The part before @ must consist of letters, digits and . _ - + signs, must not start or end "
                "with a dot and must not have two dots in a row");
}

Check domain_failed() {
  return failed("domain", "Домен после @ указан неверно: нужен вид example.ru или пример.рф",
                "The domain after @ is wrong: it should look like example.com or пример.рф");
}

bool valid_domain(std::string_view d) {
  if (d.empty() || d.size() > 253) return false;
  std::vector<std::string_view> labels;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = d.find('.', start);
    labels.push_back(d.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (labels.size() < 2) return false;
  for (std::string_view l : labels) {
    if (l.empty() || l.size() > 63 || l.front() == '-' || l.back() == '-') return false;
    for (char32_t cp : detail::decode(l)) {
      if (!domain_char(cp)) return false;
    }
  }
  std::string_view tld = labels.back();
  if (tld.size() > 4 && (tld.substr(0, 4) == "xn--" || tld.substr(0, 4) == "XN--")) return true;
  std::u32string t = detail::decode(tld);
  if (t.size() < 2) return false;
  for (char32_t cp : t) {
    if (!detail::is_letter(cp) && !detail::is_mark(cp)) return false;
  }
  return true;
}

}  // namespace

Check check_email(std::string_view input) {
  std::string_view s = trim(input);
  if (s.empty()) return failed("empty", "Адрес электронной почты не указан", "The e-mail address is empty");
  if (!valid_utf8(s)) {
    return failed("format", "Адрес электронной почты содержит недопустимые символы",
                  "The e-mail address has characters that are not allowed");
  }
  for (char32_t cp : detail::decode(s)) {
    if (cp == U' ' || cp == U'\t' || cp == U'\n' || cp == U'\r' || cp == U'\u00A0') {
      return failed("format", "Адрес электронной почты пишется без пробелов",
                    "An e-mail address must not contain spaces");
    }
  }
  std::size_t at = s.find('@');
  if (at == std::string_view::npos) {
    return failed("format", "В адресе электронной почты нет знака @: нужен вид имя@example.ru",
                  "An e-mail address needs an @: name@example.com");
  }
  if (s.find('@', at + 1) != std::string_view::npos) {
    return failed("format", "В адресе электронной почты должен быть ровно один знак @",
                  "An e-mail address must have exactly one @");
  }
  std::string_view local = s.substr(0, at);
  // The domain is checked as it will be stored: folding can lengthen it (İ becomes i + U+0307), and a
  // stored address must pass this check again unchanged.
  const std::string domain = detail::fold_case(s.substr(at + 1));
  if (local.size() + 1 + domain.size() > 254 || local.size() > 64) {
    return failed("length",
                  "Адрес электронной почты слишком длинный: не более 254 символов, до @ — не более 64",
                  "The e-mail address is too long: at most 254 characters, at most 64 before @");
  }
  if (local.empty() || local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return local_failed();
  }
  for (char32_t cp : detail::decode(local)) {
    if (!local_char(cp)) return local_failed();
  }
  if (!valid_domain(domain)) return domain_failed();

  Check c;
  c.field = "email";
  c.value = std::string(local) + "@" + domain;
  return c;
}

std::optional<std::string> email_key(std::string_view input) {
  Check c = check_email(input);
  if (!c.ok()) return std::nullopt;
  return detail::fold_case(c.value);
}

}  // namespace sdelka::core::ru
