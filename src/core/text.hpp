#pragma once
// Text helpers over UTF-8 byte strings. No I/O, no allocation beyond the returned values.
#include <string>
#include <string_view>

namespace sdelka::core {

// True when `s` is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
bool valid_utf8(std::string_view s) noexcept;
// The longest prefix of UTF-8 text `s` of at most max_bytes that does not cut a character in two.
std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes) noexcept;

// `s` with leading and trailing ASCII white space removed.
std::string_view trim(std::string_view s) noexcept;

}  // namespace sdelka::core
