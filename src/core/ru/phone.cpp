#include "core/ru/phone.hpp"

#include <array>

#include "core/ru/names.hpp"
#include "core/ru/unicode.hpp"

namespace sdelka::core::ru {
namespace {

PhoneCheck failed(const char* code, std::string ru, std::string en) {
  PhoneCheck c;
  c.field = "phone";
  c.code = code;
  c.ru = std::move(ru);
  c.en = std::move(en);
  return c;
}

PhoneCheck passed(std::string value, std::string extension) {
  PhoneCheck c;
  c.field = "phone";
  c.value = std::move(value);
  c.extension = std::move(extension);
  return c;
}

bool is_space(char32_t cp) noexcept {
  return cp == U' ' || cp == U'\t' || cp == U'\n' || cp == U'\r' || cp == U'\u00A0' || cp == U'\u202F' ||
         cp == U'\u2009' || cp == U'\u2007';
}
bool is_digit(char32_t cp) noexcept { return cp >= U'0' && cp <= U'9'; }
bool is_separator(char32_t cp) noexcept {
  return is_space(cp) || cp == U'(' || cp == U')' || cp == U'-' || cp == U'.' ||
         (cp >= U'\u2010' && cp <= U'\u2015') || cp == U'\u2212';
}

bool starts_at(const std::u32string& s, std::size_t i, std::u32string_view p) noexcept {
  return s.compare(i, p.size(), p) == 0;
}

PhoneCheck length_failed() {
  return failed("length",
                "Номер телефона должен содержать 11 цифр: 8 или +7 и 10 цифр номера с кодом города или "
                "оператора (например, +7 916 123-45-67); номер другой страны — + и код страны",
                "A phone number must have 11 digits: 8 or +7 and the 10-digit number with its area or operator "
                "code (e.g. +7 916 123-45-67); a number of another country starts with + and the country code");
}

PhoneCheck digits_failed() {
  return failed("digits", "Номер телефона может содержать только цифры, + в начале, пробелы, скобки, дефисы и точки",
                "A phone number may contain only digits, a leading +, spaces, brackets, dashes and dots");
}

// `national`: the 10 digits after +7.
PhoneCheck russian(const std::string& national, std::string ext) {
  if (national.size() != 10) return length_failed();
  char c = national[0];
  if (c != '3' && c != '4' && c != '6' && c != '7' && c != '8' && c != '9') {
    return failed("prefix",
                  std::string("Код города или оператора не может начинаться с ") + c +
                      ": после +7 или 8 идёт код из трёх цифр (например, 916 или 495)",
                  std::string("An area or operator code cannot start with ") + c +
                      ": +7 or 8 is followed by a three-digit code (e.g. 916 or 495)");
  }
  return passed("+7" + national, std::move(ext));
}

// `d`: the digits after "+" (country code first).
PhoneCheck international(const std::string& d, std::string ext) {
  if (d.empty()) return length_failed();
  if (d[0] == '7') return russian(d.substr(1), std::move(ext));
  if (d[0] == '0') {
    return failed("prefix", "Код страны не может начинаться с 0", "A country code cannot start with 0");
  }
  if (d.size() < 8 || d.size() > 15) {
    return failed("length", "Международный номер должен содержать от 8 до 15 цифр после +",
                  "An international number must have 8 to 15 digits after the +");
  }
  return passed("+" + d, std::move(ext));
}

}  // namespace

PhoneCheck normalize_phone(std::string_view input) {
  std::u32string s = detail::decode(text_fold(input));

  // Split off the extension at the first letter or "#".
  static constexpr std::array<std::u32string_view, 7> markers{
      U"добавочный", U"доб", U"доп", U"вн", U"extension", U"ext", U"#"};
  std::size_t mark = 0;
  while (mark < s.size() && s[mark] != U'#' && !detail::is_letter(s[mark])) ++mark;
  std::string ext;
  if (mark < s.size()) {
    std::size_t after = std::u32string::npos;
    for (auto m : markers) {
      if (starts_at(s, mark, m)) {
        after = mark + m.size();
        break;
      }
    }
    if (after == std::u32string::npos) return digits_failed();
    while (after < s.size() && (is_space(s[after]) || s[after] == U'.' || s[after] == U':')) ++after;
    std::size_t i = after;
    while (i < s.size() && is_digit(s[i])) ext.push_back(static_cast<char>(s[i++]));
    while (i < s.size() && is_space(s[i])) ++i;
    if (ext.empty() || ext.size() > 6 || i != s.size()) {
      return failed("extension", "Добавочный номер должен состоять из 1–6 цифр после «доб.»",
                    "An extension must be 1 to 6 digits after \"ext.\"");
    }
    s.resize(mark);
    while (!s.empty() && (is_space(s.back()) || s.back() == U',' || s.back() == U';')) s.pop_back();
  }

  std::string digits;
  bool plus = false;
  bool any = false;
  for (char32_t cp : s) {
    if (is_digit(cp)) {
      digits.push_back(static_cast<char>(cp));
      any = true;
    } else if (cp == U'+' && !any && !plus) {
      plus = true;
      any = true;
    } else if (is_separator(cp)) {
      if (!is_space(cp)) any = true;
    } else {
      return digits_failed();
    }
  }
  if (digits.empty()) {
    if (!any && ext.empty()) return failed("empty", "Номер телефона не указан", "The phone number is empty");
    return length_failed();
  }

  if (plus) return international(digits, std::move(ext));
  if (digits.compare(0, 2, "00") == 0) return international(digits.substr(2), std::move(ext));
  if (digits.compare(0, 3, "810") == 0 && digits.size() > 11) return international(digits.substr(3), std::move(ext));
  if (digits.size() == 11) {
    if (digits[0] == '8' || digits[0] == '7') return russian(digits.substr(1), std::move(ext));
    return failed("prefix", "Номер из 11 цифр должен начинаться с 8 или 7 (или с +7)",
                  "An 11-digit number must start with 8 or 7 (or +7)");
  }
  if (digits.size() == 10) {
    char c = digits[0];
    if (c == '9' || c == '3' || c == '4' || c == '8') return passed("+7" + digits, std::move(ext));
    return failed("prefix",
                  "Номер из 10 цифр должен начинаться с 9 (мобильный) или с кода города (3, 4, 8); "
                  "иначе укажите 8 или +7 в начале",
                  "A 10-digit number must start with 9 (mobile) or an area code (3, 4, 8); "
                  "otherwise start it with 8 or +7");
  }
  return length_failed();
}

std::optional<std::string> phone_search_key(std::string_view input) {
  PhoneCheck c = normalize_phone(input);
  if (!c.ok()) return std::nullopt;
  return c.value.substr(1);
}

}  // namespace sdelka::core::ru
