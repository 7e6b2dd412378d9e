#pragma once
// Russian search on PostgreSQL: the expressions a context puts in its migration and its repo to
// get what the SQLite tokenizer `ru` gives (store/fts_ru.hpp), plus fuzzy names with pg_trgm.
// docs/search.md shows the resulting DDL and queries; tests/unit/fts_test.cpp runs them.
//
// Requirement: the database's LC_CTYPE must be a UTF-8 locale (C.UTF-8 or ru_RU.UTF-8). Under
// LC_CTYPE=C, lower() leaves Cyrillic alone and pg_trgm sees no Cyrillic letters at all, so
// searches silently find less. Run kLocaleCheckSql at start-up and refuse or warn when it says 0.
//
// Per searchable text column `col` a table gets two stored generated columns and three indexes:
//   col_fold  text     fold_sql(col): lower case, ё→е, every run of non-alphanumerics → one
//                      space, trimmed ("ООО «Ёлка»" → "ооо елка"); btree text_pattern_ops for
//                      `LIKE 'prefix%'`, GIN gin_trgm_ops for `%` / similarity().
//   col_tsv  tsvector tsvector_sql(col): the Russian stems with weight A and the folded words
//                      (config 'simple') with weight B, one GIN index. The weights do what the
//                      '=' marker does on SQLite: a stem never matches a whole word by accident.
// Queries take their parameters from query(): the same words and the same last-word rule as
// fts_query_ru(), so both backends find the same rows for the same input (up to the parsers:
// PostgreSQL also indexes "петров-водкин" whole and keeps the sign of "+7" and "-45").
//
// The functions that take identifiers paste them into SQL: pass only column and table names
// written in the code, never user input. Everything user-typed travels as a parameter.
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"
#include "store/fts_ru.hpp"

namespace sdelka::store::pg_search {

// Yields one row with 1 when lower() and pg_trgm understand Cyrillic in this database, else 0.
inline constexpr std::string_view kLocaleCheckSql =
    "SELECT CASE WHEN lower('ЁЖ') = 'ёж' THEN 1 ELSE 0 END";

// The extension for fuzzy matching (contrib, in Debian's postgresql-15). Needs the CREATE
// privilege on the database; a migration runs it once.
inline constexpr std::string_view kTrigramExtensionSql = "CREATE EXTENSION IF NOT EXISTS pg_trgm";

// Lower case and ё→е of a text expression (the base of both generated columns).
inline std::string lower_sql(std::string_view expr) {
  return "translate(lower(" + std::string(expr) + "), 'ё', 'е')";
}

// The folded text: words separated by single spaces.
inline std::string fold_sql(std::string_view expr) {
  return "btrim(regexp_replace(" + lower_sql(expr) + ", '[^[:alnum:]]+', ' ', 'g'))";
}

// Stems (weight A) and folded words (weight B) of a text expression.
inline std::string tsvector_sql(std::string_view expr) {
  const std::string low = lower_sql(expr);
  return "setweight(to_tsvector('russian', coalesce(" + low + ", '')), 'A') || setweight(to_tsvector('simple', coalesce(" +
         low + ", '')), 'B')";
}

// Statements that add the search columns and indexes for table.column to an existing table:
// columns column_fold and column_tsv, indexes table_column_fold_prefix (btree
// text_pattern_ops), table_column_fold_trgm (GIN gin_trgm_ops), table_column_tsv (GIN).
// kTrigramExtensionSql must have run before.
inline std::vector<std::string> ddl(std::string_view table, std::string_view column) {
  const std::string t(table);
  const std::string c(column);
  return {
      "ALTER TABLE " + t + " ADD COLUMN " + c + "_fold text GENERATED ALWAYS AS (" + fold_sql(c) + ") STORED",
      "ALTER TABLE " + t + " ADD COLUMN " + c + "_tsv tsvector GENERATED ALWAYS AS (" + tsvector_sql(c) + ") STORED",
      "CREATE INDEX " + t + "_" + c + "_fold_prefix ON " + t + " (" + c + "_fold text_pattern_ops)",
      "CREATE INDEX " + t + "_" + c + "_fold_trgm ON " + t + " USING gin (" + c + "_fold gin_trgm_ops)",
      "CREATE INDEX " + t + "_" + c + "_tsv ON " + t + " USING gin (" + c + "_tsv)",
  };
}

// The tsquery for a search; three text parameters, Query::match_params() in order. Use it as
// `col_tsv @@ <this>`, or once in a FROM item to rank:
//   … CROSS JOIN (SELECT <this> AS q) s WHERE col_tsv @@ s.q ORDER BY ts_rank(col_tsv, s.q) DESC
// Shape, as fts_query_ru(): all words but the last as word forms AND (the last word's forms, or
// a stem starting like it when its stem is long enough, OR a folded word starting with it).
// Russian stop words ("и", "в", "на") among the full words are ignored by PostgreSQL; the last
// word always counts through its typed prefix.
inline constexpr std::string_view kTsQuerySql =
    "(to_tsquery('russian', CAST(? AS TEXT)) && (to_tsquery('russian', CAST(? AS TEXT)) || "
    "to_tsquery('simple', CAST(? AS TEXT))))";

// What to bind for one search input.
struct Query {
  std::vector<std::string> words;  // folded words used (at most kMaxSearchWords)
  std::string all_but_last;        // tsquery text 'w1':A & 'w2':A …, stemmed by 'russian' ("" for one word)
  std::string last_stem;           // 'w':*A (stems starting with its stem, LastWordMatch::stem_prefix),
                                   // else 'w':A (its forms); read through 'russian'
  std::string last_word;           // 'w':*B, or 'w':B for digits: folded words as typed ('simple')
  std::string fuzzy;               // the words joined by spaces: `col_fold % ?`, `? <% col_fold`
  std::string like_prefix;         // fuzzy + '%': `col_fold LIKE ?` (the text starts with the input)

  // True when nothing searchable was typed: run no query.
  bool empty() const { return words.empty(); }
  // Parameters of kTsQuerySql.
  Params match_params() const { return {all_but_last, last_stem, last_word}; }
};

// Builds the parameters for what a user typed. The words contain only letters, digits and
// combining marks (fts_ru_words), so the tsquery texts cannot carry tsquery or LIKE syntax.
inline Query query(std::string_view user_input) {
  Query q;
  q.words = fts_ru_words(user_input, kMaxSearchWords);
  if (q.words.empty()) return q;
  auto lexeme = [](const std::string& w, std::string_view flags) { return "'" + w + "':" + std::string(flags); };
  for (std::size_t i = 0; i + 1 < q.words.size(); ++i) {
    if (i) q.all_but_last += " & ";
    q.all_but_last += lexeme(q.words[i], "A");
  }
  const std::string& last = q.words.back();
  const LastWordMatch how = last_word_match(last);
  q.last_stem = lexeme(last, how == LastWordMatch::stem_prefix ? "*A" : "A");
  q.last_word = lexeme(last, how == LastWordMatch::exact ? "B" : "*B");
  for (const auto& w : q.words) {
    if (!q.fuzzy.empty()) q.fuzzy += ' ';
    q.fuzzy += w;
  }
  q.like_prefix = q.fuzzy + "%";
  return q;
}

}  // namespace sdelka::store::pg_search
