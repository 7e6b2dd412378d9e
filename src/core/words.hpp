#pragma once
// Sum in words ("сумма прописью") for roubles and kopecks, as written on Russian payment documents.
#include <string>

#include "core/money.hpp"
#include "core/result.hpp"

namespace sdelka::core {

// Roubles in words with the right gender and plural forms, kopecks as two digits with the right
// plural, first letter capitalised, UTF-8:
//   1234.56 → "Одна тысяча двести тридцать четыре рубля 56 копеек"
//   21.01   → "Двадцать один рубль 01 копейка"
//   0.00    → "Ноль рублей 00 копеек"
// Works for every non-negative amount up to the int64 limit (92 квадриллиона рублей).
// Returns the text, or an Error for a negative amount.
Result<std::string> amount_in_words(Money amount);

}  // namespace sdelka::core
