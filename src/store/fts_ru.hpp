#pragma once
// Russian full-text search for SQLite: the FTS5 tokenizer `ru` and the query builder that goes
// with it. PostgreSQL's counterpart is store/search_pg.hpp; docs/search.md explains both.
//
// Words. Text is split into words made of letters and decimal digits (combining marks may follow
// inside a word; a soft hyphen inside a word is ignored). Everything else separates words:
// spaces, punctuation, quotes, '-', '_', '@', '.', and bytes that are not valid UTF-8. A word is
// folded: Unicode NFC when it holds combining marks, lower case (utf8proc), 'ё' → 'е', combining
// marks left over after composition (stress accents) dropped. "Петров-Водкин" is two words,
// "+7 (495) 123-45-67" is the words "7", "495", "123", "45", "67", and an ИНН stays one word.
//
// Tokens. For every word of a document the tokenizer emits, at the word's position:
//   1. the stem: Snowball "russian" for Cyrillic words, "english" for Latin ones; a word with a
//      digit, or mixing scripts, is its own stem;
//   2. colocated with it (FTS5_TOKEN_COLOCATED), the folded word itself behind the marker '='
//      ("=иванов"), so that prefixes of what the user types match names the stemmer mangles
//      ("иванов" stems to "иван", "иван" to "ива"). The marker keeps the two kinds apart: the
//      stem "иван" of "Иванов" never matches the first name "Иван" by accident.
// In a MATCH expression a quoted string or bareword is tokenized the same way, and
//   "клиентами"     means the stem "клиент": any form of the word;
//   "клиентами"*    means stems starting with "клиент" ("клиентская" → "клиентск" matches); when
//                   the stem is shorter than kMinPrefixStem letters ("иванов" → "иван"), stems
//                   starting with the word itself ("иванов" → "Иванова", "Иванович"), so that a
//                   short stem does not drag in every word that begins like it ("Иваненко");
//   "=иван"         means the folded word "иван" exactly;
//   "=иван"*        means folded words starting with "иван" ("Иванов", "Ивановна").
// fts_query_ru() writes such expressions from what a user types; callers never need to.
//
// Thread safety: register_fts_ru() may be called for any number of connections. Each tokenizer
// instance (one per FTS5 table per connection) owns its stemmers, so a connection must be used
// by one thread at a time, as SQLite's NOMUTEX mode requires anyway. The other functions here
// are pure and thread-safe.
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace sdelka::store {

// Registers the FTS5 tokenizer "ru" on the connection, so that
//   CREATE VIRTUAL TABLE t USING fts5(name, tokenize='ru')
// works and MATCH on such tables tokenizes queries the same way. The tokenizer takes no
// arguments. Pass it to set_sqlite_connection_hook() at start-up: every connection that reads
// or writes a `ru` table needs it. Throws DbError (kind other) when the SQLite library has no
// FTS5 or the registration fails; registering twice on one connection replaces the first.
void register_fts_ru(sqlite3* db);

// Turns what a user typed into a safe FTS5 MATCH expression for columns tokenized with `ru`,
// or returns "" when nothing searchable remains (then do not run the query).
//  - Every word (see above) becomes one quoted term; quotes are doubled, so no FTS5 syntax of
//    the input (", *, ^, :, (, ), -, +, NEAR, AND, OR, NOT) survives: those characters are
//    separators and the keywords become ordinary words.
//  - All words but the last must match as word forms: `"w"` (the tokenizer stems it).
//  - The last word is still being typed: it matches a folded word starting with it as typed
//    (`"=w"*`, so "Иван" finds "Иванов"), or its forms: `("w" OR "=w"*)`. When its stem has
//    kMinPrefixStem or more letters, any stem starting with that stem instead of its forms:
//    `("w"* OR "=w"*)`, so "клиентами" finds "Клиентская" as well as "клиент". (With a short
//    stem, stems starting with the word add nothing: their words start with it too.)
//  - A word of digits only (ИНН, ОГРН, parts of a phone) matches exactly, also when last: a
//    partial number is looked up in the identifier columns, not in the text index.
//  - At most kMaxSearchWords words are used; the rest of the input is ignored.
// Terms are joined by AND. Example:
//   «ООО клиентами» → `"ооо" AND ("клиентами"* OR "=клиентами"*)`;  «Иван» → `("иван" OR "=иван"*)`.
std::string fts_query_ru(std::string_view user_input);

// The longest prefix (in characters, the '=' marker included) that the `ru` FTS5 tables index
// (migrations: prefix='2 3 4 5').
inline constexpr std::size_t kFtsLongestIndexedPrefix = 5;

// A search planned for walking a `ru` FTS5 table newest first. FTS5 answers a prefix term from a
// prefix index only when the prefix has an indexed length; a longer prefix ("=сервис"*) makes
// it collect every match before the first row comes out — milliseconds per query for a common
// word at 10^6 rows, however small the page. `broad` is `match` with every longer prefix cut to
// an indexed length: it finds a superset of `match`'s rows, in rowid order, without collecting
// them; matches() says which of those rows `match` finds, from the texts the row was indexed
// with. A caller walks `broad` until it has a page of rows that pass matches() and falls back to
// `match` when the superset turns out too wide.
struct FtsPlan {
  struct Term {
    std::string token;  // as the tokenizer emits it for the query
    bool prefix = false;
  };
  std::string match;                     // fts_query_ru(input)
  std::string broad;                     // "" when nothing was cut (or could not be cut safely)
  std::vector<std::vector<Term>> words;  // all of the words, each any of its terms
  // True when a row whose indexed columns hold `columns` is one `match` finds.
  bool matches(std::initializer_list<std::string_view> columns) const;
};
// Thread-safe (stemmers per thread).
FtsPlan fts_plan_ru(std::string_view user_input);

// The largest number of words fts_query_ru() and pg_search::query() use from one input.
inline constexpr std::size_t kMaxSearchWords = 12;

// A stem shorter than this (in letters) is not used as a prefix; see the token scheme above.
inline constexpr std::size_t kMinPrefixStem = 5;

// How the last word of a search matches (fts_query_ru() and pg_search::query()).
enum class LastWordMatch {
  exact,         // digits only: the word itself, no prefix
  stem_prefix,   // stems starting with its stem (kMinPrefixStem+ letters), or words starting with it
  word_prefix,   // its forms (a shorter stem), or words starting with it
};
// `folded_word` is one element of fts_ru_words(). Thread-safe (a stemmer per thread).
LastWordMatch last_word_match(std::string_view folded_word);

// The first `max_words` folded words of `text` in order, as the tokenizer sees them (no
// stemming). Invalid UTF-8 is skipped. The scan stops after `max_words` words.
std::vector<std::string> fts_ru_words(std::string_view text, std::size_t max_words = static_cast<std::size_t>(-1));

// One token as the tokenizer emits it for a document.
struct FtsToken {
  std::string text;        // stem, or '=' + folded word
  bool colocated = false;  // true: at the same position as the token before it
  int begin = 0;           // byte offsets of the word in the input
  int end = 0;
  bool operator==(const FtsToken&) const = default;
};
// The tokens of `text` tokenized as a document (what goes into the index), for tests and for
// diagnostics (`sdelka` may print them). Creates its own stemmers; not for hot paths.
std::vector<FtsToken> fts_ru_document_tokens(std::string_view text);

}  // namespace sdelka::store
