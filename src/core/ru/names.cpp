#include "core/ru/names.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <utf8proc.h>

#include "core/ru/unicode.hpp"

namespace sdelka::core::ru {
namespace {

using detail::decode;

bool is_word_char(char32_t cp) noexcept {
  if (cp < 0x80) return (cp >= U'a' && cp <= U'z') || (cp >= U'A' && cp <= U'Z') || (cp >= U'0' && cp <= U'9');
  if (cp >= 0x400 && cp <= 0x45F) return true;  // the basic Cyrillic block is all letters
  return detail::is_letter(cp) || detail::is_number(cp) || detail::is_mark(cp);
}

// Characters that join two letters into one word instead of separating them.
bool is_joiner(char32_t cp) noexcept {
  switch (cp) {
    case U'\'': case U'\u2019': case U'\u02BC': case U'`': case U'\u00B4': case U'\u2018':  // apostrophes
    case U'-': case U'\u2010': case U'\u2011':                                                // hyphens
      return true;
    default:
      return false;
  }
}

// Characters met in nearly every Russian text whose case folding is at most a fixed offset and which
// neither take part in NFC composition nor are default-ignorable: ASCII, the basic Cyrillic block,
// Latin-1 punctuation (not the soft hyphen, not µ), dashes and quotes (U+2010–U+2027), U+202F, ‹ › and №.
bool simple_cp(char32_t cp) noexcept {
  if (cp < 0x80) return true;
  if (cp >= 0x400 && cp <= 0x45F) return true;
  if (cp >= 0xA0 && cp <= 0xBF) return cp != 0xAD && cp != 0xB5;
  if (cp >= 0x2010 && cp <= 0x2027) return true;
  return cp == 0x202F || cp == 0x2039 || cp == 0x203A || cp == 0x2116;
}

// The same result utf8proc's NFC + case folding gives such text, without its normalisation passes.
// false (s untouched) when another character is present.
bool fold_simple(std::u32string& s) noexcept {
  for (char32_t cp : s) {
    if (!simple_cp(cp)) return false;
  }
  for (char32_t& cp : s) {
    if (cp >= U'A' && cp <= U'Z') cp += 0x20;
    else if (cp >= 0x410 && cp <= 0x42F) cp += 0x20;
    else if (cp >= 0x400 && cp <= 0x40F) cp += 0x50;
  }
  return true;
}

std::u32string fold32(std::string_view s) {
  std::u32string in = decode(s);
  if (!fold_simple(in)) in = decode(detail::fold_case(s));
  std::u32string out;
  out.reserve(in.size());
  for (char32_t cp : in) {
    if (cp == U'\u0451') cp = U'\u0435';  // ё → е (case folding made Ё into ё already)
    if (cp == U'\u0300' || cp == U'\u0301') continue;  // stress marks left uncomposed (on Cyrillic vowels)
    out.push_back(cp);
  }
  return out;
}

std::vector<std::u32string> words(std::string_view s) {
  std::u32string t = fold32(s);
  std::vector<std::u32string> out;
  std::u32string cur;
  for (std::size_t i = 0; i < t.size(); ++i) {
    char32_t cp = t[i];
    if (is_word_char(cp)) {
      cur.push_back(cp);
    } else if (is_joiner(cp) && !cur.empty() && i + 1 < t.size() && is_word_char(t[i + 1])) {
      continue;
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

const char* cyrillic_latin(char32_t cp) noexcept {
  static constexpr std::array<const char*, 32> basic{
      "a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
      "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"};
  if (cp >= U'\u0430' && cp <= U'\u044F') return basic[cp - U'\u0430'];
  switch (cp) {
    case U'\u0451': return "e";   // ё
    case U'\u0456': return "i";   // і
    case U'\u0457': return "yi";  // ї
    case U'\u0454': return "ye";  // є
    case U'\u0491': return "g";   // ґ
    case U'\u045E': return "u";   // ў
    default: return nullptr;
  }
}

bool ascii_alnum(char32_t cp) noexcept {
  return (cp >= U'a' && cp <= U'z') || (cp >= U'0' && cp <= U'9');
}

// Step 3a: a word's letters in Latin (Cyrillic by the table, diacritics and compatibility forms removed);
// letters of other scripts are kept as they are.
std::string raw_latin(const std::u32string& w) {
  std::string out;
  for (char32_t cp : w) {
    if (ascii_alnum(cp)) {
      out.push_back(static_cast<char>(cp));
    } else if (const char* lat = cyrillic_latin(cp)) {
      out += lat;
    } else if (detail::is_mark(cp)) {
      continue;
    } else {
      utf8proc_int32_t buf[18];
      int boundclass = 0;
      auto opts = static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_STRIPMARK |
                                                 UTF8PROC_CASEFOLD);
      utf8proc_ssize_t n = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(cp), buf, 18, opts, &boundclass);
      if (n <= 0 || n > 18) {
        detail::append_utf8(out, cp);
        continue;
      }
      for (utf8proc_ssize_t i = 0; i < n; ++i) {
        auto c = static_cast<char32_t>(buf[i]);
        if (c >= U'A' && c <= U'Z') c = c - U'A' + U'a';
        if (ascii_alnum(c)) out.push_back(static_cast<char>(c));
        else if (const char* l = cyrillic_latin(c)) out += l;
        else if (!detail::is_mark(c)) detail::append_utf8(out, c);
      }
    }
  }
  return out;
}

bool starts_at(const std::string& s, std::size_t i, std::string_view p) noexcept {
  return s.compare(i, p.size(), p) == 0;
}

bool is_ascii_letter(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string collapse_runs(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (!out.empty() && out.back() == c && is_ascii_letter(c)) continue;
    out.push_back(c);
  }
  return out;
}

// Step 3b. Upper-case letters are temporary markers for sounds written with two letters:
// S = sh (ш, щ), Z = zh (ж), C = ch (ч), T = ts (ц); everything else is lower-case here.
std::string phonetic(std::string s) {
  if (s.size() >= 4 && s.compare(s.size() - 3, 3, "off") == 0) s.replace(s.size() - 3, 3, "ov");

  struct Rule {
    std::string_view from;
    std::string_view to;
  };
  static constexpr std::array<Rule, 12> digraphs{{{"shch", "S"}, {"sch", "S"}, {"shh", "S"}, {"sh", "S"},
                                                  {"zh", "Z"}, {"tch", "C"}, {"ch", "C"}, {"cz", "C"},
                                                  {"kh", "h"}, {"ph", "f"}, {"ts", "T"}, {"tz", "T"}}};
  std::string a;
  a.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    bool hit = false;
    char first = s[i];
    bool may = first == 's' || first == 'z' || first == 't' || first == 'c' || first == 'k' || first == 'p';
    for (const Rule& r : digraphs) {
      if (may && first == r.from[0] && starts_at(s, i, r.from)) {
        a += r.to;
        i += r.from.size();
        hit = true;
        break;
      }
    }
    if (!hit) a.push_back(s[i++]);
  }

  std::string b;
  b.reserve(a.size() + 4);
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    char next = i + 1 < a.size() ? a[i + 1] : '\0';
    switch (c) {
      case 'c': b.push_back(next == 'e' || next == 'i' || next == 'y' ? 'T' : 'k'); break;
      case 'x': b += "ks"; break;
      case 'w': b.push_back('v'); break;
      case 'q': b.push_back('k'); break;
      case 'y':
        if (next == 'o') {
          b.push_back('e');
          ++i;
        } else {
          b.push_back('i');
        }
        break;
      case 'j': b.push_back('i'); break;
      case 'o':
        if (next == 'u') {
          b.push_back('u');
          ++i;
        } else {
          b.push_back('o');
        }
        break;
      default: b.push_back(c);
    }
  }

  std::string c = collapse_runs(b);
  std::string d;
  d.reserve(c.size());
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (c[i] == 'i' && i + 1 < c.size() && (c[i + 1] == 'e' || c[i + 1] == 'u')) continue;  // ie → e, iu → u
    d.push_back(c[i]);
  }
  d = collapse_runs(d);

  std::string out;
  out.reserve(d.size() + 4);
  for (char ch : d) {
    switch (ch) {
      case 'S': out += "sh"; break;
      case 'Z': out += "zh"; break;
      case 'C': out += "ch"; break;
      case 'T': out += "ts"; break;
      default: out.push_back(ch);
    }
  }
  return out;
}

std::vector<std::string> latin_words(std::string_view s) {
  std::vector<std::string> out;
  for (const auto& w : words(s)) {
    std::string l = phonetic(raw_latin(w));
    if (!l.empty()) out.push_back(std::move(l));
  }
  return out;
}

std::string join(const std::vector<std::string>& ws) {
  std::string out;
  for (const auto& w : ws) {
    if (!out.empty()) out.push_back(' ');
    out += w;
  }
  return out;
}

// The legal forms, each as the key words it folds to (so written forms and their transliterations meet).
struct LegalForms {
  // By first word: the phrases starting with it, longest first.
  std::unordered_map<std::string, std::vector<std::vector<std::string>>> by_first;
};

const LegalForms& legal_forms() {
  static const LegalForms forms = [] {
    static constexpr std::array<std::string_view, 67> written{
        // Abbreviations.
        "ООО", "ОАО", "ЗАО", "ПАО", "АО", "НАО", "ОДО", "НКО", "АНО", "ИП", "ПБОЮЛ", "ГУП", "МУП", "ФГУП",
        "ГБУ", "МБУ", "ФГБУ", "ГАУ", "МАУ", "ГКУ", "МКУ", "КФХ", "ТСЖ", "СНТ",
        "OOO", "LLC", "Ltd", "JSC", "PJSC", "CJSC", "OJSC", "Inc", "GmbH", "Corp", "PLC", "LLP", "Limited",
        "Incorporated", "Corporation", "Co Ltd", "Co Inc",
        // Spelled out.
        "общество с ограниченной ответственностью", "общество с дополнительной ответственностью",
        "акционерное общество", "открытое акционерное общество", "закрытое акционерное общество",
        "публичное акционерное общество", "непубличное акционерное общество", "индивидуальный предприниматель",
        "некоммерческая организация", "автономная некоммерческая организация",
        "государственное унитарное предприятие", "муниципальное унитарное предприятие",
        "федеральное государственное унитарное предприятие", "крестьянское фермерское хозяйство",
        "товарищество собственников жилья",
        "limited liability company", "joint stock company", "joint-stock company", "public joint stock company",
        "public joint-stock company", "closed joint stock company", "open joint stock company",
        "public limited company", "private limited company", "limited company", "sole proprietor"};
    LegalForms f;
    for (std::string_view w : written) {
      std::vector<std::string> p = latin_words(w);
      if (!p.empty()) f.by_first[p.front()].push_back(std::move(p));
    }
    for (auto& [first, list] : f.by_first) {
      std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
    }
    return f;
  }();
  return forms;
}

}  // namespace

std::string text_fold(std::string_view s) { return detail::encode(fold32(s)); }

std::string company_name_key(std::string_view name) {
  std::vector<std::string> ws = latin_words(name);
  const auto& forms = legal_forms();
  std::vector<std::string> kept;
  for (std::size_t i = 0; i < ws.size();) {
    std::size_t skip = 0;
    if (auto it = forms.by_first.find(ws[i]); it != forms.by_first.end()) {
      for (const auto& p : it->second) {
        if (p.size() > ws.size() - i) continue;
        if (std::equal(p.begin(), p.end(), ws.begin() + static_cast<std::ptrdiff_t>(i))) {
          skip = p.size();
          break;
        }
      }
    }
    if (skip == 0) {
      kept.push_back(ws[i]);
      skip = 1;
    }
    i += skip;
  }
  return join(kept.empty() ? ws : kept);
}

std::string person_name_key(std::string_view full_name) {
  std::vector<std::string> ws = latin_words(full_name);
  std::sort(ws.begin(), ws.end());
  return join(ws);
}

double similarity(std::string_view a_key, std::string_view b_key) {
  auto trigrams = [](std::string_view key) {
    std::unordered_set<std::u32string> set;
    std::u32string k = decode(key);
    std::size_t i = 0;
    while (i < k.size()) {
      while (i < k.size() && k[i] == U' ') ++i;
      std::size_t j = i;
      while (j < k.size() && k[j] != U' ') ++j;
      if (j > i) {
        std::u32string padded = U"  " + k.substr(i, j - i) + U" ";
        for (std::size_t t = 0; t + 3 <= padded.size(); ++t) set.insert(padded.substr(t, 3));
      }
      i = j;
    }
    return set;
  };
  auto a = trigrams(a_key);
  auto b = trigrams(b_key);
  if (a.empty() || b.empty()) return 0.0;
  std::size_t shared = 0;
  for (const auto& t : a) shared += b.count(t);
  return static_cast<double>(shared) / static_cast<double>(a.size() + b.size() - shared);
}

}  // namespace sdelka::core::ru
