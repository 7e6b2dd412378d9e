#pragma once
// Internal Unicode helpers of sdelka_ru over utf8proc (not part of the public contract of the library).
#include <string>
#include <string_view>

namespace sdelka::core::ru::detail {

// Code points of UTF-8 text; an invalid byte becomes U+FFFD and decoding goes on with the next byte.
std::u32string decode(std::string_view s);
// Appends the UTF-8 form of cp (U+FFFD for a value that is not a Unicode scalar).
void append_utf8(std::string& out, char32_t cp);
std::string encode(std::u32string_view s);
// NFC + Unicode case folding (full: "ß" → "ss"), default-ignorable characters (soft hyphen, zero-width
// joiners, …) dropped; invalid bytes become U+FFFD. Never fails.
std::string fold_case(std::string_view s);

bool is_letter(char32_t cp) noexcept;  // general category L*
bool is_number(char32_t cp) noexcept;  // general category N*
bool is_mark(char32_t cp) noexcept;    // general category M*

}  // namespace sdelka::core::ru::detail
