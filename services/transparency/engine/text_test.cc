#include "services/transparency/engine/text.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace candor::transparency {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Keys(const std::vector<Token>& tokens) {
  std::vector<std::string> keys;
  for (const Token& t : tokens) keys.push_back(t.key);
  return keys;
}

TEST(Utf8Test, MalformedBytesBecomeReplacementCharacters) {
  EXPECT_EQ(DecodeUtf8("a\xff"
                       "b"),
            (std::u32string{'a', kReplacementChar, 'b'}));
  EXPECT_EQ(DecodeUtf8("\xc3"),
            std::u32string(1, kReplacementChar));  // truncated
  EXPECT_EQ(DecodeUtf8("\xc0\xaf"),
            std::u32string(2, kReplacementChar));  // overlong
  EXPECT_EQ(DecodeUtf8("\xed\xa0\x80"),
            std::u32string(3, kReplacementChar));  // surrogate
  EXPECT_EQ(DecodeUtf8("\xf4\x90\x80\x80"),
            std::u32string(4, kReplacementChar));
  EXPECT_EQ(DecodeUtf8("\x80"
                       "z"),
            (std::u32string{kReplacementChar, 'z'}));
  EXPECT_EQ(DecodeUtf8("Zo\xc3\xab \xf0\x9f\x91\x8d"),
            (std::u32string{'Z', 'o', 0xEB, ' ', 0x1F44D}));
}

TEST(Utf8Test, EncodeRoundTripsAndCountsCodePoints) {
  const std::string text = "Zoë 👍🏽 Ω e\u0301";
  const std::u32string chars = DecodeUtf8(text);
  EXPECT_EQ(EncodeUtf8(chars.data(), chars.data() + chars.size()), text);
  // Z o ë space thumbs skin-tone space Ω space e combining-acute.
  EXPECT_EQ(CountCodePoints(text), 11u);
  EXPECT_EQ(CountCodePoints(""), 0u);
}

TEST(CaseFoldTest, CoversLatinGreekCyrillic) {
  EXPECT_EQ(SimpleCaseFold('A'), U'a');
  EXPECT_EQ(SimpleCaseFold(U'Ä'), U'ä');
  EXPECT_EQ(SimpleCaseFold(U'Ø'), U'ø');
  EXPECT_EQ(SimpleCaseFold(U'Ā'), U'ā');
  EXPECT_EQ(SimpleCaseFold(U'Ł'), U'ł');
  EXPECT_EQ(SimpleCaseFold(U'Ž'), U'ž');
  EXPECT_EQ(SimpleCaseFold(U'Ÿ'), U'ÿ');
  EXPECT_EQ(SimpleCaseFold(U'ſ'), U's');
  EXPECT_EQ(SimpleCaseFold(U'İ'), U'İ');  // no simple folding
  EXPECT_EQ(SimpleCaseFold(U'ß'), U'ß');  // full folding only
  EXPECT_EQ(SimpleCaseFold(U'Σ'), U'σ');
  EXPECT_EQ(SimpleCaseFold(U'ς'), U'σ');
  EXPECT_EQ(SimpleCaseFold(U'Έ'), U'έ');
  EXPECT_EQ(SimpleCaseFold(U'Ώ'), U'ώ');
  EXPECT_EQ(SimpleCaseFold(U'Ж'), U'ж');
  EXPECT_EQ(SimpleCaseFold(U'Ё'), U'ё');
  EXPECT_EQ(SimpleCaseFold(U'Ґ'), U'ґ');
  EXPECT_EQ(SimpleCaseFold(U'Ա'), U'ա');
  EXPECT_EQ(SimpleCaseFold(U'Ệ'), U'ệ');
  EXPECT_EQ(SimpleCaseFold(0x212A), U'k');  // KELVIN SIGN
  EXPECT_EQ(SimpleCaseFold(U'Ａ'), U'ａ');
  EXPECT_EQ(SimpleCaseFold(U'中'), U'中');
  EXPECT_EQ(FoldPhrase("ΟΔΥΣΣΕΥΣ"), FoldPhrase("οδυσσευς"));
  EXPECT_EQ(FoldPhrase("МОСКВА"), FoldPhrase("москва"));
  EXPECT_EQ(FoldPhrase("ÉCOLE Ÿ"), FoldPhrase("école ÿ"));
}

TEST(CaseFoldTest, MatchingFoldsTypographicVariants) {
  EXPECT_EQ(FoldPhrase("I’m"), FoldPhrase("i'm"));
  EXPECT_EQ(FoldPhrase("＃ＡＤ"), FoldPhrase("#ad"));
  // Mathematical bold, as typed for "bold" LinkedIn posts.
  EXPECT_EQ(FoldPhrase("\U0001D400\U0001D41C\U0001D426\U0001D41E"),
            FoldPhrase("acme"));
  EXPECT_EQ(FoldPhrase("  I \u00A0work\u3000at\u2003ACME  "),
            U"i work at acme");
}

TEST(SpaceTest, KnowsUnicodeSpaces) {
  for (char32_t c :
       {U' ', U'\t', U'\n', char32_t{0xA0}, char32_t{0x2000}, char32_t{0x2007},
        char32_t{0x200A}, char32_t{0x200B}, char32_t{0x202F}, char32_t{0x205F},
        char32_t{0x3000}, char32_t{0x85}, char32_t{0x2028}}) {
    EXPECT_TRUE(IsUnicodeSpace(c)) << static_cast<uint32_t>(c);
  }
  for (char32_t c : {U'a', U'_', char32_t{0x200D}, char32_t{0xAD}, U'é'}) {
    EXPECT_FALSE(IsUnicodeSpace(c)) << static_cast<uint32_t>(c);
  }
}

TEST(TokenizeTest, WordsHashtagsAndUrls) {
  const std::vector<Token> tokens =
      Tokenize("Hello, World! #Acme (see https://Example.com/a?b=1). Don't");
  ASSERT_EQ(tokens.size(), 6u);
  EXPECT_THAT(Keys(tokens), ElementsAre("hello", "world", "acme", "see",
                                        std::string(kUrlKey), "dont"));
  EXPECT_EQ(tokens[2].kind, TokenKind::kHashtag);
  EXPECT_EQ(tokens[2].begin, 14u);  // at '#'
  EXPECT_EQ(tokens[2].end, 19u);
  EXPECT_EQ(tokens[4].kind, TokenKind::kUrl);
  EXPECT_EQ(tokens[4].begin, 25u);
  EXPECT_EQ(tokens[4].end, 50u);  // without ")."
}

TEST(TokenizeTest, PositionsAreCharactersOfTheOriginal) {
  const std::vector<Token> tokens =
      Tokenize("Zoë\u00A0\u00A0#Café 👍 www.acme.com");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].key, "zoë");
  EXPECT_EQ(tokens[1].key, "café");
  EXPECT_EQ(tokens[1].begin, 5u);
  EXPECT_EQ(tokens[1].end, 10u);
  EXPECT_EQ(tokens[2].kind, TokenKind::kUrl);
  EXPECT_EQ(tokens[2].begin, 13u);
}

// The links Tokenize finds in `text`, as written.
std::vector<std::string> Links(const std::string& text) {
  const AnalyzedText analyzed(text);
  std::vector<std::string> links;
  for (const Token& t : analyzed.tokens()) {
    if (t.kind == TokenKind::kUrl)
      links.push_back(analyzed.Substring(t.begin, t.end));
  }
  return links;
}

TEST(TokenizeTest, LinksWithoutASchemeAsNetworksLinkThem) {
  EXPECT_THAT(Links("Read acme.com/offer today"),
              ElementsAre("acme.com/offer"));
  EXPECT_THAT(Links("bit.ly/3xYz and BIT.LY/Q"),
              ElementsAre("bit.ly/3xYz", "BIT.LY/Q"));
  EXPECT_THAT(Links("see example.com"), ElementsAre("example.com"));
  EXPECT_THAT(Links("Acme.COM rocks"), ElementsAre("Acme.COM"));
  EXPECT_THAT(Links("www.example.com www.acme.example/x"),
              ElementsAre("www.example.com", "www.acme.example/x"));
  EXPECT_THAT(Links("blog.acme.co.uk/post?id=1#top"),
              ElementsAre("blog.acme.co.uk/post?id=1#top"));
  EXPECT_THAT(Links("Link:example.org/x"), ElementsAre("example.org/x"));
  // A country-code or brand TLD is a TLD: networks link these too.
  EXPECT_THAT(Links("acme.de acme.io/x README.md"),
              ElementsAre("acme.de", "acme.io/x", "README.md"));
  // Punycode names are left as written; any xn-- label counts as a TLD.
  EXPECT_THAT(Links("xn--bcher-kva.com/x shop.xn--p1ai"),
              ElementsAre("xn--bcher-kva.com/x", "shop.xn--p1ai"));
  // Two links in one chunk.
  EXPECT_THAT(Links("ab.com,cd.org;https://c.net/x"),
              ElementsAre("ab.com", "cd.org", "https://c.net/x"));
}

TEST(TokenizeTest, TrailingPunctuationIsNotPartOfALink) {
  EXPECT_THAT(Links("Go to example.com."), ElementsAre("example.com"));
  EXPECT_THAT(Links("Go to example.com..."), ElementsAre("example.com"));
  EXPECT_THAT(Links("(example.com)"), ElementsAre("example.com"));
  EXPECT_THAT(Links("(see example.com/offer)."),
              ElementsAre("example.com/offer"));
  EXPECT_THAT(Links("\u201Cexample.com\u201D!"), ElementsAre("example.com"));
  EXPECT_THAT(Links("example.com: great"), ElementsAre("example.com"));
  EXPECT_THAT(Links("example.com/x/, then"), ElementsAre("example.com/x/"));
  // A host alone ends the link; the rest of the chunk is words.
  const std::vector<Token> tokens = Tokenize("Acme.com's new app");
  EXPECT_THAT(Keys(tokens),
              ElementsAre(std::string(kUrlKey), "s", "new", "app"));
  EXPECT_EQ(tokens[0].begin, 0u);
  EXPECT_EQ(tokens[0].end, 8u);
  // Positions are characters of the original text.
  const std::vector<Token> t2 = Tokenize("Zoë: bit.ly/x!");
  ASSERT_EQ(t2.size(), 2u);
  EXPECT_EQ(t2[1].kind, TokenKind::kUrl);
  EXPECT_EQ(t2[1].begin, 5u);
  EXPECT_EQ(t2[1].end, 13u);
}

TEST(TokenizeTest, WhatIsNotALink) {
  for (const char* text : {
           "e.g. this, i.e. that",
           "pi is 3.14",
           "version v1.2.3 and 1.2.3.4",
           "report.pdf",
           "Node.js and Vue.js",  // not TLDs
           "a.b",
           "launch.Check it out",  // not TLDs either
           "acme.example/x",
           "intranet.local",          // reserved, not delegated
           "B.Tech, M.Sc and B.Com",  // degrees (one letter first)
           "t.co x.com",              // ... unless a path follows
           "foo_example.com",
           "x.coméx",
           "caféexample.com",  // inside words
           "#acme.com",
           "@acme.com",  // hashtag, mention
           "ann@example.com",
           "first.last+tag@example.com.",  // email
           "-acme.com",
           "acme-.com",
           "999.1.1.1/x",
           "1.2.3.4.5/x",
           "bücher.de",  // a Unicode name needs its scheme
       }) {
    EXPECT_THAT(Links(text), ElementsAre()) << text;
  }
}

TEST(TokenizeTest, PortsUserInfoAndIpAddresses) {
  EXPECT_THAT(Links("example.com:8080 example.com:8443/x"),
              ElementsAre("example.com:8080", "example.com:8443/x"));
  EXPECT_THAT(Links("t.co/abc x.com/acme"),
              ElementsAre("t.co/abc", "x.com/acme"));
  // An IPv4 address is a link with a port or a path (alone it reads as a
  // version number).
  EXPECT_THAT(Links("192.168.0.1/admin 10.0.0.1:8080 and 1.2.3.4"),
              ElementsAre("192.168.0.1/admin", "10.0.0.1:8080"));
  // User info is part of the link (ParseLink finds the host after '@');
  // an email address has no path or port.
  EXPECT_THAT(Links("good.com@evil.com/x ann@evil.com:80"),
              ElementsAre("good.com@evil.com/x", "ann@evil.com:80"));
  EXPECT_THAT(Links("https://good.com@evil.com/"),
              ElementsAre("https://good.com@evil.com/"));
  EXPECT_THAT(Links("evil.com\\@good.com"), ElementsAre("evil.com\\@good.com"));
}

TEST(TokenizeTest, LongRunsAreScannedOnce) {
  // Dots, at-signs and colons without spaces: every candidate start is
  // looked at once, so this stays fast (and finds no link).
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "a.a@a:";
  EXPECT_THAT(Links(text), ElementsAre());
  std::string many;
  for (int i = 0; i < 2000; ++i) many += "xy.com,";
  EXPECT_EQ(Links(many).size(), 2000u);
}

TEST(TokenizeTest, InvisibleCharactersDoNotSplitWords) {
  EXPECT_THAT(Keys(Tokenize("gua\u00ADran\u200Dteed returns")),
              ElementsAre("guaranteed", "returns"));
  EXPECT_THAT(Keys(Tokenize("one\u200Btwo")), ElementsAre("one", "two"));
  EXPECT_THAT(Keys(Tokenize("#a#B  -- ... 🚀")), ElementsAre("a", "b"));
  EXPECT_TRUE(Tokenize("").empty());
  EXPECT_TRUE(Tokenize("\xff\xfe !!").empty());
}

TEST(AnalyzedTextTest, FindsPhrasesAsWholeWordsAcrossSpaces) {
  const AnalyzedText text("Proud! I\u00A0work  AT Acme. #ADventure #AD #tad");
  const auto work = text.FindPhrase(FoldPhrase("I work at Acme"));
  ASSERT_EQ(work.size(), 1u);
  EXPECT_EQ(work[0].begin, 7u);
  EXPECT_EQ(work[0].end, 22u);
  EXPECT_EQ(text.Substring(work[0].begin, work[0].end), "I\u00A0work  AT Acme");
  const auto ad = text.FindPhrase(FoldPhrase("#ad"));
  ASSERT_EQ(ad.size(), 1u);
  EXPECT_EQ(text.Substring(ad[0].begin, ad[0].end), "#AD");
  EXPECT_TRUE(text.FindPhrase(FoldPhrase("work at acm")).empty());
  EXPECT_TRUE(
      text.FindPhrase(FoldPhrase("ad")).empty());  // only inside hashtags
}

TEST(AnalyzedTextTest, HashtagRuns) {
  const AnalyzedText text("Launch day #a #b, #c • #d #e then #f");
  const int c = text.TokenStartingAt(18);
  ASSERT_GE(c, 0);
  EXPECT_EQ(text.tokens()[c].key, "c");
  EXPECT_EQ(text.HashtagRunLength(c), 5u);
  EXPECT_EQ(text.HashtagRunLength(text.tokens().size() - 1), 1u);
  EXPECT_EQ(text.HashtagRunLength(0), 0u);  // a word
  EXPECT_EQ(text.TokenStartingAt(1), -1);
}

TEST(AnalyzedTextTest, CollapsedTextMapsBackToOriginalPositions) {
  const AnalyzedText text("🚀  Our\u00A0\u00A0fund");
  EXPECT_EQ(text.collapsed_utf8(), "🚀 Our fund");
  EXPECT_EQ(text.OriginOfCollapsedByte(0), 0u);
  EXPECT_EQ(text.OriginOfCollapsedByte(5), 3u);  // 'O'
  EXPECT_EQ(text.OriginOfCollapsedByte(9), 8u);  // 'f'
  EXPECT_EQ(text.OriginOfCollapsedByte(13), text.length());
}

}  // namespace
}  // namespace candor::transparency
