#pragma once
// Russian company requisites: ИНН, КПП, ОГРН, ОГРНИП, БИК and bank accounts — validation with the
// official control algorithms, and generators of valid numbers for demo data. Pure functions, no I/O.
//
// Every check_* function trims ASCII white space around the input, then returns a Check (core/ru/check.hpp):
//   success: ok() is true, code is empty, value is the trimmed number (КПП with its letters upper-cased);
//   failure: ok() is false, field names the field, code is one of
//     "empty"    only white space was given;
//     "digits"   a character other than a digit (for КПП: other than the allowed pattern); a space, tab or
//                other white space INSIDE the number is rejected with its own message (no spaces allowed);
//     "length"   the wrong number of digits;
//     "prefix"   the leading digits are not allowed (ИНН "00…", ОГРН not 1/5, ОГРНИП not 3, БИК not 04);
//     "checksum" the control digit(s) or the account key do not match;
//   and message("ru") / message("en") say why in Russian / English, naming the field.
// Rules are checked in this order: empty, digits, length, prefix, checksum; the first failure is reported.
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "core/ru/check.hpp"

namespace sdelka::core::ru {

// ИНН of either kind: 10 digits (legal entity) or 12 digits (person, ИП), chosen by the digit count.
Check check_inn(std::string_view input);
// ИНН of a legal entity: 10 digits; control digit with weights 2,4,10,3,5,9,4,6,8 (sum mod 11 mod 10).
Check check_inn10(std::string_view input);
// ИНН of a person / ИП: 12 digits; two control digits with weights 7,2,4,10,3,5,9,4,6,8 and
// 3,7,2,4,10,3,5,9,4,6,8 (each sum mod 11 mod 10).
Check check_inn12(std::string_view input);
// КПП: 9 characters — 4 digits (tax office), 2 of [0-9A-Z] (reason; lower-case Latin letters are accepted
// and upper-cased in value), 3 digits. Codes: "empty", "digits" (pattern broken), "length".
Check check_kpp(std::string_view input);
// ОГРН: 13 digits, first digit 1 or 5, control = (first 12 digits as a number mod 11) mod 10.
Check check_ogrn(std::string_view input);
// ОГРНИП: 15 digits, first digit 3, control = (first 14 digits as a number mod 13) mod 10.
Check check_ogrnip(std::string_view input);
// ОГРН or ОГРНИП, chosen by the digit count (13 or 15); field is "ogrn" for 13 digits, "ogrnip" for 15.
Check check_ogrn_any(std::string_view input);
// БИК of a Russian bank: 9 digits starting with "04".
Check check_bik(std::string_view input);
// Settlement account (расчётный счёт): 20 digits whose Bank of Russia key matches the БИК: the 23 digits
// "last 3 digits of the БИК" + account, weighted 7,1,3,7,1,3,…, sum to a multiple of 10.
// When the БИК itself fails check_bik, that failure is returned (field "bik"); otherwise field is "account".
Check check_account(std::string_view account, std::string_view bik);
// Correspondent account (корреспондентский счёт): as check_account but over "0" + БИК digits 5–6 + account.
// Field "corr_account" (or "bik" when the БИК fails).
Check check_corr_account(std::string_view account, std::string_view bik);

// Generators of VALID numbers for demo data. Deterministic: the same generator state (or seed) gives the
// same number on every platform (raw mt19937_64 output is used, no std distributions). Region and tax
// office codes are plausible (real region codes); numbers are random, not of real companies.
// The std::mt19937_64& overloads advance the generator; the seed overloads use a fresh mt19937_64(seed).
std::string make_inn10(std::mt19937_64& rng);  // 10 digits, passes check_inn10
std::string make_inn10(std::uint64_t seed);
std::string make_inn12(std::mt19937_64& rng);  // 12 digits, passes check_inn12
std::string make_inn12(std::uint64_t seed);
std::string make_ogrn(std::mt19937_64& rng);  // 13 digits starting with 1 (one in ten with 5), passes check_ogrn
std::string make_ogrn(std::uint64_t seed);
std::string make_ogrnip(std::mt19937_64& rng);  // 15 digits starting with 3, passes check_ogrnip
std::string make_ogrnip(std::uint64_t seed);
// КПП of the head office: the first 4 digits of inn10 (its tax office) + "01001". When inn10 does not start
// with 4 digits, the Moscow office "7701" is used. Always passes check_kpp.
std::string make_kpp(std::string_view inn10);
// As above, with the reason code drawn from rng among 01 (head office, most often), 43 (branch), 45 (division).
std::string make_kpp(std::string_view inn10, std::mt19937_64& rng);
// Settlement account "40702810…" (a commercial organisation's rouble account) whose key matches bik.
// Returns "" when bik is not 9 digits; otherwise the result passes check_account(result, bik) for a valid bik.
std::string make_account(std::string_view bik, std::mt19937_64& rng);

}  // namespace sdelka::core::ru
