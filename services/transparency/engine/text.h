// Text normalization for the transparency rules: UTF-8 decoding that never
// fails, simple Unicode case folding, whitespace collapsing, tokens (words,
// hashtags, URLs) and phrase search that reports positions in the ORIGINAL
// text.
//
// Positions are code point offsets into the original text ("characters", as
// the length rule and the networks' "see more" cuts count them), 0-based.
// Explanations shown to people add 1.
//
// Case folding is the simple (1:1) folding of Unicode CaseFolding.txt
// (status C and S), implemented by code point ranges for: ASCII, Latin-1
// Supplement, Latin Extended-A, Latin Extended Additional (U+1E00-U+1EFF),
// Greek and Coptic (incl. final sigma and the symbol variants), Cyrillic
// (U+0400-U+052F), Armenian, fullwidth Latin letters and the letterlike
// signs Ohm, Kelvin and Angstrom. Other scripts (Georgian, Cherokee,
// Glagolitic, Deseret, ...) pass through unchanged; full foldings that
// change length (German sharp s -> "ss") are not applied.
//
// Invalid UTF-8 never fails: each byte that does not start a well-formed
// sequence decodes as U+FFFD.
//
// Everything here is a value type or a pure function; thread-safe.
#ifndef CANDOR_SERVICES_TRANSPARENCY_ENGINE_TEXT_H_
#define CANDOR_SERVICES_TRANSPARENCY_ENGINE_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace candor::transparency {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes UTF-8; malformed bytes (truncated or overlong sequences,
// surrogates, values above U+10FFFF, stray continuation bytes) become one
// U+FFFD each.
std::u32string DecodeUtf8(absl::string_view text);
void AppendUtf8(char32_t c, std::string* out);
std::string EncodeUtf8(const char32_t* begin, const char32_t* end);
// The number of code points DecodeUtf8 yields: what the length rule counts.
size_t CountCodePoints(absl::string_view text);

// Simple case folding (see the coverage above); identity elsewhere.
char32_t SimpleCaseFold(char32_t c);
// Case folding plus the typographic variants people type interchangeably:
// curly apostrophes and quotes become ASCII, fullwidth ASCII becomes ASCII,
// and mathematical bold/italic/... letters and digits become plain ones.
char32_t FoldForMatching(char32_t c);
// Unicode White_Space plus U+200B ZERO WIDTH SPACE (used as a spacer in
// posts): tab, newlines, U+0085, NBSP U+00A0, U+1680, U+2000-U+200B,
// U+2028, U+2029, U+202F, U+205F, U+3000.
bool IsUnicodeSpace(char32_t c);
// Invisible characters that carry no letters and must not split a word
// ("gua<soft hyphen>ranteed" is "guaranteed"): soft hyphen, ZWNJ, ZWJ, word
// joiner, BOM, variation selectors, tag characters.
bool IsIgnorable(char32_t c);
// Letters, digits, '_' and marks: the characters words are made of. ASCII
// punctuation, general and CJK punctuation, currency and math symbols,
// arrows, dingbats, emoji and U+FFFD are not.
bool IsWordChar(char32_t c);

// Folds and collapses a configured phrase ("I work at  Acme" ->
// U"i work at acme") so FindPhrase can look for it.
std::u32string FoldPhrase(absl::string_view phrase);

enum class TokenKind { kWord, kHashtag, kUrl };

struct Token {
  TokenKind kind = TokenKind::kWord;
  // What shingles are made of: the case-folded word characters (punctuation
  // dropped: "Don't" -> "dont"; hyphens, dashes and slashes split words:
  // "real-time" -> "real", "time"); a hashtag's word without '#' (so "#Cloud"
  // and "cloud" shingle alike, adding '#' is a light edit); kUrlKey for a
  // URL, so the address itself does not count as words.
  std::string key;
  // [begin, end) in original characters. A word spans its first to last
  // word character; a hashtag starts at '#'; a URL spans the address without
  // trailing punctuation.
  size_t begin = 0;
  size_t end = 0;
};

// The placeholder key of every URL token.
inline constexpr absl::string_view kUrlKey = "\x01url";

// Splits text into tokens, in order. Whitespace separates chunks; inside a
// chunk a link becomes one kUrl token, each '#' followed by word characters
// starts a hashtag, and the remaining word characters of a piece form one
// word.
//
// A link is what LinkedIn, X and Facebook make clickable (docs/RULES.md,
// link_domains, is the published form of this), starting where no word
// character precedes it:
//  - http:// or https:// (any case), or "www." and a word character: the
//    link runs to the end of the chunk;
//  - written without a scheme: [user info '@'] host [':' port] [path], where
//    the host is ASCII labels (letters, digits, inner '-') joined by dots
//    and ending in a top-level domain of the root zone (any "xn--" label
//    counts), or an IPv4 address. With a path ('/', '?', '#' or '\') the
//    link runs to the end of the chunk, else it is the host and port alone.
//    Not links: a host inside a word or after '@', '#', '/', '.', '-', '_',
//    '%', '+', '~', '&', '=' or '?'; an email address (user info without a
//    port or path); an IPv4 address or a two-label host whose first label is
//    one character ("B.Tech", "t.co") without a port or path.
// Punctuation that ends a sentence or closes a bracket or quote after an
// address is not part of the link: "(see acme.com/offer)." links
// "acme.com/offer".
std::vector<Token> Tokenize(absl::string_view text);
std::vector<Token> Tokenize(const std::u32string& chars);

// A range of original characters, [begin, end).
struct TextSpan {
  size_t begin = 0;
  size_t end = 0;
};

// A post's text decoded once, with the views the rules need. Immutable.
class AnalyzedText {
 public:
  explicit AnalyzedText(absl::string_view text);

  // Characters of the original text (U+FFFD for malformed bytes).
  const std::u32string& chars() const { return chars_; }
  size_t length() const { return chars_.size(); }
  const std::vector<Token>& tokens() const { return tokens_; }

  // The original characters [begin, end) as UTF-8 (clamped to the text).
  std::string Substring(size_t begin, size_t end) const;

  // Where `folded_phrase` (from FoldPhrase) occurs in the original text,
  // matched case-insensitively across any whitespace run, not inside a
  // longer word: "#ad" does not match "#adventure" nor "#tad". Ascending.
  std::vector<TextSpan> FindPhrase(const std::u32string& folded_phrase) const;

  // The text with every whitespace run collapsed to one ASCII space and
  // ignorable characters dropped, case kept, as UTF-8: what RE2 patterns
  // run on, so "guaranteed\u00A0\u00A0returns" matches "guaranteed returns".
  const std::string& collapsed_utf8() const { return collapsed_utf8_; }
  // The original position of the character at byte `offset` of
  // collapsed_utf8(); length() when offset is its size.
  size_t OriginOfCollapsedByte(size_t offset) const;

  // The index into tokens() of the token that starts at original position
  // `begin`, or -1.
  int TokenStartingAt(size_t begin) const;
  // The number of consecutive hashtag tokens around tokens()[index] (1 when
  // it stands alone, 0 when it is not a hashtag). Words and URLs end a run;
  // punctuation and emoji between hashtags do not.
  size_t HashtagRunLength(size_t index) const;

 private:
  std::u32string chars_;
  std::vector<Token> tokens_;
  std::u32string folded_;                // collapsed, folded
  std::vector<uint32_t> folded_origin_;  // folded_[i] came from chars_[...]
  std::string collapsed_utf8_;           // collapsed, not folded
  std::vector<uint32_t> byte_origin_;    // per byte of collapsed_utf8_
};

}  // namespace candor::transparency

#endif  // CANDOR_SERVICES_TRANSPARENCY_ENGINE_TEXT_H_
