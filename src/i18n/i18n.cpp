#include "i18n/i18n.hpp"

#include <nlohmann/json.hpp>
#include <unordered_map>

#include "core/embedded.hpp"

namespace sdelka {
const std::vector<core::EmbeddedFile>& i18n_files();
}

namespace sdelka::i18n {
namespace {
struct Catalogues {
  nlohmann::json ru, en;
  std::unordered_map<std::string, std::string> ru_map, en_map;
};
const Catalogues& cats() {
  static const Catalogues c = [] {
    Catalogues out;
    for (const auto& f : i18n_files()) {
      auto j = nlohmann::json::parse(f.data);
      if (f.path == "ru.json") out.ru = j;
      if (f.path == "en.json") out.en = j;
    }
    for (auto& [k, v] : out.ru.items()) out.ru_map[k] = v.get<std::string>();
    for (auto& [k, v] : out.en.items()) out.en_map[k] = v.get<std::string>();
    return out;
  }();
  return c;
}
}  // namespace

std::string_view normalize(std::string_view lang) { return lang == "en" ? "en" : "ru"; }

const std::string& t(std::string_view lang, std::string_view key) {
  const auto& c = cats();
  std::string k(key);
  if (normalize(lang) == "en") {
    auto it = c.en_map.find(k);
    if (it != c.en_map.end()) return it->second;
  }
  auto it = c.ru_map.find(k);
  if (it != c.ru_map.end()) return it->second;
  static thread_local std::string fallback;
  fallback = k;
  return fallback;
}

std::string words(std::string_view lang, const core::Text& text) {
  std::string out = t(lang, text.key);
  for (const auto& [name, value] : text.args) {
    const std::string mark = "{" + name + "}";
    for (auto at = out.find(mark); at != std::string::npos; at = out.find(mark, at + value.size())) out.replace(at, mark.size(), value);
  }
  return out;
}

core::DomainError worded(const core::DomainError& e, std::string_view lang) {
  core::DomainError out = e;
  if (out.title.empty() && !out.title_text.empty())
    out.set_words(words(lang, out.title_text), out.detail_text.empty() ? out.detail : words(lang, out.detail_text));
  for (auto& f : out.fields)
    if (f.message.empty() && !f.text.empty()) f.message = words(lang, f.text);
  return out;
}

const nlohmann::json& catalogue(std::string_view lang) { return normalize(lang) == "en" ? cats().en : cats().ru; }

std::vector<std::string> missing_keys() {
  std::vector<std::string> out;
  const auto& c = cats();
  for (auto& [k, _] : c.ru_map)
    if (!c.en_map.count(k)) out.push_back("en:" + k);
  for (auto& [k, _] : c.en_map)
    if (!c.ru_map.count(k)) out.push_back("ru:" + k);
  return out;
}

}  // namespace sdelka::i18n
