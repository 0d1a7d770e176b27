#include "services/transparency/engine/text.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>

#include "absl/strings/match.h"

namespace candor::transparency {
namespace {

// ASCII fast paths of the classification functions: posts are mostly
// ASCII, and the tokenizer asks about every character.
inline bool FastWordChar(char32_t c) {
  if (c < 0x80) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
  }
  return IsWordChar(c);
}
inline bool FastSpace(char32_t c) {
  if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D);
  return IsUnicodeSpace(c);
}
inline char32_t FastFold(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 0x20 : c;
  return FoldForMatching(c);
}
inline void FastAppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else {
    AppendUtf8(c, out);
  }
}

// Upper/lower pairs that sit next to each other: an even (or odd) code
// point folds to the one after it.
constexpr bool IsEven(char32_t c) { return (c & 1) == 0; }

char32_t FoldLatin(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 0x20 : c;
  if (c < 0x100) {
    if ((c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xDE)) return c + 0x20;
    if (c == 0xB5) return 0x3BC;  // MICRO SIGN -> GREEK SMALL MU
    return c;
  }
  // Latin Extended-A.
  if (c <= 0x12F) return IsEven(c) ? c + 1 : c;
  if (c >= 0x132 && c <= 0x137) return IsEven(c) ? c + 1 : c;
  if (c >= 0x139 && c <= 0x148) return IsEven(c) ? c : c + 1;
  if (c >= 0x14A && c <= 0x177) return IsEven(c) ? c + 1 : c;
  if (c == 0x178) return 0xFF;
  if (c >= 0x179 && c <= 0x17E) return IsEven(c) ? c : c + 1;
  if (c == 0x17F) return 's';  // LONG S
  // The regular pairs of Latin Extended-B.
  if (c >= 0x1CD && c <= 0x1DC) return IsEven(c) ? c : c + 1;
  if (c >= 0x1DE && c <= 0x1EF) return IsEven(c) ? c + 1 : c;
  if (c >= 0x1F8 && c <= 0x21F) return IsEven(c) ? c + 1 : c;
  if (c >= 0x222 && c <= 0x233) return IsEven(c) ? c + 1 : c;
  return c;
}

char32_t FoldGreek(char32_t c) {
  switch (c) {
    case 0x345:
      return 0x3B9;
    case 0x370:
    case 0x372:
    case 0x376:
      return c + 1;
    case 0x37F:
      return 0x3F3;
    case 0x386:
      return 0x3AC;
    case 0x38C:
      return 0x3CC;
    case 0x38E:
    case 0x38F:
      return c + 63;
    case 0x3C2:
      return 0x3C3;  // final sigma folds to sigma
    case 0x3CF:
      return 0x3D7;
    case 0x3D0:
      return 0x3B2;
    case 0x3D1:
      return 0x3B8;
    case 0x3D5:
      return 0x3C6;
    case 0x3D6:
      return 0x3C0;
    case 0x3F0:
      return 0x3BA;
    case 0x3F1:
      return 0x3C1;
    case 0x3F4:
      return 0x3B8;
    case 0x3F5:
      return 0x3B5;
    case 0x3F7:
      return 0x3F8;
    case 0x3F9:
      return 0x3F2;
    case 0x3FA:
      return 0x3FB;
    default:
      break;
  }
  if (c >= 0x388 && c <= 0x38A) return c + 37;
  if ((c >= 0x391 && c <= 0x3A1) || (c >= 0x3A3 && c <= 0x3AB)) return c + 32;
  if (c >= 0x3D8 && c <= 0x3EF) return IsEven(c) ? c + 1 : c;
  if (c >= 0x3FD && c <= 0x3FF) return c - 130;
  return c;
}

char32_t FoldCyrillicArmenian(char32_t c) {
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x460 && c <= 0x481) return IsEven(c) ? c + 1 : c;
  if (c >= 0x48A && c <= 0x4BF) return IsEven(c) ? c + 1 : c;
  if (c == 0x4C0) return 0x4CF;
  if (c >= 0x4C1 && c <= 0x4CE) return IsEven(c) ? c : c + 1;
  if (c >= 0x4D0 && c <= 0x52F) return IsEven(c) ? c + 1 : c;
  if (c >= 0x531 && c <= 0x556) return c + 48;  // Armenian
  return c;
}

bool StartsWithAsciiCaseless(const std::u32string& chars, size_t at,
                             absl::string_view prefix) {
  if (chars.size() - at < prefix.size()) return false;
  for (size_t k = 0; k < prefix.size(); ++k) {
    if (SimpleCaseFold(chars[at + k]) != static_cast<char32_t>(prefix[k])) {
      return false;
    }
  }
  return true;
}

bool IsHash(char32_t c) { return c == '#' || c == 0xFF03; }

// Punctuation that ends a sentence or closes a bracket after a URL: not
// part of the address.
bool IsTrailingUrlPunct(char32_t c) {
  switch (c) {
    case '.':
    case ',':
    case ';':
    case ':':
    case '!':
    case '?':
    case ')':
    case ']':
    case '}':
    case '\'':
    case '"':
    case '>':
    case 0xBB:
    case 0x2019:
    case 0x201D:
    case 0x2026:
      return true;
    default:
      return !IsWordChar(c) && c != '/' && c != '=' && c != '&' && c != '-' &&
             c != '_' && c != '~' && c != '%' && c != '+' && c != '#';
  }
}

// --- links -----------------------------------------------------------------
//
// A link is what the networks underline: an address with a scheme, one
// starting "www.", or a host name written alone ("acme.com/offer",
// "bit.ly/x"), as LinkedIn, X and Facebook link them (docs/RULES.md says
// exactly which).

// The ASCII top-level domains of the root zone, sorted (top_level_domains.inc
// says where they come from).
constexpr absl::string_view kTopLevelDomains[] = {
#include "services/transparency/engine/top_level_domains.inc"
};

constexpr bool SortedAndUnique(const absl::string_view* begin,
                               const absl::string_view* end) {
  for (const absl::string_view* p = begin; p + 1 < end; ++p) {
    if (!(p[0] < p[1])) return false;
  }
  return true;
}
// The lookup is a binary search.
static_assert(SortedAndUnique(std::begin(kTopLevelDomains),
                              std::end(kTopLevelDomains)),
              "top_level_domains.inc must be sorted (LC_ALL=C sort -u)");

// Characters of a host name written without a scheme: ASCII letters, digits
// and '-' (internationalized names are written as punycode, "xn--...").
inline bool IsHostChar(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-';
}
// Characters of the user info before '@' ("first.last+tag@").
inline bool IsUserInfoChar(char32_t c) {
  return IsHostChar(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
         c == '~';
}
inline bool IsAsciiDigit(char32_t c) { return c >= '0' && c <= '9'; }
// What starts the path, query or fragment after a host. A backslash too:
// browsers read "evil.com\@good.com" as a path on evil.com.
inline bool IsPathStart(char32_t c) {
  return c == '/' || c == '?' || c == '#' || c == '\\';
}

bool IsTopLevelDomain(const std::u32string& chars, size_t begin, size_t end) {
  char label[63];
  const size_t n = end - begin;
  if (n < 2 || n > sizeof(label)) return false;
  for (size_t k = 0; k < n; ++k) {
    label[k] = static_cast<char>(chars[begin + k] | 0x20);  // ASCII only
  }
  const absl::string_view tld(label, n);
  if (absl::StartsWith(tld, "xn--")) return n > 4;
  return std::binary_search(std::begin(kTopLevelDomains),
                            std::end(kTopLevelDomains), tld);
}

// A host name or IPv4 address written without a scheme at chars[begin, ...).
struct BareHost {
  size_t end = 0;      // where the host ends
  bool named = false;  // labels ending in a top-level domain
  bool ipv4 = false;   // four decimal numbers up to 255
  // Two labels, the first of one letter: "B.Tech", "M.Sc", "B.Com" are
  // degrees more often than sites.
  bool abbreviation = false;
};

BareHost ScanHost(const std::u32string& chars, size_t begin, size_t end) {
  BareHost host;
  size_t labels = 0, first_length = 0, numeric = 0;
  size_t last_begin = begin, q = begin;
  bool well_formed = true;
  for (;;) {
    const size_t label = q;
    while (q < end && IsHostChar(chars[q])) ++q;
    if (q == label) break;
    const size_t length = q - label;
    if (chars[label] == '-' || chars[q - 1] == '-' || length > 63)
      well_formed = false;
    if (++labels == 1) first_length = length;
    uint32_t value = 0;
    bool digits = length <= 3;
    for (size_t k = label; digits && k < q; ++k) {
      digits = IsAsciiDigit(chars[k]);
      value = value * 10 + (chars[k] - '0');
    }
    if (digits && value <= 255) ++numeric;
    last_begin = label;
    host.end = q;
    // A dot continues the host only when a label follows: the dot of
    // "acme.com." ends the sentence.
    if (q + 1 < end && chars[q] == '.' && IsHostChar(chars[q + 1])) {
      ++q;
      continue;
    }
    break;
  }
  if (!well_formed || labels < 2 || host.end - begin > 253) return host;
  host.ipv4 = labels == 4 && numeric == 4;
  host.named = IsTopLevelDomain(chars, last_begin, host.end);
  host.abbreviation = labels == 2 && first_length == 1;
  return host;
}

// Where a URL starts in chars[from, end) (end when none) and where it ends:
// at `end` for an address with a path (the caller drops trailing
// punctuation), else right after the host (and port).
struct UrlMatch {
  size_t begin = 0;
  size_t end = 0;
};

// The end of a link written without a scheme that starts at chars[q], or
// q when there is none.
size_t BareLinkEnd(const std::u32string& chars, size_t q, size_t end) {
  // Ordinary words are turned away after one look: a run of host and user
  // info characters with neither a dot nor a following '@' holds no host.
  size_t u = q;
  bool dot = false;
  while (u < end && IsUserInfoChar(chars[u])) dot |= chars[u++] == '.';
  const bool user_info = u > q && u < end && chars[u] == '@';
  if (!dot && !user_info) return q;
  const BareHost host = ScanHost(chars, user_info ? u + 1 : q, end);
  if (!host.named && !host.ipv4) return q;
  size_t after = host.end;
  bool port = false;
  if (after + 1 < end && chars[after] == ':' &&
      IsAsciiDigit(chars[after + 1])) {
    size_t d = after + 1;
    while (d < end && d - after <= 5 && IsAsciiDigit(chars[d])) ++d;
    if (d == end || !FastWordChar(chars[d])) port = true, after = d;
  }
  if (after < end && IsPathStart(chars[after])) return end;
  // "acme.com_x", "acme.coméx" and "ann@acme.com" are no links to acme.com:
  // the host sits inside a word or is an email address's domain.
  if (after < end && (FastWordChar(chars[after]) || chars[after] == '@'))
    return q;
  if (user_info && !port) return q;  // an email address
  if (!port && (host.ipv4 || host.abbreviation)) return q;
  return after;
}

UrlMatch FindUrl(const std::u32string& chars, size_t from, size_t end) {
  for (size_t q = from; q < end; ++q) {
    const char32_t c = chars[q];
    if (!IsHostChar(c) || c == '-') continue;  // every link starts so
    const char32_t before = q > 0 ? chars[q - 1] : U' ';
    if (FastWordChar(before)) continue;
    const char32_t lower = c | 0x20;  // ASCII lowercase
    if (lower == 'h' && (StartsWithAsciiCaseless(chars, q, "https://") ||
                         StartsWithAsciiCaseless(chars, q, "http://"))) {
      return {q, end};
    }
    if (lower == 'w' && StartsWithAsciiCaseless(chars, q, "www.") &&
        q + 4 < end && FastWordChar(chars[q + 4])) {
      return {q, end};
    }
    // Inside an address ("a.b/c.d", "ann@acme.com", "x%2Facme.com") or a
    // hashtag ("#acme.com" is the hashtag #acme): no new link starts here.
    // Starting only after these also keeps the scan linear: each run of
    // user info characters is looked at from its first character only.
    if (IsUserInfoChar(before) || before == '@' || before == '/' ||
        before == '\\' || before == '#' || before == '&' || before == '=' ||
        before == '?') {
      continue;
    }
    const size_t link_end = BareLinkEnd(chars, q, end);
    if (link_end != q) return {q, link_end};
  }
  return {end, end};
}

class Tokenizer {
 public:
  explicit Tokenizer(const std::u32string& chars) : chars_(chars) {}

  std::vector<Token> Run() {
    size_t i = 0;
    const size_t n = chars_.size();
    tokens_.reserve(n / 5 + 1);
    while (i < n) {
      while (i < n && FastSpace(chars_[i])) ++i;
      size_t end = i;
      while (end < n && !FastSpace(chars_[end])) ++end;
      Chunk(i, end);
      i = end;
    }
    return std::move(tokens_);
  }

 private:
  void Chunk(size_t begin, size_t end) {
    size_t p = begin;
    while (p < end) {
      const UrlMatch url = FindUrl(chars_, p, end);
      Plain(p, url.begin);
      if (url.begin == end) return;
      size_t url_end = url.end;
      if (url_end == end) {
        while (url_end > url.begin && IsTrailingUrlPunct(chars_[url_end - 1]))
          --url_end;
        p = end;  // what trails the address is punctuation
      } else {
        p = url_end;  // a host alone: "acme.com's" goes on with "'s"
      }
      tokens_.push_back(
          {TokenKind::kUrl, std::string(kUrlKey), url.begin, url_end});
    }
  }

  // Text without URLs: hashtags and words.
  void Plain(size_t begin, size_t end) {
    size_t h = begin;
    while (h < end && !IsHash(chars_[h])) ++h;
    Word(begin, h);
    while (h < end) {
      size_t r = h + 1;
      while (r < end && (FastWordChar(chars_[r]) || IsIgnorable(chars_[r])))
        ++r;
      Token tag{TokenKind::kHashtag, FoldedWordChars(h + 1, r), h, r};
      if (!tag.key.empty()) tokens_.push_back(std::move(tag));
      size_t next = r;
      while (next < end && !IsHash(chars_[next])) ++next;
      Word(r, next);
      h = next;
    }
  }

  // Hyphens, dashes and slashes separate words ("real-time" is "real
  // time", "AI/ML" is "AI ML"): writing them or not is a light edit. Other
  // punctuation inside a chunk is dropped ("don't" is "dont").
  static bool IsWordSeparator(char32_t c) {
    if (c < 0x80) return c == '-' || c == '/';
    return (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFF0D ||
           c == 0xFF0F;
  }

  void Word(size_t begin, size_t end) {
    size_t piece = begin;
    for (size_t k = begin; k < end; ++k) {
      if (IsWordSeparator(chars_[k])) {
        Piece(piece, k);
        piece = k + 1;
      }
    }
    Piece(piece, end);
  }

  void Piece(size_t begin, size_t end) {
    std::string key = FoldedWordChars(begin, end);
    if (key.empty()) return;
    size_t first = begin;
    while (!FastWordChar(chars_[first])) ++first;
    size_t last = end;
    while (!FastWordChar(chars_[last - 1])) --last;
    tokens_.push_back({TokenKind::kWord, std::move(key), first, last});
  }

  std::string FoldedWordChars(size_t begin, size_t end) const {
    std::string key;
    for (size_t k = begin; k < end; ++k) {
      if (FastWordChar(chars_[k])) FastAppendUtf8(FastFold(chars_[k]), &key);
    }
    return key;
  }

  const std::u32string& chars_;
  std::vector<Token> tokens_;
};

}  // namespace

std::u32string DecodeUtf8(absl::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char b = s[i];
    if (b < 0x80) {
      out.push_back(b);
      ++i;
      continue;
    }
    size_t len = 0;
    char32_t c = 0;
    char32_t min = 0;
    if (b >= 0xC2 && b <= 0xDF) {
      len = 2, c = b & 0x1F, min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3, c = b & 0x0F, min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4, c = b & 0x07, min = 0x10000;
    }
    bool ok = len != 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) {
        ok = false;
      } else {
        c = (c << 6) | (s[i + k] & 0x3F);
      }
    }
    if (ok && (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))) {
      ok = false;
    }
    if (ok) {
      out.push_back(c);
      i += len;
    } else {
      out.push_back(kReplacementChar);
      ++i;
    }
  }
  return out;
}

void AppendUtf8(char32_t c, std::string* out) {
  if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) c = kReplacementChar;
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

std::string EncodeUtf8(const char32_t* begin, const char32_t* end) {
  std::string out;
  out.reserve(static_cast<size_t>(end - begin));
  for (const char32_t* p = begin; p != end; ++p) AppendUtf8(*p, &out);
  return out;
}

size_t CountCodePoints(absl::string_view text) {
  return DecodeUtf8(text).size();
}

char32_t SimpleCaseFold(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 0x20 : c;
  if (c < 0x340) return FoldLatin(c);
  if (c < 0x400) return FoldGreek(c);
  if (c < 0x560) return FoldCyrillicArmenian(c);
  if (c >= 0x1E00 && c <= 0x1EFF) {
    if (c == 0x1E9B) return 0x1E61;
    if (c == 0x1E9E) return 0xDF;  // CAPITAL SHARP S -> sharp s
    if (c <= 0x1E95 || c >= 0x1EA0) return IsEven(c) ? c + 1 : c;
    return c;
  }
  switch (c) {
    case 0x2126:
      return 0x3C9;  // OHM SIGN
    case 0x212A:
      return 'k';  // KELVIN SIGN
    case 0x212B:
      return 0xE5;  // ANGSTROM SIGN
    default:
      break;
  }
  if (c >= 0xFF21 && c <= 0xFF3A) return c + 32;  // fullwidth A-Z
  return c;
}

char32_t FoldForMatching(char32_t c) {
  switch (c) {
    case 0x2018:
    case 0x2019:
    case 0x201B:
    case 0x2032:
    case 0xFF07:
      return '\'';
    case 0x201C:
    case 0x201D:
    case 0x201F:
    case 0x2033:
    case 0xFF02:
      return '"';
    default:
      break;
  }
  // Fullwidth ASCII (U+FF01-U+FF5E) is ASCII: "＃ＡＤ" is "#AD".
  if (c >= 0xFF01 && c <= 0xFF5E) return SimpleCaseFold(c - 0xFEE0);
  // Mathematical alphanumeric letters (U+1D400-U+1D6A3: 13 styles of A-Z
  // a-z) and digits (U+1D7CE-U+1D7FF): "bold" text on LinkedIn is typed
  // with them, and a disclosure in bold is still a disclosure.
  if (c >= 0x1D400 && c <= 0x1D6A3) {
    const char32_t k = (c - 0x1D400) % 52;
    return k < 26 ? 'a' + k : 'a' + (k - 26);
  }
  if (c >= 0x1D7CE && c <= 0x1D7FF) return '0' + (c - 0x1D7CE) % 10;
  return SimpleCaseFold(c);
}

bool IsUnicodeSpace(char32_t c) {
  if (c <= 0x20) return c == 0x20 || (c >= 0x09 && c <= 0x0D);
  if (c < 0x85) return false;
  return c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200B) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

bool IsIgnorable(char32_t c) {
  return c == 0xAD || c == 0x34F || c == 0x200C || c == 0x200D ||
         (c >= 0x2060 && c <= 0x2064) || c == 0xFEFF ||
         (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0000 && c <= 0xE007F);
}

bool IsWordChar(char32_t c) {
  if (c < 0x80) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z') || c == '_';
  }
  if (c < 0xA0) return false;  // C1 controls
  if (c < 0xC0) {
    switch (c) {
      case 0xAA:
      case 0xB2:
      case 0xB3:
      case 0xB5:
      case 0xB9:
      case 0xBA:
      case 0xBC:
      case 0xBD:
      case 0xBE:
        return true;
      default:
        return false;
    }
  }
  if (c == 0xD7 || c == 0xF7) return false;
  if (IsUnicodeSpace(c) || IsIgnorable(c)) return false;
  if (c >= 0x2010 && c <= 0x206F) return false;  // general punctuation
  if (c >= 0x20A0 && c <= 0x20CF) return false;  // currency
  if (c >= 0x2190 && c <= 0x2BFF) return false;  // arrows ... dingbats
  if (c >= 0x2E00 && c <= 0x2E7F) return false;  // supplemental punct.
  if (c >= 0x3000 && c <= 0x303F) return c >= 0x3005 && c <= 0x3007;
  if (c >= 0xE000 && c <= 0xF8FF) return false;  // private use
  if (c >= 0xFE10 && c <= 0xFE1F) return false;
  if (c >= 0xFE30 && c <= 0xFE6F) return false;
  if (c >= 0xFF01 && c <= 0xFF0F) return false;
  if (c >= 0xFF1A && c <= 0xFF20) return false;
  if (c >= 0xFF3B && c <= 0xFF40) return false;
  if (c >= 0xFF5B && c <= 0xFF65) return false;
  if (c >= 0xFFF0 && c <= 0xFFFF) return false;    // specials, U+FFFD
  if (c >= 0x1F000 && c <= 0x1FAFF) return false;  // emoji and symbols
  return true;
}

std::u32string FoldPhrase(absl::string_view phrase) {
  std::u32string out;
  for (const char32_t c : DecodeUtf8(phrase)) {
    if (IsUnicodeSpace(c)) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else if (!IsIgnorable(c)) {
      out.push_back(FoldForMatching(c));
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<Token> Tokenize(const std::u32string& chars) {
  return Tokenizer(chars).Run();
}

std::vector<Token> Tokenize(absl::string_view text) {
  return Tokenize(DecodeUtf8(text));
}

AnalyzedText::AnalyzedText(absl::string_view text)
    : chars_(DecodeUtf8(text)), tokens_(Tokenize(chars_)) {
  folded_.reserve(chars_.size());
  folded_origin_.reserve(chars_.size());
  collapsed_utf8_.reserve(text.size());
  byte_origin_.reserve(text.size());
  for (size_t i = 0; i < chars_.size(); ++i) {
    const char32_t c = chars_[i];
    if (IsIgnorable(c)) continue;
    const bool space = IsUnicodeSpace(c);
    if (space && (folded_.empty() || folded_.back() == ' ')) continue;
    const auto origin = static_cast<uint32_t>(i);
    folded_.push_back(space ? U' ' : FoldForMatching(c));
    folded_origin_.push_back(origin);
    AppendUtf8(space ? U' ' : c, &collapsed_utf8_);
    byte_origin_.resize(collapsed_utf8_.size(), origin);
  }
  if (!folded_.empty() && folded_.back() == ' ') {
    folded_.pop_back();
    folded_origin_.pop_back();
    collapsed_utf8_.pop_back();
    byte_origin_.pop_back();
  }
}

std::string AnalyzedText::Substring(size_t begin, size_t end) const {
  end = std::min(end, chars_.size());
  begin = std::min(begin, end);
  return EncodeUtf8(chars_.data() + begin, chars_.data() + end);
}

std::vector<TextSpan> AnalyzedText::FindPhrase(
    const std::u32string& folded_phrase) const {
  std::vector<TextSpan> found;
  const size_t m = folded_phrase.size();
  if (m == 0 || m > folded_.size()) return found;
  for (size_t k = 0; k + m <= folded_.size(); ++k) {
    if (folded_.compare(k, m, folded_phrase) != 0) continue;
    if (IsWordChar(folded_phrase.front()) && k > 0 &&
        (IsWordChar(folded_[k - 1]) || folded_[k - 1] == '#')) {
      continue;
    }
    if (!IsWordChar(folded_phrase.front()) && k > 0 &&
        IsWordChar(folded_[k - 1])) {
      continue;
    }
    if (IsWordChar(folded_phrase.back()) && k + m < folded_.size() &&
        IsWordChar(folded_[k + m])) {
      continue;
    }
    found.push_back({folded_origin_[k], size_t{folded_origin_[k + m - 1]} + 1});
  }
  return found;
}

size_t AnalyzedText::OriginOfCollapsedByte(size_t offset) const {
  return offset < byte_origin_.size() ? byte_origin_[offset] : chars_.size();
}

int AnalyzedText::TokenStartingAt(size_t begin) const {
  const auto it =
      std::lower_bound(tokens_.begin(), tokens_.end(), begin,
                       [](const Token& t, size_t b) { return t.begin < b; });
  if (it == tokens_.end() || it->begin != begin) return -1;
  return static_cast<int>(it - tokens_.begin());
}

size_t AnalyzedText::HashtagRunLength(size_t index) const {
  if (index >= tokens_.size() || tokens_[index].kind != TokenKind::kHashtag) {
    return 0;
  }
  size_t first = index;
  while (first > 0 && tokens_[first - 1].kind == TokenKind::kHashtag) --first;
  size_t last = index;
  while (last + 1 < tokens_.size() &&
         tokens_[last + 1].kind == TokenKind::kHashtag) {
    ++last;
  }
  return last - first + 1;
}

}  // namespace candor::transparency
