#include "core/words.hpp"

#include <array>
#include <cstdint>
#include <string_view>

namespace sdelka::core {
namespace {

enum class Gender { masculine, feminine };

struct Forms {
  std::string_view one, few, many;  // 1 рубль, 2 рубля, 5 рублей
  Gender gender;
};

constexpr std::array<std::string_view, 10> kUnitsMasc = {
    "", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"};
constexpr std::array<std::string_view, 10> kTeens = {
    "десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать",
    "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать"};
constexpr std::array<std::string_view, 10> kTens = {
    "", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто"};
constexpr std::array<std::string_view, 10> kHundreds = {
    "", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот"};

// Thousand groups from the lowest: index 0 is the roubles group itself (the noun follows at the end).
constexpr std::array<Forms, 6> kGroups = {{
    {"", "", "", Gender::masculine},
    {"тысяча", "тысячи", "тысяч", Gender::feminine},
    {"миллион", "миллиона", "миллионов", Gender::masculine},
    {"миллиард", "миллиарда", "миллиардов", Gender::masculine},
    {"триллион", "триллиона", "триллионов", Gender::masculine},
    {"квадриллион", "квадриллиона", "квадриллионов", Gender::masculine},
}};
constexpr Forms kRouble = {"рубль", "рубля", "рублей", Gender::masculine};
constexpr Forms kKopeck = {"копейка", "копейки", "копеек", Gender::feminine};

std::string_view plural(std::uint64_t n, const Forms& f) {
  const std::uint64_t last2 = n % 100;
  const std::uint64_t last = n % 10;
  if (last2 >= 11 && last2 <= 14) return f.many;
  if (last == 1) return f.one;
  if (last >= 2 && last <= 4) return f.few;
  return f.many;
}

void append_word(std::string& out, std::string_view w) {
  if (w.empty()) return;
  if (!out.empty()) out += ' ';
  out += w;
}

// Words for 1..999 in the given gender.
void append_triple(std::string& out, unsigned n, Gender g) {
  append_word(out, kHundreds[n / 100]);
  const unsigned rest = n % 100;
  if (rest >= 10 && rest <= 19) {
    append_word(out, kTeens[rest - 10]);
    return;
  }
  append_word(out, kTens[rest / 10]);
  const unsigned u = rest % 10;
  if (g == Gender::feminine && u == 1) append_word(out, "одна");
  else if (g == Gender::feminine && u == 2) append_word(out, "две");
  else append_word(out, kUnitsMasc[u]);
}

// Upper-cases the first letter when it is a lower-case Cyrillic letter а–я (all the words above).
void capitalise(std::string& s) {
  if (s.size() < 2) return;
  auto b0 = static_cast<unsigned char>(s[0]);
  auto b1 = static_cast<unsigned char>(s[1]);
  unsigned cp = ((b0 & 0x1Fu) << 6) | (b1 & 0x3Fu);
  if ((b0 & 0xE0u) != 0xC0u || cp < 0x430 || cp > 0x44F) return;
  cp -= 0x20;
  s[0] = static_cast<char>(0xC0u | (cp >> 6));
  s[1] = static_cast<char>(0x80u | (cp & 0x3Fu));
}

}  // namespace

Result<std::string> amount_in_words(Money amount) {
  if (amount.kopecks < 0) return fail("a negative amount has no sum in words");
  const std::uint64_t roubles = static_cast<std::uint64_t>(amount.kopecks) / 100;
  const unsigned kop = static_cast<unsigned>(amount.kopecks % 100);

  std::string out;
  out.reserve(160);
  if (roubles == 0) {
    out = "ноль";
  } else {
    std::array<unsigned, kGroups.size()> triples{};
    std::uint64_t r = roubles;
    for (auto& t : triples) {
      t = static_cast<unsigned>(r % 1000);
      r /= 1000;
    }
    for (std::size_t g = triples.size(); g-- > 0;) {
      if (triples[g] == 0) continue;
      append_triple(out, triples[g], g == 0 ? kRouble.gender : kGroups[g].gender);
      if (g != 0) append_word(out, plural(triples[g], kGroups[g]));
    }
  }
  append_word(out, plural(roubles, kRouble));
  out += ' ';
  out += static_cast<char>('0' + kop / 10);
  out += static_cast<char>('0' + kop % 10);
  out += ' ';
  out += plural(kop, kKopeck);
  capitalise(out);
  return out;
}

}  // namespace sdelka::core
