#pragma once
// Folding of names and search text for duplicate detection and search. Pure functions, no I/O; every
// function accepts any bytes (invalid UTF-8 is read as U+FFFD) and never fails.
//
// Keys are built in four steps:
//   1. text_fold: Unicode NFC + case folding (utf8proc), ё → е, stress marks dropped;
//   2. words: letters and digits; an apostrophe or a hyphen between two letters joins them ("Альфа-Строй",
//      "Il'ya" → one word); every other character (quotes «»„“"'`, punctuation, №, &, …) separates words;
//   3. transliteration of each word to one simplified phonetic Latin form, applied alike to Cyrillic and
//      to Latin input so that the common Latin spellings of a Russian name meet:
//        Cyrillic → Latin: а a, б b, в v, г g, д d, е/ё/э e, ж zh, з z, и i, й y, к k, л l, м m, н n, о o,
//        п p, р r, с s, т t, у u, ф f, х kh, ц ts, ч ch, ш sh, щ shch, ъ/ь (dropped), ы y, ю yu, я ya
//        (and і i, ї yi, є ye, ґ g, ў u); Latin letters with diacritics lose them ("é" → "e");
//        then, on every word: a final "off" → "ov"; shch/sch/shh → sh; tch/cz → ch; kh → h; ph → f;
//        tz → ts; "c" before e/i/y → ts, any other "c" → k; x → ks; w → v; q → k; yo → e; y, j → i;
//        ou → u; runs of one letter collapse to one; ie → e; iu → u.
//      So "Ромашка" = "Romashka", "Щукин" = "Shchukin" = "Schukin", "Хохлома" = "Khokhloma" = "Hohloma",
//      "Юлия" = "Yulia" = "Iuliia" = "Julia", "Яндекс" = "Yandex", "Семёнов" = "Semyonov" = "Semenov";
//   4. words joined by one space.
#include <string>
#include <string_view>

namespace sdelka::core::ru {

// Lower-case (Unicode case folding, NFC) with ё → е and combining stress marks (U+0300, U+0301) removed;
// other characters (spaces, punctuation, digits) are kept. For search tokens: «Ёлка» → «елка».
std::string text_fold(std::string_view s);

// The canonical key of a company name for duplicate detection: steps 1–4 above, with the legal-form words
// dropped wherever they stand — abbreviations (ООО, ОАО, ЗАО, ПАО, АО, НАО, ОДО, НКО, АНО, ИП, ПБОЮЛ, ГУП,
// МУП, ФГУП, ГБУ, МБУ, ФГБУ, ГАУ, МАУ, ГКУ, МКУ, КФХ, ТСЖ, СНТ, OOO, LLC, Ltd, JSC, PJSC, CJSC, OJSC, Inc,
// GmbH, Corp, PLC, LLP, Limited, Incorporated, Corporation, "Co Ltd", "Co Inc") and the spelled-out forms
// («общество с ограниченной ответственностью», «акционерное общество», «публичное / открытое / закрытое /
// непубличное акционерное общество», «индивидуальный предприниматель», «(автономная) некоммерческая
// организация», «(федеральное) государственное / муниципальное унитарное предприятие», "limited liability
// company", "(public / closed / open) joint stock company", …).
// «ООО "Ромашка"», "Ромашка ООО", "OOO Romashka", «Общество с ограниченной ответственностью «Ромашка»» and
// "romashka, llc" all give "romashka". When nothing but legal-form words is given, they are kept (so "ООО"
// gives "o", not ""). Returns "" only for a name with no letters or digits; callers must not treat two
// empty keys as a match.
std::string company_name_key(std::string_view name);

// The key of a person's full name: steps 1–3 above, then the words sorted (byte order) and joined by one
// space, so "Иванов Иван" == "Иван Иванов" == "Ivan Ivanov". "" when there are no letters or digits.
std::string person_name_key(std::string_view full_name);

// How alike two keys are, in [0, 1]: trigram Jaccard similarity computed the way PostgreSQL's pg_trgm
// similarity() does it (each word padded with two spaces in front and one behind, the sets of code-point
// trigrams compared: shared / (in a + in b − shared)). 1 for equal non-empty keys; 0 when either key is
// empty. "romashka" vs "romashka plus" ≈ 0.64; unrelated names are usually below 0.2.
double similarity(std::string_view a_key, std::string_view b_key);

}  // namespace sdelka::core::ru
