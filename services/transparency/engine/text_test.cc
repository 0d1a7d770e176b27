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
