// Full-text search text: what the catalog indexes and how a user's `q`
// becomes a query, the same for SQLite FTS5 and PostgreSQL (docs/catalog.md,
// "Browse and search").
//
// Neither FTS5's `unicode61 remove_diacritics 2` tokenizer nor PostgreSQL's
// 'simple' parser segments Chinese, Japanese or Korean: "三体地球往事" would be
// one token, found only by the whole title. So every run of CJK characters is
// indexed as its overlapping bigrams, and a query goes through the same
// function; any two or more consecutive characters of a title then match as
// a phrase of bigrams.
//
// Using it:
//   index:   store index_text(title) (and description, tags) in the FTS5
//            table, or to_tsvector('simple', index_text(title)) in PostgreSQL.
//   SQLite:  `... WHERE resource_text MATCH ?` bound to fts5_match(query).
//   Postgres: bind each term as its own parameter and AND them:
//            `tsv @@ (phraseto_tsquery('simple', $1) && phraseto_tsquery('simple', $2))`;
//            a term for which is_single_cjk_character() holds is a prefix
//            instead: `to_tsquery('simple', $n || ':*')` (safe: the term is
//            one CJK character, never tsquery syntax).
//
// Known limit: a lone CJK character only matches where it starts a bigram or
// stands alone ("梦" finds "梦想" and "梦 ...", not "红楼梦", indexed "红楼 楼梦").
// Neither engine can match a token by its suffix; the product promises two
// or more consecutive characters.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace mc::search {

inline constexpr std::size_t kMaxQueryBytes = 500;
inline constexpr std::size_t kMaxQueryTerms = 16;

// The text as indexed. Every maximal run of CJK characters (Han, with
// extensions A-H and the compatibility ideographs, 々〆〇, Hiragana, Katakana,
// Hangul syllables and jamo) becomes its overlapping bigrams, separated by
// spaces, with one space before and after the run: "中文字" -> " 中文 文字 ",
// "Python编程入门" -> "Python 编程 程入 入门 ". A run of one character stays
// that character (" 梦 "). CJK punctuation (。，「」・) and full-width ASCII are
// not CJK here: they end a run and are kept as they are, as is all other
// text. Each byte that is not part of valid UTF-8 becomes one space.
std::string index_text(std::string_view text);

struct SearchQuery {
  // Each term as index_text gives it, trimmed of spaces: "编程 程入", "novel".
  // A term whose only letter or digit is one CJK character is that character
  // alone ("梦，" -> "梦"). Never empty when parse_query succeeds.
  std::vector<std::string> terms;
};

// Splits q on whitespace (ASCII, Unicode spaces, U+3000, control characters)
// into terms, keeping the first kMaxQueryTerms and silently ignoring the
// rest. A term without any letter or digit ("*", "(", "\"", "-") is dropped.
// Errors (kInvalidArgument): q over kMaxQueryBytes bytes -> "query_too_long";
// q not valid UTF-8 -> "invalid_query"; no term left -> "invalid_query".
Result<SearchQuery> parse_query(std::string_view q);

// True if term is exactly one CJK character: such a term is searched as a
// prefix (the only way a single character can match a bigram index).
bool is_single_cjk_character(std::string_view term);

// The FTS5 MATCH expression for q: each term as an FTS5 string ("..." with
// every '"' doubled), followed by `*` if it is a single CJK character, joined
// with " AND ". Nothing the user typed is ever FTS5 syntax: NEAR(, *, ^, :,
// parentheses and AND/OR/NOT all end up inside quotes.
// REQUIRES: q came from parse_query (at least one term).
std::string fts5_match(const SearchQuery& q);

}  // namespace mc::search
