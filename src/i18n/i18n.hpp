#pragma once
// The string catalogues (web/i18n/ru.json, en.json, embedded). Russian is the default language.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/error.hpp"

namespace sdelka::i18n {

// "ru" or "en"; anything else maps to "ru".
std::string_view normalize(std::string_view lang);
// The text for key in lang; the Russian text when en lacks it; the key itself when both lack it.
const std::string& t(std::string_view lang, std::string_view key);
// The text of `text.key` in lang with each {name} replaced by its argument.
std::string words(std::string_view lang, const core::Text& text);
// The error with every text it carries as a key (title, detail, field errors) put into words in
// lang; texts already in words stay. The edge calls it once, in the caller's language.
core::DomainError worded(const core::DomainError& e, std::string_view lang);
// The whole catalogue of a language (flat object key → text).
const nlohmann::json& catalogue(std::string_view lang);
// Keys present in one catalogue but not the other (for the catalogue test).
std::vector<std::string> missing_keys();

}  // namespace sdelka::i18n
