// The FTS5 tokenizer `ru` and its query builder (see fts_ru.hpp for the token scheme).
#include "store/fts_ru.hpp"

#include <libstemmer.h>
#include <sqlite3.h>
#include <utf8proc.h>

#include <cstdlib>
#include <new>
#include <optional>
#include <string>

#include "store/database.hpp"

namespace sdelka::store {
namespace {

constexpr utf8proc_int32_t kSoftHyphen = 0x00AD;
constexpr utf8proc_int32_t kSmallIo = 0x0451;  // ё
constexpr utf8proc_int32_t kSmallIe = 0x0435;  // е
constexpr char kWordMarker = '=';               // marks a folded word, as opposed to a stem

enum class CharKind { separator, word, joiner };

CharKind char_kind(utf8proc_int32_t cp) {
  if (cp == kSoftHyphen) return CharKind::joiner;
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
      return CharKind::word;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
      return CharKind::joiner;  // belongs to a word only after a letter or digit
    default:
      return CharKind::separator;
  }
}

// Calls f(begin, end, needs_nfc) for each word of s (byte offsets) until f returns false.
// needs_nfc: the word holds combining marks or soft hyphens.
template <class F>
void for_each_word(std::string_view s, F&& f) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  std::size_t start = 0;
  bool in_word = false;
  bool marks = false;
  while (i < n) {
    utf8proc_int32_t cp = 0;
    const auto len = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(n - i), &cp);
    const CharKind kind = len > 0 ? char_kind(cp) : CharKind::separator;
    const std::size_t step = len > 0 ? static_cast<std::size_t>(len) : 1;
    if (kind == CharKind::word || (kind == CharKind::joiner && in_word)) {
      if (!in_word) {
        in_word = true;
        start = i;
        marks = false;
      }
      if (kind == CharKind::joiner) marks = true;
    } else if (in_word) {
      in_word = false;
      if (!f(start, i, marks)) return;
    }
    i += step;
  }
  if (in_word) f(start, n, marks);
}

void append_utf8(std::string& out, utf8proc_int32_t cp) {
  utf8proc_uint8_t buf[4];
  const auto len = utf8proc_encode_char(cp, buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(len));
}

// Folds one word (valid UTF-8, as found by for_each_word) into out: NFC when needed, lower case,
// ё → е, leftover combining marks and soft hyphens dropped.
void fold_word(std::string_view word, bool needs_nfc, std::string& out) {
  out.clear();
  utf8proc_uint8_t* composed = nullptr;
  std::string_view src = word;
  if (needs_nfc) {
    const auto len = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(word.data()),
                                  static_cast<utf8proc_ssize_t>(word.size()), &composed,
                                  static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    if (len >= 0 && composed) src = std::string_view(reinterpret_cast<const char*>(composed), static_cast<std::size_t>(len));
  }
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(src.data());
  std::size_t i = 0;
  while (i < src.size()) {
    // ASCII and the basic Cyrillic block (U+0400–U+045F) folded inline: they are letters or
    // digits with simple case pairs (what utf8proc answers for them, checked by a unit test).
    const unsigned char b0 = p[i];
    if (b0 < 0x80) {
      out += static_cast<char>(b0 >= 'A' && b0 <= 'Z' ? b0 + 32 : b0);
      ++i;
      continue;
    }
    if ((b0 == 0xD0 || b0 == 0xD1) && i + 1 < src.size() && (p[i + 1] & 0xC0) == 0x80) {
      auto cp = static_cast<utf8proc_int32_t>(((b0 & 0x1F) << 6) | (p[i + 1] & 0x3F));
      if (cp <= 0x045F) {
        if (cp < 0x0410) cp += 0x50;       // Ѐ…Џ → ѐ…џ
        else if (cp < 0x0430) cp += 0x20;  // А…Я → а…я
        if (cp == kSmallIo) cp = kSmallIe;
        append_utf8(out, cp);
        i += 2;
        continue;
      }
    }
    utf8proc_int32_t cp = 0;
    const auto len = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(src.size() - i), &cp);
    if (len <= 0) {
      ++i;
      continue;
    }
    i += static_cast<std::size_t>(len);
    if (cp == kSoftHyphen) continue;
    const auto cat = utf8proc_category(cp);
    if (cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_ME) continue;
    cp = utf8proc_tolower(cp);
    if (cp == kSmallIo) cp = kSmallIe;
    append_utf8(out, cp);
  }
  std::free(composed);
}

std::size_t count_chars(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

enum class Script { none, russian, english };

// Which stemmer suits a folded word: none for words with digits or mixed/other scripts.
Script script_of(std::string_view folded) {
  bool cyr = false;
  bool lat = false;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(folded.data());
  std::size_t i = 0;
  while (i < folded.size()) {
    utf8proc_int32_t cp = 0;
    const auto len = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(folded.size() - i), &cp);
    if (len <= 0) return Script::none;
    i += static_cast<std::size_t>(len);
    if (cp >= 0x0400 && cp <= 0x052F) cyr = true;
    else if ((cp >= 'a' && cp <= 'z') || (cp >= 0x00C0 && cp <= 0x024F)) lat = true;
    else if (utf8proc_category(cp) == UTF8PROC_CATEGORY_MC) continue;
    else return Script::none;  // a digit or a letter of another script
  }
  if (cyr && !lat) return Script::russian;
  if (lat && !cyr) return Script::english;
  return Script::none;
}

// One tokenizer instance: its own stemmers (libstemmer objects are not thread-safe) and
// buffers reused between words.
class RuTokenizer {
 public:
  RuTokenizer() : ru_(sb_stemmer_new("russian", "UTF_8")), en_(sb_stemmer_new("english", "UTF_8")) {
    if (!ru_ || !en_) {
      release();
      throw std::bad_alloc();
    }
  }
  ~RuTokenizer() { release(); }
  RuTokenizer(const RuTokenizer&) = delete;
  RuTokenizer& operator=(const RuTokenizer&) = delete;

  // Tokenizes text; emit(tflags, token, begin, end) returns an SQLite code, and a code other
  // than SQLITE_OK stops the run and is returned.
  template <class Emit>
  int run(std::string_view text, int flags, Emit&& emit) {
    const bool query = (flags & FTS5_TOKENIZE_QUERY) != 0;
    const bool prefix = query && (flags & FTS5_TOKENIZE_PREFIX) != 0;
    // In a query, "=word" asks for folded words rather than stems (see fts_ru.hpp).
    const bool words_only = query && !text.empty() && text.front() == kWordMarker;
    int rc = SQLITE_OK;
    for_each_word(text, [&](std::size_t b, std::size_t e, bool needs_nfc) {
      fold_word(text.substr(b, e - b), needs_nfc, folded_);
      if (folded_.empty()) return true;
      const int ib = static_cast<int>(b);
      const int ie = static_cast<int>(e);
      if (words_only) {
        marked();
        rc = emit(0, marked_, ib, ie);
      } else {
        std::string_view stem = stem_of(folded_);
        // A short stem as a prefix would match too much: then the word itself is the prefix.
        if (prefix && count_chars(stem) < kMinPrefixStem) stem = folded_;
        rc = emit(0, stem, ib, ie);
        if (rc == SQLITE_OK && !query) {
          marked();
          rc = emit(FTS5_TOKEN_COLOCATED, marked_, ib, ie);
        }
      }
      return rc == SQLITE_OK;
    });
    return rc;
  }

 private:
  void release() {
    if (ru_) sb_stemmer_delete(ru_);
    if (en_) sb_stemmer_delete(en_);
    ru_ = en_ = nullptr;
  }

  void marked() {
    marked_.assign(1, kWordMarker);
    marked_ += folded_;
  }

  // The stem of a folded word; valid until the next call.
 public:
  std::string_view stem_of(std::string_view folded) {
    sb_stemmer* st = nullptr;
    switch (script_of(folded)) {
      case Script::russian: st = ru_; break;
      case Script::english: st = en_; break;
      case Script::none: return folded;
    }
    const sb_symbol* out = sb_stemmer_stem(st, reinterpret_cast<const sb_symbol*>(folded.data()),
                                           static_cast<int>(folded.size()));
    const int len = out ? sb_stemmer_length(st) : 0;
    if (len <= 0) return folded;  // out of memory inside the stemmer, or nothing left
    return {reinterpret_cast<const char*>(out), static_cast<std::size_t>(len)};
  }

 private:

  sb_stemmer* ru_ = nullptr;
  sb_stemmer* en_ = nullptr;
  std::string folded_;
  std::string marked_;
};

// --- FTS5 glue ------------------------------------------------------------------------------

int x_create(void*, const char** /*args*/, int n_args, Fts5Tokenizer** out) {
  *out = nullptr;
  if (n_args != 0) return SQLITE_ERROR;  // `ru` takes no options
  try {
    *out = reinterpret_cast<Fts5Tokenizer*>(new RuTokenizer());
    return SQLITE_OK;
  } catch (...) {
    return SQLITE_NOMEM;
  }
}

void x_delete(Fts5Tokenizer* t) { delete reinterpret_cast<RuTokenizer*>(t); }

int x_tokenize(Fts5Tokenizer* t, void* ctx, int flags, const char* text, int n_text,
               int (*x_token)(void*, int, const char*, int, int, int)) {
  if (!text || n_text <= 0) return SQLITE_OK;
  try {
    return reinterpret_cast<RuTokenizer*>(t)->run(
        std::string_view(text, static_cast<std::size_t>(n_text)), flags,
        [&](int tflags, std::string_view tok, int b, int e) {
          return x_token(ctx, tflags, tok.data(), static_cast<int>(tok.size()), b, e);
        });
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  } catch (...) {
    return SQLITE_ERROR;
  }
}

fts5_tokenizer g_tokenizer{x_create, x_delete, x_tokenize};

std::vector<std::string> words_of(std::string_view text, std::size_t limit) {
  std::vector<std::string> out;
  std::string folded;
  for_each_word(text, [&](std::size_t b, std::size_t e, bool needs_nfc) {
    fold_word(text.substr(b, e - b), needs_nfc, folded);
    if (!folded.empty()) out.push_back(folded);
    return out.size() < limit;
  });
  return out;
}

// True for a non-empty word of decimal digits only (any script's digits).
bool all_digits(std::string_view w) {
  if (w.empty()) return false;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(w.data());
  std::size_t i = 0;
  while (i < w.size()) {
    utf8proc_int32_t cp = 0;
    const auto len = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(w.size() - i), &cp);
    if (len <= 0 || utf8proc_category(cp) != UTF8PROC_CATEGORY_ND) return false;
    i += static_cast<std::size_t>(len);
  }
  return true;
}

// An FTS5 string literal: "…" with inner quotes doubled.
void append_quoted(std::string& out, std::string_view prefix, std::string_view s) {
  out += '"';
  out += prefix;
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace

void register_fts_ru(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, nullptr);
  if (rc != SQLITE_OK) {
    throw DbError(DbError::Kind::other,
                  std::string("FTS5 is not available in this SQLite library: ") + sqlite3_errmsg(db));
  }
  sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", nullptr);
  sqlite3_step(st);
  sqlite3_finalize(st);
  if (!api || api->iVersion < 2) throw DbError(DbError::Kind::other, "FTS5 API version 2 or later is required");
  rc = api->xCreateTokenizer(api, "ru", nullptr, &g_tokenizer, nullptr);
  if (rc != SQLITE_OK) {
    throw DbError(DbError::Kind::other, std::string("cannot register the FTS5 tokenizer ru: ") + sqlite3_errstr(rc));
  }
}

std::vector<std::string> fts_ru_words(std::string_view text, std::size_t max_words) {
  return max_words ? words_of(text, max_words) : std::vector<std::string>{};
}

LastWordMatch last_word_match(std::string_view folded_word) {
  if (all_digits(folded_word)) return LastWordMatch::exact;
  thread_local RuTokenizer stemmers;
  return count_chars(stemmers.stem_of(folded_word)) >= kMinPrefixStem ? LastWordMatch::stem_prefix
                                                                        : LastWordMatch::word_prefix;
}

std::string fts_query_ru(std::string_view user_input) {
  const auto words = words_of(user_input, kMaxSearchWords);
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (i) out += " AND ";  // explicit: FTS5 has no implicit AND before a parenthesis
    const LastWordMatch how = i + 1 < words.size() ? LastWordMatch::exact : last_word_match(w);
    if (how == LastWordMatch::exact) {
      append_quoted(out, "", w);
      continue;
    }
    // The last word: a word starting with it as typed, or a stem starting with its stem (which
    // covers its own forms); with a short stem, its forms only, since stems starting with the
    // word are a subset of the words starting with it.
    out += '(';
    append_quoted(out, "", w);
    if (how == LastWordMatch::stem_prefix) out += '*';
    out += " OR ";
    append_quoted(out, std::string_view(&kWordMarker, 1), w);
    out += "*)";
  }
  return out;
}

namespace {

// The single token FTS5 gets from our tokenizer for the quoted string `text` of a query (with
// `prefix` when the string is followed by '*'); nullopt when it is not exactly one token.
std::optional<std::string> query_token(std::string_view text, bool prefix) {
  thread_local RuTokenizer tk;
  std::optional<std::string> out;
  int n = 0;
  tk.run(text, FTS5_TOKENIZE_QUERY | (prefix ? FTS5_TOKENIZE_PREFIX : 0), [&](int, std::string_view tok, int, int) {
    if (++n == 1) out = std::string(tok);
    return SQLITE_OK;
  });
  if (n != 1) return std::nullopt;
  return out;
}

// The first n characters of a UTF-8 string.
std::string_view first_chars(std::string_view s, std::size_t n) {
  std::size_t i = 0;
  for (std::size_t chars = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && chars++ == n) break;
  }
  return s.substr(0, i);
}

}  // namespace

FtsPlan fts_plan_ru(std::string_view user_input) {
  FtsPlan plan;
  plan.match = fts_query_ru(user_input);
  const auto words = words_of(user_input, kMaxSearchWords);
  bool cut = false;
  bool verifiable = true;
  std::string broad;
  // One quoted term of both expressions, the way fts_query_ru() writes it.
  auto term = [&](std::vector<FtsPlan::Term>& any, bool marked, const std::string& w, bool prefix) {
    const std::string text = marked ? std::string(1, kWordMarker) + w : w;
    auto token = query_token(text, prefix);
    if (!token) {
      verifiable = false;
      return;
    }
    std::string short_text = text;
    if (prefix && count_chars(*token) > kFtsLongestIndexedPrefix) {
      // Cut what is typed so that the token the tokenizer makes of it is indexed and starts
      // the full token (stems only ever drop letters at the end of a word).
      short_text = std::string(first_chars(text, kFtsLongestIndexedPrefix));
      auto short_token = query_token(short_text, true);
      if (!short_token || count_chars(*short_token) > kFtsLongestIndexedPrefix || short_token->empty() ||
          token->compare(0, short_token->size(), *short_token) != 0)
        verifiable = false;
      cut = true;
    }
    append_quoted(broad, "", short_text);
    if (prefix) broad += '*';
    any.push_back({std::move(*token), prefix});
  };
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (i) broad += " AND ";
    auto& any = plan.words.emplace_back();
    const LastWordMatch how = i + 1 < words.size() ? LastWordMatch::exact : last_word_match(w);
    if (how == LastWordMatch::exact) {
      term(any, false, w, false);
      continue;
    }
    broad += '(';
    term(any, false, w, how == LastWordMatch::stem_prefix);
    broad += " OR ";
    term(any, true, w, true);
    broad += ')';
  }
  if (cut && verifiable) plan.broad = std::move(broad);
  return plan;
}

bool FtsPlan::matches(std::initializer_list<std::string_view> columns) const {
  // The document's tokens, worked out word by word, stemming a word only when a stem term could
  // match it: a Russian stem only ever drops letters at the end of its word, so a word that
  // does not start with the term cannot have a stem that equals or starts with it.
  thread_local RuTokenizer tk;
  thread_local std::string folded;
  std::vector<char> found(words.size(), 0);
  std::size_t left = words.size();
  for (auto text : columns) {
    for_each_word(text, [&](std::size_t b, std::size_t e, bool needs_nfc) {
      fold_word(text.substr(b, e - b), needs_nfc, folded);
      if (folded.empty()) return true;
      const bool russian = script_of(folded) == Script::russian;
      std::optional<std::string_view> stem;
      for (std::size_t i = 0; i < words.size(); ++i) {
        if (found[i]) continue;
        // Terms on the word as written first: when one of them matches, no stemming is needed.
        bool hit = false;
        for (int pass = 0; pass < 2 && !hit; ++pass)
          for (const auto& t : words[i]) {
            std::string_view tok = t.token;
            const bool as_written = !tok.empty() && tok.front() == kWordMarker;
            if (as_written != (pass == 0)) continue;
            if (as_written) {
              tok.remove_prefix(1);
              hit = t.prefix ? std::string_view(folded).substr(0, tok.size()) == tok : folded == tok;
            } else if (!russian || std::string_view(folded).substr(0, tok.size()) == tok) {
              if (!stem) stem = tk.stem_of(folded);
              hit = t.prefix ? stem->substr(0, tok.size()) == tok : *stem == tok;
            }
            if (hit) break;
          }
        if (hit) {
          found[i] = 1;
          --left;
        }
      }
      return left > 0;
    });
    if (left == 0) return true;
  }
  return left == 0;
}

std::vector<FtsToken> fts_ru_document_tokens(std::string_view text) {
  RuTokenizer tk;
  std::vector<FtsToken> out;
  tk.run(text, FTS5_TOKENIZE_DOCUMENT, [&](int tflags, std::string_view tok, int b, int e) {
    out.push_back(FtsToken{std::string(tok), (tflags & FTS5_TOKEN_COLOCATED) != 0, b, e});
    return SQLITE_OK;
  });
  return out;
}

}  // namespace sdelka::store
