#include "core/ru/requisites.hpp"

#include <array>
#include <optional>

#include "core/text.hpp"

namespace sdelka::core::ru {
namespace {

// How a field is named in messages. All the Russian names are masculine, which the templates rely on.
struct FieldName {
  const char* field;  // Check::field
  const char* ru;     // «ИНН», «Расчётный счёт»
  const char* en_a;   // "An INN", "A settlement account" (sentence start)
  const char* en;     // "INN", "settlement account"
};

constexpr FieldName kInn{"inn", "ИНН", "An INN", "INN"};
constexpr FieldName kKpp{"kpp", "КПП", "A KPP", "KPP"};
constexpr FieldName kOgrn{"ogrn", "ОГРН", "An OGRN", "OGRN"};
constexpr FieldName kOgrnip{"ogrnip", "ОГРНИП", "An OGRNIP", "OGRNIP"};
constexpr FieldName kBik{"bik", "БИК", "A BIK", "BIK"};
constexpr FieldName kAccount{"account", "Расчётный счёт", "A settlement account", "settlement account"};
constexpr FieldName kCorr{"corr_account", "Корреспондентский счёт", "A correspondent account",
                          "correspondent account"};

Check failed(const FieldName& f, const char* code, std::string ru, std::string en) {
  Check c;
  c.field = f.field;
  c.code = code;
  c.ru = std::move(ru);
  c.en = std::move(en);
  return c;
}

Check passed(const FieldName& f, std::string_view value) {
  Check c;
  c.field = f.field;
  c.value = std::string(value);
  return c;
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
// U+00A0 (no-break space) and U+202F (narrow no-break space) also count as spaces inside a number:
// they come with numbers copied from documents.
bool has_space(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (is_space(s[i])) return true;
    if (s.compare(i, 2, "\xC2\xA0") == 0 || s.compare(i, 3, "\xE2\x80\xAF") == 0) return true;
  }
  return false;
}

// The common first rules: empty, spaces inside, digits only. nullopt when the trimmed text is all digits.
std::optional<Check> digits_rule(const FieldName& f, std::string_view s) {
  if (s.empty()) {
    return failed(f, "empty", std::string(f.ru) + " не указан", std::string("The ") + f.en + " is empty");
  }
  if (has_space(s)) {
    return failed(f, "digits", std::string(f.ru) + " пишется без пробелов: уберите пробелы внутри номера",
                  std::string(f.en_a) + " must be written without spaces: remove the spaces inside the number");
  }
  for (char c : s) {
    if (!is_digit(c)) {
      return failed(f, "digits", std::string(f.ru) + " должен состоять только из цифр",
                    std::string(f.en_a) + " must contain digits only");
    }
  }
  return std::nullopt;
}

int digit(char c) noexcept { return c - '0'; }

template <std::size_t N>
int weighted_mod11(std::string_view d, const std::array<int, N>& w) noexcept {
  int sum = 0;
  for (std::size_t i = 0; i < N; ++i) sum += w[i] * digit(d[i]);
  return sum % 11 % 10;
}

constexpr std::array<int, 9> kInn10W{2, 4, 10, 3, 5, 9, 4, 6, 8};
constexpr std::array<int, 10> kInn12W1{7, 2, 4, 10, 3, 5, 9, 4, 6, 8};
constexpr std::array<int, 11> kInn12W2{3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8};

char inn10_control(std::string_view d) noexcept { return static_cast<char>('0' + weighted_mod11(d, kInn10W)); }
char inn12_control1(std::string_view d) noexcept { return static_cast<char>('0' + weighted_mod11(d, kInn12W1)); }
char inn12_control2(std::string_view d) noexcept { return static_cast<char>('0' + weighted_mod11(d, kInn12W2)); }

// (first n digits as a number) mod m mod 10, as a digit character. n <= 18 fits in uint64.
char number_mod_control(std::string_view d, std::size_t n, std::uint64_t m) noexcept {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = v * 10 + static_cast<std::uint64_t>(digit(d[i]));
  return static_cast<char>('0' + v % m % 10);
}

// The Bank of Russia key: 23 digits weighted 7,1,3 repeated; valid when the sum is a multiple of 10.
int account_key_sum(std::string_view three, std::string_view account) noexcept {
  static constexpr int w[3] = {7, 1, 3};
  int sum = 0;
  std::size_t i = 0;
  for (char c : three) sum += w[i++ % 3] * digit(c);
  for (char c : account) sum += w[i++ % 3] * digit(c);
  return sum;
}

Check inn_checksum_failed() {
  return failed(kInn, "checksum", "Неверная контрольная сумма ИНН", "Wrong INN checksum");
}

Check inn_prefix_rule_failed() {
  return failed(kInn, "prefix", "ИНН не может начинаться с 00: такого кода региона нет",
                "An INN cannot start with 00: there is no such region code");
}

Check inn10_digits(std::string_view s) {
  if (s.size() != 10) {
    return failed(kInn, "length", "ИНН юридического лица должен состоять из 10 цифр",
                  "A legal entity's INN must have 10 digits");
  }
  if (s.substr(0, 2) == "00") return inn_prefix_rule_failed();
  if (inn10_control(s) != s[9]) return inn_checksum_failed();
  return passed(kInn, s);
}

Check inn12_digits(std::string_view s) {
  if (s.size() != 12) {
    return failed(kInn, "length", "ИНН физического лица или ИП должен состоять из 12 цифр",
                  "The INN of a person or a sole trader must have 12 digits");
  }
  if (s.substr(0, 2) == "00") return inn_prefix_rule_failed();
  if (inn12_control1(s) != s[10] || inn12_control2(s) != s[11]) return inn_checksum_failed();
  return passed(kInn, s);
}

Check ogrn_digits(std::string_view s) {
  if (s.size() != 13) {
    return failed(kOgrn, "length", "ОГРН должен состоять из 13 цифр", "An OGRN must have 13 digits");
  }
  if (s[0] != '1' && s[0] != '5') {
    return failed(kOgrn, "prefix", "ОГРН юридического лица начинается с 1 или 5",
                  "A legal entity's OGRN starts with 1 or 5");
  }
  if (number_mod_control(s, 12, 11) != s[12]) {
    return failed(kOgrn, "checksum", "Неверная контрольная цифра ОГРН", "Wrong OGRN check digit");
  }
  return passed(kOgrn, s);
}

Check ogrnip_digits(std::string_view s) {
  if (s.size() != 15) {
    return failed(kOgrnip, "length", "ОГРНИП должен состоять из 15 цифр", "An OGRNIP must have 15 digits");
  }
  if (s[0] != '3') {
    return failed(kOgrnip, "prefix", "ОГРНИП индивидуального предпринимателя начинается с 3",
                  "A sole trader's OGRNIP starts with 3");
  }
  if (number_mod_control(s, 14, 13) != s[14]) {
    return failed(kOgrnip, "checksum", "Неверная контрольная цифра ОГРНИП", "Wrong OGRNIP check digit");
  }
  return passed(kOgrnip, s);
}

// Account checks shared by the settlement and the correspondent variants; `prefix3` is built from the БИК.
Check account_check(const FieldName& f, std::string_view account, std::string_view bik, bool correspondent) {
  std::string_view s = trim(account);
  if (auto bad = digits_rule(f, s)) return *bad;
  if (s.size() != 20) {
    return failed(f, "length", std::string(f.ru) + " должен состоять из 20 цифр",
                  std::string(f.en_a) + " must have 20 digits");
  }
  Check b = check_bik(bik);
  if (!b.ok()) return b;
  const std::string& bk = b.value;
  std::string three = correspondent ? "0" + bk.substr(4, 2) : bk.substr(6, 3);
  if (account_key_sum(three, s) % 10 != 0) {
    return failed(f, "checksum", std::string(f.ru) + " не соответствует БИК: неверный контрольный ключ",
                  std::string("The ") + f.en + " does not match the BIK: wrong check key");
  }
  return passed(f, s);
}

// Real region codes (the first two digits of ИНН / digits 4–5 of ОГРН), weighted towards big regions by
// repetition.
constexpr std::array<const char*, 40> kRegions{
    "77", "77", "77", "77", "77", "78", "78", "78", "50", "50", "66", "66", "16", "16", "54", "52",
    "61", "23", "23", "02", "63", "74", "24", "59", "36", "34", "25", "38", "72", "55", "42", "64",
    "39", "47", "71", "76", "26", "31", "56", "86"};

std::uint64_t draw(std::mt19937_64& rng, std::uint64_t n) { return rng() % n; }

void append_digits(std::string& out, std::mt19937_64& rng, int count) {
  for (int i = 0; i < count; ++i) out.push_back(static_cast<char>('0' + draw(rng, 10)));
}

// Two digits 01..max, zero-padded.
void append_two(std::string& out, std::mt19937_64& rng, int max) {
  int v = 1 + static_cast<int>(draw(rng, static_cast<std::uint64_t>(max)));
  out.push_back(static_cast<char>('0' + v / 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

const char* region(std::mt19937_64& rng) { return kRegions[draw(rng, kRegions.size())]; }

}  // namespace

Check check_inn(std::string_view input) {
  std::string_view s = trim(input);
  if (auto bad = digits_rule(kInn, s)) return *bad;
  if (s.size() == 10) return inn10_digits(s);
  if (s.size() == 12) return inn12_digits(s);
  return failed(kInn, "length",
                "ИНН должен состоять из 10 цифр (организация) или из 12 цифр (физическое лицо, ИП)",
                "An INN must have 10 digits (an organisation) or 12 digits (a person, a sole trader)");
}

Check check_inn10(std::string_view input) {
  std::string_view s = trim(input);
  if (auto bad = digits_rule(kInn, s)) return *bad;
  return inn10_digits(s);
}

Check check_inn12(std::string_view input) {
  std::string_view s = trim(input);
  if (auto bad = digits_rule(kInn, s)) return *bad;
  return inn12_digits(s);
}

Check check_kpp(std::string_view input) {
  std::string_view s = trim(input);
  if (s.empty()) return failed(kKpp, "empty", "КПП не указан", "The KPP is empty");
  if (has_space(s)) {
    return failed(kKpp, "digits", "КПП пишется без пробелов: уберите пробелы внутри номера",
                  "A KPP must be written without spaces: remove the spaces inside the number");
  }
  auto pattern_failed = [] {
    return failed(kKpp, "digits",
                  "КПП состоит из 4 цифр кода налогового органа, 2 символов причины постановки на учёт "
                  "(цифры или латинские буквы A–Z) и 3 цифр",
                  "A KPP is 4 digits of the tax office, 2 characters of the registration reason "
                  "(digits or Latin letters A–Z) and 3 digits");
  };
  std::string v(s);
  for (char& c : v) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!is_digit(c) && !(c >= 'A' && c <= 'Z')) return pattern_failed();
  }
  if (v.size() != 9) return failed(kKpp, "length", "КПП должен состоять из 9 символов", "A KPP must have 9 characters");
  for (std::size_t i : {0, 1, 2, 3, 6, 7, 8}) {
    if (!is_digit(v[i])) return pattern_failed();
  }
  return passed(kKpp, v);
}

Check check_ogrn(std::string_view input) {
  std::string_view s = trim(input);
  if (auto bad = digits_rule(kOgrn, s)) return *bad;
  return ogrn_digits(s);
}

Check check_ogrnip(std::string_view input) {
  std::string_view s = trim(input);
  if (auto bad = digits_rule(kOgrnip, s)) return *bad;
  return ogrnip_digits(s);
}

Check check_ogrn_any(std::string_view input) {
  std::string_view s = trim(input);
  if (auto bad = digits_rule(kOgrn, s)) return *bad;
  if (s.size() == 13) return ogrn_digits(s);
  if (s.size() == 15) return ogrnip_digits(s);
  return failed(kOgrn, "length",
                "ОГРН должен состоять из 13 цифр (организация), ОГРНИП — из 15 цифр (ИП)",
                "An OGRN must have 13 digits (an organisation), an OGRNIP 15 digits (a sole trader)");
}

Check check_bik(std::string_view input) {
  std::string_view s = trim(input);
  if (auto bad = digits_rule(kBik, s)) return *bad;
  if (s.size() != 9) return failed(kBik, "length", "БИК должен состоять из 9 цифр", "A BIK must have 9 digits");
  if (s.substr(0, 2) != "04") {
    return failed(kBik, "prefix", "БИК российского банка начинается с 04", "A Russian bank's BIK starts with 04");
  }
  return passed(kBik, s);
}

Check check_account(std::string_view account, std::string_view bik) {
  return account_check(kAccount, account, bik, false);
}

Check check_corr_account(std::string_view account, std::string_view bik) {
  return account_check(kCorr, account, bik, true);
}

std::string make_inn10(std::mt19937_64& rng) {
  std::string s = region(rng);
  append_two(s, rng, 50);  // tax office within the region
  append_digits(s, rng, 5);
  s.push_back(inn10_control(s));
  return s;
}

std::string make_inn10(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  return make_inn10(rng);
}

std::string make_inn12(std::mt19937_64& rng) {
  std::string s = region(rng);
  append_two(s, rng, 50);
  append_digits(s, rng, 6);
  s.push_back(inn12_control1(s));
  s.push_back(inn12_control2(s));
  return s;
}

std::string make_inn12(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  return make_inn12(rng);
}

std::string make_ogrn(std::mt19937_64& rng) {
  std::string s(1, draw(rng, 10) == 0 ? '5' : '1');
  append_two(s, rng, 24);  // year of the record, 2001..2024
  s += region(rng);
  append_digits(s, rng, 7);  // tax office and record number
  s.push_back(number_mod_control(s, 12, 11));
  return s;
}

std::string make_ogrn(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  return make_ogrn(rng);
}

std::string make_ogrnip(std::mt19937_64& rng) {
  std::string s = "3";
  append_two(s, rng, 24);
  s += region(rng);
  append_digits(s, rng, 9);
  s.push_back(number_mod_control(s, 14, 13));
  return s;
}

std::string make_ogrnip(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  return make_ogrnip(rng);
}

namespace {
std::string tax_office(std::string_view inn10) {
  std::string_view s = trim(inn10);
  if (s.size() >= 4 && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3])) {
    return std::string(s.substr(0, 4));
  }
  return "7701";
}
}  // namespace

std::string make_kpp(std::string_view inn10) { return tax_office(inn10) + "01001"; }

std::string make_kpp(std::string_view inn10, std::mt19937_64& rng) {
  static constexpr std::array<const char*, 8> reasons{"01", "01", "01", "01", "01", "01", "43", "45"};
  return tax_office(inn10) + reasons[draw(rng, reasons.size())] + "001";
}

std::string make_account(std::string_view bik, std::mt19937_64& rng) {
  std::string_view b = trim(bik);
  if (b.size() != 9) return "";
  for (char c : b) {
    if (!is_digit(c)) return "";
  }
  std::string s = "40702810";
  s.push_back('0');  // the key, computed below
  append_digits(s, rng, 11);
  // The key sits at position 9 of the account, i.e. 12th of the 23 digits: weight 3. Choose k so that
  // sum + 3k ≡ 0 (mod 10); 7 is the inverse of 3 mod 10.
  int sum = account_key_sum(b.substr(6, 3), s);
  int k = ((10 - sum % 10) % 10) * 7 % 10;
  s[8] = static_cast<char>('0' + k);
  return s;
}

}  // namespace sdelka::core::ru
