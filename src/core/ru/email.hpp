#pragma once
// E-mail addresses: a practical check (local@domain.tld, Cyrillic and other IDN domains allowed) and a
// comparison key. Pure functions, no I/O.
#include <optional>
#include <string>
#include <string_view>

#include "core/ru/check.hpp"

namespace sdelka::core::ru {

// Checks an address after trimming ASCII white space.
// Accepted: exactly one "@"; before it 1–64 bytes of Latin letters, digits, !#$%&'*+/=?^_`{|}~.- or
// non-ASCII letters and digits, not starting or ending with ".", no ".."; after it at least two labels
// separated by ".", each 1–63 bytes of letters (any script), digits and "-", not starting or ending with "-";
// the last label (TLD) is letters only (at least 2) or an IDN "xn--…" label; at most 254 bytes in all.
// Quoted local parts, comments and IP-address domains are not accepted.
// On success (field "email"): value is the address with its domain lower-cased, the local part as typed.
// On failure: code is "empty", "format" (spaces, no "@" or more than one, invalid UTF-8), "local",
// "domain" or "length", with ru / en messages.
Check check_email(std::string_view input);

// The comparison key: the whole accepted address lower-cased (Unicode case folding), for duplicate
// detection and exact search. nullopt when check_email rejects the input.
std::optional<std::string> email_key(std::string_view input);

}  // namespace sdelka::core::ru
