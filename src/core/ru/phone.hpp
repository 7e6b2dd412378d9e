#pragma once
// Phone numbers: normalisation to +7XXXXXXXXXX (Russia) or E.164 (other countries) and a search key.
// Pure functions, no I/O.
#include <optional>
#include <string>
#include <string_view>

#include "core/ru/check.hpp"

namespace sdelka::core::ru {

// A Check (field "phone") with the extension kept apart.
struct PhoneCheck : Check {
  // The extension's digits ("" when there is none or on failure).
  std::string extension;
};

// Normalises a phone number as people type it.
// Accepted: digits with spaces (also no-break), brackets, dashes (also en/em dashes) and dots; one leading
// "+"; then optionally an extension after a marker — "доб.", "доб", "доп.", "вн.", "добавочный", "ext.",
// "ext", "extension" or "#" (any case) — of 1 to 6 digits. Letters are case-folded first.
// Russian numbers (value "+7" + 10 digits):
//   "8 XXX…", "7 XXX…", "+7 XXX…" — 10 digits after the 8 / 7 whose first digit is 3, 4, 8, 9 (Russia) or
//   6, 7 (Kazakhstan shares +7);  a bare 10-digit number starting with 9 (mobile) or 3, 4, 8 (area codes).
// Other countries (value "+" + 8–15 digits, E.164): "+CC…" with a country code not starting with 0 or 7;
// the international prefixes "00" and Russian "8 10" stand for "+".
// On success: value as above, extension set. On failure: code is one of
//   "empty"     nothing given;
//   "digits"    a character other than those above (letters, a "+" in the middle, …);
//   "length"    the wrong number of digits («Номер телефона должен содержать 11 цифр…»);
//   "prefix"    the digits start wrongly (an 11-digit number not starting with 8 or 7, a 10-digit one not
//               with 9/3/4/8, an area code starting with 0/1/2/5, a country code starting with 0);
//   "extension" a marker without 1–6 digits after it, or something after those digits.
PhoneCheck normalize_phone(std::string_view input);

// The key to look a phone up by: the digits of normalize_phone's value without the "+" ("79161234567"),
// the extension ignored. nullopt when normalize_phone rejects the input (the text is not a phone).
std::optional<std::string> phone_search_key(std::string_view input);

}  // namespace sdelka::core::ru
