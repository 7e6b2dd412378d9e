// libFuzzer harness: the requisites checks of src/core/ru/requisites.hpp — ИНН (10, 12, either),
// КПП, ОГРН, ОГРНИП, either, БИК, settlement and correspondent accounts — and the generators of
// valid numbers, with the contract's invariants (the order of the rules, the canonical value, the
// messages).
//
// The input is one number; for the accounts it is split at the first '|' or newline into
// account and БИК (the whole input is also tried as an account against a valid БИК). The first
// eight bytes seed the generators.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <string_view>

#include "core/ru/requisites.hpp"
#include "core/text.hpp"
#include "fuzz_util.hpp"

using namespace sdelka::core::ru;

namespace {

// What every Check promises: a verdict with its field; success with the trimmed value, failure
// with a known code and both messages.
void check(const Check& c, std::string_view input, std::initializer_list<const char*> fields) {
  bool field_ok = false;
  for (const char* f : fields) field_ok = field_ok || c.field == f;
  FUZZ_CHECK(field_ok);
  FUZZ_CHECK(c.ok() == c.code.empty());
  FUZZ_CHECK(static_cast<bool>(c) == c.ok());
  if (c.ok()) {
    FUZZ_CHECK(c.ru.empty() && c.en.empty());
    FUZZ_CHECK(c.message("ru").empty() && c.message("en").empty());
    const std::string_view t = sdelka::core::trim(input);
    if (c.field == "kpp") {
      FUZZ_CHECK(c.value.size() == t.size());
    } else if (c.field != "bik" || fields.size() == 1) {
      FUZZ_CHECK(c.value == t);
      FUZZ_CHECK(fuzz::all_digits(c.value));
    }
  } else {
    static const std::set<std::string> codes = {"empty", "digits", "length", "prefix", "checksum"};
    FUZZ_CHECK(codes.count(c.code) == 1);
    FUZZ_CHECK(c.value.empty());
    FUZZ_CHECK(!c.ru.empty() && !c.en.empty());
    FUZZ_CHECK(&c.message("EN-gb") == &c.en && &c.message("ru") == &c.ru && &c.message("") == &c.ru);
    // (an account's check reports its БИК's failure under field "bik": that is about the other input)
    if (c.code == "empty" && (c.field != "bik" || fields.size() == 1)) FUZZ_CHECK(sdelka::core::trim(input).empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view s(reinterpret_cast<const char*>(data), size);
  const std::string_view t = sdelka::core::trim(s);

  const Check inn = check_inn(s), inn10 = check_inn10(s), inn12 = check_inn12(s);
  check(inn, s, {"inn"});
  check(inn10, s, {"inn"});
  check(inn12, s, {"inn"});
  FUZZ_CHECK(inn.ok() == (inn10.ok() || inn12.ok()));
  FUZZ_CHECK(!(inn10.ok() && inn12.ok()));
  if (inn10.ok()) FUZZ_CHECK(t.size() == 10);
  if (inn12.ok()) FUZZ_CHECK(t.size() == 12);
  if (t.size() == 10) FUZZ_CHECK(inn.code == inn10.code);
  if (t.size() == 12) FUZZ_CHECK(inn.code == inn12.code);

  const Check kpp = check_kpp(s);
  check(kpp, s, {"kpp"});
  if (kpp.ok()) {
    FUZZ_CHECK(kpp.value.size() == 9);
    FUZZ_CHECK(fuzz::all_digits(kpp.value.substr(0, 4)) && fuzz::all_digits(kpp.value.substr(6)));
    for (char c : kpp.value.substr(4, 2)) FUZZ_CHECK((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'));
    FUZZ_CHECK(check_kpp(kpp.value).value == kpp.value);  // canonical: checking the value gives it back
  }

  const Check ogrn = check_ogrn(s), ogrnip = check_ogrnip(s), any = check_ogrn_any(s);
  check(ogrn, s, {"ogrn"});
  check(ogrnip, s, {"ogrnip"});
  check(any, s, {"ogrn", "ogrnip"});
  FUZZ_CHECK(any.ok() == (ogrn.ok() || ogrnip.ok()));
  if (ogrn.ok()) FUZZ_CHECK(t.size() == 13 && (t[0] == '1' || t[0] == '5') && any.field == "ogrn");
  if (ogrnip.ok()) FUZZ_CHECK(t.size() == 15 && t[0] == '3' && any.field == "ogrnip");

  const Check bik = check_bik(s);
  check(bik, s, {"bik"});
  if (bik.ok()) FUZZ_CHECK(t.size() == 9 && t.substr(0, 2) == "04");

  // Account and БИК.
  const std::size_t cut = s.find_first_of("|\n");
  const std::string_view account = s.substr(0, cut);
  const std::string_view bik_part = cut == std::string_view::npos ? std::string_view{} : s.substr(cut + 1);
  const Check acc = check_account(account, bik_part), corr = check_corr_account(account, bik_part);
  check(acc, account, {"account", "bik"});
  check(corr, account, {"corr_account", "bik"});
  if (acc.ok() || corr.ok()) FUZZ_CHECK(check_bik(bik_part).ok());
  if (acc.field == "bik") FUZZ_CHECK(!acc.ok() && check_bik(bik_part).code == acc.code);
  if (acc.ok()) FUZZ_CHECK(acc.value.size() == 20);
  for (const char* valid_bik : {"044525225", "040349602"}) {
    const Check a = check_account(s, valid_bik), c = check_corr_account(s, valid_bik);
    check(a, s, {"account"});
    check(c, s, {"corr_account"});
  }

  // The generators always give numbers the checks accept. Those that take only a seed run for inputs
  // of up to 8 bytes (which cover every seed); the ones that read the input, for every input.
  std::uint64_t seed = 0;
  std::memcpy(&seed, data, size < 8 ? size : 8);
  FUZZ_CHECK(check_kpp(make_kpp(s)).ok());
  if (size <= 8) {
    std::mt19937_64 rng(seed);
    FUZZ_CHECK(check_inn10(make_inn10(rng)).ok());
    FUZZ_CHECK(check_inn12(make_inn12(rng)).ok());
    FUZZ_CHECK(check_ogrn(make_ogrn(rng)).ok());
    FUZZ_CHECK(check_ogrnip(make_ogrnip(rng)).ok());
    FUZZ_CHECK(check_inn12(make_inn12(seed)).ok());
    FUZZ_CHECK(check_kpp(make_kpp(s, rng)).ok());
  }
  const bool bik_digits = t.size() == 9 && fuzz::all_digits(t);
  if (bik_digits) {
    std::mt19937_64 rng(seed);
    const std::string made = make_account(s, rng);
    FUZZ_CHECK(made.size() == 20);
    if (bik.ok()) FUZZ_CHECK(check_account(made, s).ok());
  } else if (size <= 8) {
    std::mt19937_64 rng(seed);
    FUZZ_CHECK(make_account(s, rng).empty());
  }
  return 0;
}
