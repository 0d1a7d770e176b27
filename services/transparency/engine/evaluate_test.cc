#include "services/transparency/engine/evaluate.h"

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/transparency/engine/near_duplicate_index.h"
#include "services/transparency/engine/shingles.h"

namespace candor::transparency {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

constexpr int64_t kHour = int64_t{3600} * 1000 * 1000;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kNow = int64_t{1700000000} * 1000 * 1000;

constexpr char kSummary[] =
    "Acme Corp releases offline mode for its mobile app, so customers can keep "
    "working without a connection and never lose a note again.";
constexpr char kScript[] =
    "Our new offline mode is here: keep working on a plane, in a tunnel or "
    "anywhere the network drops, and everything syncs the moment you are back.";

PostInput BasePost() {
  PostInput p;
  p.network = Network::kLinkedIn;
  p.text =
      "I work at Acme Corp, and this week my team shipped offline mode. I "
      "tried "
      "it on a train with no signal and my notes just kept saving. Proud of "
      "everyone who made it happen!";
  p.author = {"ada", true, true, {"@Ada"}};
  p.story = {"offline",
             kSummary,
             {"Offline mode syncs automatically when you reconnect",
              "Available today on every plan"},
             "https://acme.example/news/offline",
             false};
  return p;
}

EvaluationContext BaseContext() {
  EvaluationContext c;
  c.organization_id = "acme";
  c.organization_display_name = "Acme Corp";
  c.now_us = kNow;
  return c;
}

// Exactly n ASCII characters of ordinary words, ending in a space.
std::string Filler(size_t n) {
  std::string s;
  while (s.size() < n) s += "we ship useful things ";
  s.resize(n);
  if (n > 0) s.back() = ' ';
  return s;
}

std::string Repeat(absl::string_view unit, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s.append(unit.data(), unit.size());
  return s;
}

// Other people's posts for no_coordination, built once.
const NearDuplicateIndex& Corpus() {
  static const NearDuplicateIndex* index = [] {
    auto* idx = new NearDuplicateIndex;
    auto add = [&](const char* id, const char* author, int64_t time,
                   const std::string& text) {
      const absl::Status s = idx->Add(id, author, time, ShingleSetOf(text));
      if (!s.ok()) std::abort();
    };
    // Punctuation and case differ only.
    add("p-bob", "bob", kNow - 12 * kHour,
        "OUR new offline mode is here - keep working on a plane, in a tunnel, "
        "or "
        "anywhere the network drops; and everything syncs the moment you are "
        "back!");
    // One word differs.
    add("p-carol", "carol", kNow - 2 * kDay,
        "Our new offline mode is here: keep working on a train, in a tunnel or "
        "anywhere the network drops, and everything syncs the moment you are "
        "back.");
    add("p-ada", "ada", kNow - kDay, kScript);       // the author's own
    add("p-dan", "dan", kNow - 45 * kDay, kScript);  // outside the window
    add("p-erin", "erin", kNow - kDay,
        "Great offsite with the sales team this week.");
    return idx;
  }();
  return *index;
}

using Setup = std::function<void(PostInput&, EvaluationContext&)>;

struct RuleCase {
  std::string name;
  RuleKind rule;
  Setup setup;
  bool passed;
  std::string explanation;  // a substring of the expected explanation
  std::vector<EvidenceItem> evidence = {};  // items the evidence must contain
};

RuleResult RunOne(const RuleKind& kind, const PostInput& post,
                  const EvaluationContext& context) {
  absl::StatusOr<Ruleset> ruleset =
      Ruleset::Create({Rule{"rule", "Title", "Why", Severity::kBlock, kind}});
  EXPECT_TRUE(ruleset.ok()) << ruleset.status();
  const Evaluation evaluation = Evaluate(*ruleset, post, context);
  EXPECT_EQ(evaluation.results.size(), 1u);
  return evaluation.results.at(0);
}

Setup Text(std::string text) {
  return [text](PostInput& p, EvaluationContext&) { p.text = text; };
}
Setup On(Network network, std::string text) {
  return [network, text](PostInput& p, EvaluationContext&) {
    p.network = network;
    p.text = text;
  };
}
Setup Nothing() {
  return [](PostInput&, EvaluationContext&) {};
}

std::vector<RuleCase> Cases() {
  std::vector<RuleCase> cases = {
      // --- disclosure -----------------------------------------------------
      {"DisclosurePhraseAtStart",
       DisclosureRule{},
       Nothing(),
       true,
       "The disclosure 'I work at Acme Corp' starts at character 1, within the "
       "210 characters LinkedIn shows before 'see more'.",
       {{"disclosure", "I work at Acme Corp"}, {"start", "0"}, {"end", "19"}}},
      {"DisclosureHashtagWithOrgId", DisclosureRule{},
       Text("Big week for the team! #AcmeEmployee"), true, "'#AcmeEmployee'"},
      {"DisclosureHashtagWithDisplayName", DisclosureRule{},
       Text("#acmecorpemployee and proud"), true, "starts at character 1"},
      {"DisclosureAcrossNbspAndCase", DisclosureRule{},
       Text("Honest take: i\u00A0WORK at   acme corp. The launch went well."),
       true, "'i\u00A0WORK at   acme corp' starts at character 14"},
      {"DisclosureOnLastVisibleCharacter", DisclosureRule{},
       Text(Filler(209) + "#ad and then much more text after it"), true,
       "starts at character 210, within the 210 characters"},
      {"DisclosureJustAfterLinkedInCut",
       DisclosureRule{},
       Text(Filler(210) + "#ad and then much more text after it"),
       false,
       "The disclosure '#ad' starts at character 211, after the 210 characters "
       "LinkedIn shows before 'see more'",
       {{"misplaced_disclosure", "#ad"},
        {"start", "210"},
        {"visible_prefix", "210"}}},
      {"DisclosureAfterCutAsInTheIssue", DisclosureRule{},
       Text(Filler(244) + "#ad"), false,
       "The disclosure '#ad' starts at character 245, after the 210 characters "
       "LinkedIn shows before 'see more'"},
      {"DisclosureLateIsFineOnX",
       DisclosureRule{},
       On(Network::kX, Filler(250) + "#ad"),
       true,
       "X shows the whole post",
       {{"visible_prefix", "whole post"}}},
      {"DisclosureLateIsFineOnMastodon", DisclosureRule{},
       On(Network::kMastodon, Filler(450) + "#ad"), true,
       "Mastodon shows the whole post"},
      {"DisclosureInstagramCutsAt125", DisclosureRule{},
       On(Network::kInstagram, Filler(130) + "#ad"), false,
       "after the 125 characters Instagram shows"},
      {"DisclosureFacebookShows480", DisclosureRule{},
       On(Network::kFacebook, Filler(300) + "#ad"), true,
       "within the 480 characters"},
      {"DisclosureBuriedInHashtagRun", DisclosureRule{},
       Text("Launch day! #cloud #ai #data #ad #tech"), false,
       "is buried in a run of 5 hashtags"},
      {"DisclosureBuriedEvenWithPunctuationBetween", DisclosureRule{},
       Text("Launch day! #cloud, #ai • #data #ad"), false, "run of 4 hashtags"},
      {"DisclosureInRunOfThreeCounts", DisclosureRule{},
       Text("Launch day! #cloud #ad #tech"), true, "'#ad'"},
      {"DisclosureSecondOccurrenceCanPass", DisclosureRule{},
       Text("#ad Launch day! #cloud #ai #data #ad #tech"), true, "character 1"},
      {"AmbiguousLabelSpon",
       DisclosureRule{},
       Text("Loving the new release #spon"),
       false,
       "'#spon' is an ambiguous label that does not count as a disclosure",
       {{"ambiguous_label", "#spon"}}},
      {"AmbiguousLabelEe", DisclosureRule{}, Text("#EE proud of this launch"),
       false, "ambiguous label"},
      {"AmbiguousLabelSp", DisclosureRule{}, Text("new release #sp"), false,
       "ambiguous label"},
      {"AdventureIsNotAd", DisclosureRule{},
       Text("#adventure time with the team"), false,
       "The post contains no disclosure: add one within the first 210 "
       "characters "
       "(what LinkedIn shows before 'see more'), for example "
       "'#AcmeCorpemployee', "
       "'I work at Acme Corp', 'I work for Acme Corp' or '#ad'."},
      {"NoDisclosureInLongPost", DisclosureRule{}, Text(Filler(400)), false,
       "The first 210 characters that LinkedIn shows before 'see more' contain "
       "no "
       "disclosure"},
      {"RejectedLabelBeatsAccepted",
       DisclosureRule{{"#partner"}, {"#partner"}, {}, 3},
       Text("Great work #partner"), false, "ambiguous label"},
      {"GreekDisplayNameFolds", DisclosureRule{},
       [](PostInput& p, EvaluationContext& c) {
         c.organization_display_name = "Δέλτα";
         p.text = "Περήφανος για την ομάδα! #ΔΈΛΤΑemployee";
       },
       true, "'#ΔΈΛΤΑemployee'"},
      {"CyrillicPhraseFolds", DisclosureRule{{"Я работаю в {org}"}, {}, {}, 3},
       [](PostInput& p, EvaluationContext& c) {
         c.organization_display_name = "Ромашка";
         p.text = "я РАБОТАЮ в РОМАШКА и горжусь командой";
       },
       true, "starts at character 1"},
      {"MathematicalBoldDisclosure", DisclosureRule{},
       Text("Shipped today \u2728 #\U0001D41A\U0001D41D"), true,
       "character 17"},

      // --- own_words ------------------------------------------------------
      {"OwnWordsPass",
       OwnWordsRule{},
       Nothing(),
       true,
       "0 of the post's 33 three-word sequences (0%) also appear",
       {{"score", "0.000"}, {"story", "offline"}}},
      {"CopiedSummaryFails",
       OwnWordsRule{},
       Text(std::string(kSummary) + " #AcmeCorpEmployee"),
       false,
       "please say it in your own words. The longest copied passage is 'Acme "
       "Corp "
       "releases offline mode",
       {{"max_copied", "0.500"}}},
      {"CopiedWithCaseAndPunctuationChangesFails", OwnWordsRule{},
       Text("ACME CORP releases offline mode for its mobile app - so customers "
            "can keep "
            "working without a connection, and never lose a note again!!"),
       false, "21 of the post's 21 three-word sequences (100%)"},
      {"TalkingPointInsideOwnWordsPasses", OwnWordsRule{},
       Text("Between meetings I wrote half my quarterly plan in a basement "
            "cafe, and "
            "offline mode syncs automatically when you reconnect, which "
            "honestly saved "
            "my afternoon and my temper."),
       true, "up to 50% may"},
      {"FullCopyAllowedWhenMaxIsOne", OwnWordsRule{1.0}, Text(kSummary), true,
       "(100%) also appear"},
      {"NoWordsToCompare", OwnWordsRule{}, Text("🚀🚀 !!"), true, "no words"},
      {"NoStoryNothingToCopy", OwnWordsRule{},
       [](PostInput& p, EvaluationContext&) { p.story = StoryFacts{}; }, true,
       "draws on no story"},

      // --- no_coordination -------------------------------------------------
      {"TwoOtherAuthorsFail",
       NoCoordinationRule{},
       [](PostInput& p, EvaluationContext& c) {
         p.text = kScript;
         c.index = &Corpus();
       },
       false,
       "2 other people posted nearly the same text in the last 30 days "
       "(resemblance "
       "0.50 or more); the rule allows fewer than 2",
       {{"similar_authors", "2"},
        {"similar_post", "p-bob by bob on 2023-11-14, resemblance 1.00"}}},
      {"TwoOthersAllowedWhenMaxIsThree", NoCoordinationRule{3, 0.5, 30},
       [](PostInput& p, EvaluationContext& c) {
         p.text = kScript;
         c.index = &Corpus();
       },
       true,
       "2 other people posted nearly the same text in the last 30 days; fewer "
       "than 3"},
      {"StricterThresholdKeepsExactCopy", NoCoordinationRule{2, 0.95, 30},
       [](PostInput& p, EvaluationContext& c) {
         p.text = kScript;
         c.index = &Corpus();
       },
       true, "1 other person posted nearly the same text"},
      {"ShortWindowKeepsRecentOnly", NoCoordinationRule{2, 0.5, 1},
       [](PostInput& p, EvaluationContext& c) {
         p.text = kScript;
         c.index = &Corpus();
       },
       true, "1 other person posted nearly the same text in the last 1 days"},
      {"OwnTextHasNoTwins", NoCoordinationRule{},
       [](PostInput&, EvaluationContext& c) { c.index = &Corpus(); }, true,
       "Nobody else posted nearly the same text in the last 30 days."},
      {"NoCorpusPasses", NoCoordinationRule{}, Text(kScript), true,
       "No other posts were available"},

      // --- real_author ------------------------------------------------------
      {"RealAuthorPasses", RealAuthorRule{}, Nothing(), true,
       "posting from your linked LinkedIn account."},
      {"ChosenAccountMatchesIgnoringAtAndCase", RealAuthorRule{},
       [](PostInput& p, EvaluationContext&) { p.account_handle = "ADA"; }, true,
       "account @ada."},
      {"InactiveAuthorFails",
       RealAuthorRule{},
       [](PostInput& p, EvaluationContext&) { p.author.active = false; },
       false,
       "The post cannot go out under your name: your staff profile is not "
       "active.",
       {{"active", "false"}}},
      {"NoConsentFails", RealAuthorRule{},
       [](PostInput& p, EvaluationContext&) {
         p.author.advocacy_consent = false;
       },
       false, "you have not agreed to advocacy"},
      {"AccountNotLinkedFails", RealAuthorRule{},
       [](PostInput& p, EvaluationContext&) { p.account_handle = "@bob"; },
       false, "the LinkedIn account @bob is not linked to your profile"},
      {"NoLinkedAccountFails", RealAuthorRule{},
       [](PostInput& p, EvaluationContext&) {
         p.author.linked_handles.clear();
         p.author.active = false;
       },
       false,
       "your staff profile is not active; you have no LinkedIn account linked "
       "to your "
       "profile."},

      // --- incentive_disclosure
      // -------------------------------------------------
      {"NotIncentivizedPasses", IncentiveDisclosureRule{}, Nothing(), true,
       "offers no reward"},
      {"IncentivizedWithSponsoredPasses", IncentiveDisclosureRule{},
       [](PostInput& p, EvaluationContext&) {
         p.story.incentivized = true;
         p.text += " #Sponsored";
       },
       true, "says so with '#Sponsored' at character 172"},
      {"IncentivizedWithoutTagFails", IncentiveDisclosureRule{},
       [](PostInput& p, EvaluationContext&) { p.story.incentivized = true; },
       false,
       "so the post must say so, for example with '#ad' or '#sponsored'."},
      {"IncentivizedAdventureIsNotAd", IncentiveDisclosureRule{},
       [](PostInput& p, EvaluationContext&) {
         p.story.incentivized = true;
         p.text = "What an #adventure";
       },
       false, "must say so"},

      // --- sensitive_terms
      // ----------------------------------------------------------
      {"CleanTextPasses", SensitiveTermsRule{DefaultSensitivePatterns()},
       Nothing(), true, "none of the terms"},
      {"GuaranteedReturnsAcrossNbsp",
       SensitiveTermsRule{DefaultSensitivePatterns()},
       Text("🚀 Our fund: Guaranteed\u00A0\u00A0returns for all!"),
       false,
       "The post contains 'Guaranteed\u00A0\u00A0returns' (character 13)",
       {{"match", "Guaranteed\u00A0\u00A0returns"},
        {"start", "12"},
        {"end", "31"}}},
      {"RiskFree", SensitiveTermsRule{DefaultSensitivePatterns()},
       Text("It is RISK-FREE, honestly."), false, "'RISK-FREE'"},
      {"CurlyApostropheCantLose",
       SensitiveTermsRule{DefaultSensitivePatterns()},
       Text("With this plan you can’t lose."), false, "'can’t lose'"},
      {"SeveralMatchesListed", SensitiveTermsRule{DefaultSensitivePatterns()},
       Text("Double your money, risk free!"), false,
       "'Double your money' (character 1), 'risk free' (character 20)"},
      {"CodeNamePattern", SensitiveTermsRule{{R"(project\s+falcon)"}},
       Text("Can't wait for PROJECT\tFalcon"), false, "'PROJECT\tFalcon'"},

      // --- link_domains
      // ----------------------------------------------------------------
      {"NoLinkPasses", LinkDomainsRule{}, Nothing(), true,
       "The post has no link."},
      {"StoryUrlPasses", LinkDomainsRule{{"other.example"}},
       [](PostInput& p, EvaluationContext&) {
         p.link_url = "https://ACME.example/news/offline/";
       },
       true, "the story's own page"},
      {"AnyHttpsHostWhenNoList",
       LinkDomainsRule{},
       [](PostInput& p, EvaluationContext&) {
         p.link_url = "https://news.example.org/a";
       },
       true,
       "The link goes to news.example.org over https.",
       {{"host", "news.example.org"}}},
      {"ShortenerFails", LinkDomainsRule{},
       [](PostInput& p, EvaluationContext&) {
         p.link_url = "https://bit.ly/3xYz";
       },
       false,
       "goes through the URL shortener bit.ly, which hides where readers end "
       "up"},
      {"PlainHttpFails", LinkDomainsRule{},
       [](PostInput& p, EvaluationContext&) {
         p.link_url = "http://acme.example/x";
       },
       false, "is not https"},
      {"SchemelessLinkInTextFails", LinkDomainsRule{},
       Text("Read it at www.acme.example/offline."), false, "is not https"},
      {"ShortenerInTextFails", LinkDomainsRule{},
       Text("More here: https://t.co/abc123!"), false, "URL shortener t.co"},
      {"AllowedSubdomainPasses", LinkDomainsRule{{"acme.example"}},
       [](PostInput& p, EvaluationContext&) {
         p.link_url = "https://blog.acme.example/x";
       },
       true, "blog.acme.example"},
      {"HostNotAllowedFails", LinkDomainsRule{{"acme.example"}},
       [](PostInput& p, EvaluationContext&) {
         p.link_url = "https://notacme.example/x";
       },
       false,
       "goes to notacme.example, which is not among the sites this rule "
       "allows"},
      {"UserInfoDoesNotHideTheHost", LinkDomainsRule{},
       [](PostInput& p, EvaluationContext&) {
         p.link_url = "https://acme.example@bit.ly/x";
       },
       false, "shortener bit.ly"},
      // Links as readers see them: networks link "bit.ly/x" and
      // "acme.com/offer" without a scheme, and open them as http.
      {"SchemelessShortenerInTextFails",
       LinkDomainsRule{},
       Text("Details: bit.ly/3xYz!"),
       false,
       "The link 'bit.ly/3xYz' goes through the URL shortener bit.ly, which "
       "hides where readers end up: link to the page itself.",
       {{"link", "bit.ly/3xYz"}, {"host", "bit.ly"}}},
      {"SchemelessShortenerUppercase", LinkDomainsRule{},
       Text("See TinyURL.com/abc"), false, "URL shortener tinyurl.com"},
      {"ShortenerAloneInTextFails", LinkDomainsRule{},
       Text("Our links go through lnkd.in."), false, "URL shortener lnkd.in"},
      {"SchemelessShortenerAsThePostLinkFails", LinkDomainsRule{},
       [](PostInput& p, EvaluationContext&) { p.link_url = "t.co/abc"; }, false,
       "URL shortener t.co"},
      // A shortener fails whatever the allowed hosts say: it hides where
      // the reader goes, even when the rule allows its host.
      {"ShortenerFailsEvenWhenAllowed", LinkDomainsRule{{"bit.ly"}},
       Text("https://bit.ly/x"), false, "URL shortener bit.ly"},
      {"ShortenerSubdomainFails", LinkDomainsRule{},
       Text("https://www.bit.ly/x"), false, "URL shortener bit.ly"},
      {"SchemelessLinkInTextIsALink",
       LinkDomainsRule{},
       Text("Read more at acme.com/offline."),
       false,
       "The link 'acme.com/offline' is not https (networks open it as plain "
       "http)",
       {{"link", "acme.com/offline"}, {"host", "acme.com"}}},
      {"SchemelessHostAloneIsALink", LinkDomainsRule{},
       Text("Proud of (Acme.COM)."), false, "'Acme.COM' is not https"},
      {"SchemelessIpv4IsALink", LinkDomainsRule{},
       Text("Log in at 10.0.0.1:8080"), false, "'10.0.0.1:8080' is not https"},
      {"EmailAddressIsNoLink", LinkDomainsRule{},
       Text("Questions? ann@example.com"), true, "The post has no link."},
      {"NumbersAbbreviationsAndFileNamesAreNoLinks", LinkDomainsRule{},
       Text("e.g. 3.14x faster in v2.1, see report.pdf (B.Tech team)"), true,
       "The post has no link."},
      {"UserInfoInTextDoesNotHideTheHost",
       LinkDomainsRule{{"acme.com"}},
       Text("https://acme.com@evil.com/offer"),
       false,
       "goes to evil.com, which is not among the sites this rule allows",
       {{"host", "evil.com"}}},
      {"SchemelessUserInfoShortener", LinkDomainsRule{{"acme.com"}},
       Text("acme.com@bit.ly/x"), false, "URL shortener bit.ly"},
      {"BackslashDoesNotHideTheHost", LinkDomainsRule{{"acme.com"}},
       [](PostInput& p, EvaluationContext&) {
         p.link_url = "https://evil.com\\@acme.com/";
       },
       false, "goes to evil.com"},
      {"AllowedHttpsLinksPass", LinkDomainsRule{{"acme.com"}},
       Text("https://acme.com/a and https://blog.acme.com/b."), true,
       "The links go to acme.com, blog.acme.com over https."},
      {"HttpStoryUrlStillFails", LinkDomainsRule{},
       [](PostInput& p, EvaluationContext&) {
         p.story.url = "http://acme.example/x";
         p.link_url = "http://acme.example/x";
       },
       false, "is not https"},

      // --- length
      // -------------------------------------------------------------------------
      {"EmojiCountAsOneCharacterEach",
       LengthRule{},
       On(Network::kX, Repeat("😀", 280)),
       true,
       "The post is 280 characters long, within the 280 X allows.",
       {{"length", "280"}, {"limit", "280"}}},
      {"OneEmojiTooMany", LengthRule{}, On(Network::kX, Repeat("😀", 281)),
       false,
       "The post is 281 characters long; X allows 280: shorten it by 1."},
      {"CombiningMarksCount", LengthRule{},
       On(Network::kX, Repeat("e\u0301", 141)), false, "282 characters"},
      {"MastodonLimit", LengthRule{}, On(Network::kMastodon, Repeat("é", 501)),
       false, "Mastodon allows 500"},
      {"LinkedInExactLimit", LengthRule{}, Text(Repeat("ж", 3000)), true,
       "within the 3000"},
      {"NetworkWithoutLimit", LengthRule{{}}, Text("short"), true,
       "sets no limit"},

      // --- share_pacing
      // -----------------------------------------------------------------------
      {"NineSharesPass", SharePacingRule{},
       [](PostInput&, EvaluationContext& c) { c.shares_last_24h = 9; }, true,
       "You shared 9 posts on LinkedIn in the last 24 hours; fewer than 10 is "
       "fine."},
      {"TenSharesFail",
       SharePacingRule{},
       [](PostInput&, EvaluationContext& c) { c.shares_last_24h = 10; },
       false,
       "this rule asks for fewer than 10 a day",
       {{"shares_last_24h", "10"}}},
      {"CustomLimit", SharePacingRule{3},
       [](PostInput&, EvaluationContext& c) { c.shares_last_24h = 1; }, true,
       "You shared 1 post on"},
      {"ZeroSharesPass",
       SharePacingRule{},
       [](PostInput&, EvaluationContext& c) { c.shares_last_24h = 0; },
       true,
       "You shared 0 posts on LinkedIn in the last 24 hours; fewer than 10 is "
       "fine.",
       {{"shares_last_24h", "0"}, {"max_per_day", "10"}}},
      {"UnknownCountPassesAndSaysWhereItIsChecked",
       SharePacingRule{},
       Nothing(),
       true,
       "Share pacing is checked when you share: at most 10 posts a day on "
       "LinkedIn.",
       {{"max_per_day", "10"}}},
      {"UnknownCountCustomLimit", SharePacingRule{1},
       On(Network::kX, "Hello #acme"), true,
       "Share pacing is checked when you share: at most 1 post a day on X."},
  };
  return cases;
}

void PrintTo(const RuleCase& c, std::ostream* os) { *os << c.name; }

class RuleCaseTest : public testing::TestWithParam<RuleCase> {};

TEST_P(RuleCaseTest, PassesOrFailsWithItsExplanation) {
  const RuleCase& c = GetParam();
  PostInput post = BasePost();
  EvaluationContext context = BaseContext();
  c.setup(post, context);
  const RuleResult result = RunOne(c.rule, post, context);
  EXPECT_EQ(result.passed, c.passed) << result.explanation;
  EXPECT_THAT(result.explanation, HasSubstr(c.explanation));
  for (const EvidenceItem& item : c.evidence) {
    EXPECT_THAT(result.evidence, Contains(item))
        << item.key << "=" << item.value;
  }
}

INSTANTIATE_TEST_SUITE_P(Rules, RuleCaseTest, testing::ValuesIn(Cases()),
                         [](const testing::TestParamInfo<RuleCase>& test) {
                           return test.param.name;
                         });

TEST(SharePacingTest, AnUnknownCountIsNeitherStatedNorEvidenced) {
  const RuleResult result =
      RunOne(SharePacingRule{}, BasePost(), BaseContext());
  EXPECT_TRUE(result.passed);
  EXPECT_EQ(result.explanation,
            "Share pacing is checked when you share: at most 10 posts a day on "
            "LinkedIn.");
  EXPECT_THAT(result.evidence,
              testing::ElementsAre(EvidenceItem{"max_per_day", "10"}));
  EXPECT_THAT(result.explanation, testing::Not(HasSubstr("You shared")));
}

// --- the whole ruleset
// ------------------------------------------------------------------

PostInput GoodPost() {
  PostInput p = BasePost();
  p.link_url = "https://acme.example/news/offline";
  return p;
}

TEST(EvaluateTest, GoodPostIsApprovedByTheDefaultRuleset) {
  const Evaluation e = Evaluate(DefaultRuleset(), GoodPost(), BaseContext());
  EXPECT_EQ(e.outcome, Outcome::kApproved);
  ASSERT_EQ(e.results.size(), 9u);
  for (const RuleResult& r : e.results)
    EXPECT_TRUE(r.passed) << r.rule_id << ": " << r.explanation;
  EXPECT_EQ(e.results[0].rule_id, "disclosure");
  EXPECT_EQ(e.results[0].title, "Say that you work here");
  EXPECT_EQ(e.shingles, ShingleSetOf(GoodPost().text));
}

TEST(EvaluateTest, OnlyReviewFailuresNeedReview) {
  EvaluationContext context = BaseContext();
  context.shares_last_24h = 12;
  PostInput post = GoodPost();
  post.text += " Risk-free upgrade, too.";
  const Evaluation e = Evaluate(DefaultRuleset(), post, context);
  EXPECT_EQ(e.outcome, Outcome::kNeedsReview);
  std::vector<std::string> failed;
  for (const RuleResult& r : e.results) {
    if (!r.passed) failed.push_back(r.rule_id);
  }
  EXPECT_THAT(failed, testing::ElementsAre("sensitive-terms", "share-pacing"));
}

TEST(EvaluateTest, AnyBlockFailureRejects) {
  EvaluationContext context = BaseContext();
  context.shares_last_24h = 12;  // REVIEW fails too
  PostInput post = GoodPost();
  post.text = "Launch day! #cloud #ai #data #ad #tech";
  const Evaluation e = Evaluate(DefaultRuleset(), post, context);
  EXPECT_EQ(e.outcome, Outcome::kRejected);
  EXPECT_FALSE(e.results[0].passed);
}

TEST(EvaluateTest, AggregateOutcome) {
  auto result = [](Severity s, bool passed) {
    RuleResult r;
    r.severity = s;
    r.passed = passed;
    return r;
  };
  EXPECT_EQ(AggregateOutcome({}), Outcome::kApproved);
  EXPECT_EQ(AggregateOutcome({result(Severity::kBlock, true),
                              result(Severity::kReview, true)}),
            Outcome::kApproved);
  EXPECT_EQ(AggregateOutcome({result(Severity::kBlock, true),
                              result(Severity::kReview, false)}),
            Outcome::kNeedsReview);
  EXPECT_EQ(AggregateOutcome({result(Severity::kReview, false),
                              result(Severity::kBlock, false)}),
            Outcome::kRejected);
  EXPECT_EQ(OutcomeName(Outcome::kNeedsReview), "NEEDS_REVIEW");
}

TEST(EvaluateTest, SameInputsGiveTheSameEvaluation) {
  PostInput post = GoodPost();
  post.text = kScript;
  EvaluationContext context = BaseContext();
  context.index = &Corpus();
  const Ruleset ruleset = DefaultRuleset();
  const Evaluation first = Evaluate(ruleset, post, context);
  const Evaluation second = Evaluate(ruleset, post, context);
  EXPECT_EQ(first, second);

  // The same corpus indexed in another order gives the same answer.
  NearDuplicateIndex reversed;
  const std::vector<std::pair<const char*, std::string>> posts = {
      {"p-erin", "Great offsite with the sales team this week."},
      {"p-bob",
       "OUR new offline mode is here - keep working on a plane, in a tunnel, "
       "or "
       "anywhere the network drops; and everything syncs the moment you are "
       "back!"},
      {"p-carol",
       "Our new offline mode is here: keep working on a train, in a tunnel or "
       "anywhere the network drops, and everything syncs the moment you are "
       "back."}};
  ASSERT_TRUE(
      reversed.Add("p-dan", "dan", kNow - 45 * kDay, ShingleSetOf(kScript))
          .ok());
  ASSERT_TRUE(reversed
                  .Add(posts[0].first, "erin", kNow - kDay,
                       ShingleSetOf(posts[0].second))
                  .ok());
  ASSERT_TRUE(reversed
                  .Add(posts[2].first, "carol", kNow - 2 * kDay,
                       ShingleSetOf(posts[2].second))
                  .ok());
  ASSERT_TRUE(reversed
                  .Add(posts[1].first, "bob", kNow - 12 * kHour,
                       ShingleSetOf(posts[1].second))
                  .ok());
  context.index = &reversed;
  EXPECT_EQ(Evaluate(ruleset, post, context), first);
}

TEST(EvaluateTest, MalformedUtf8IsEvaluatedNotRejected) {
  PostInput post = GoodPost();
  post.text = "I work at Acme Corp \xff\xfe\xc3 and \xed\xa0\x80 #ad";
  const Evaluation e = Evaluate(DefaultRuleset(), post, BaseContext());
  ASSERT_EQ(e.results.size(), 9u);
  EXPECT_TRUE(e.results[0].passed);
  EXPECT_THAT(e.results[7].evidence, Contains(EvidenceItem{"length", "35"}));
}

TEST(ParseLinkTest, Hosts) {
  EXPECT_EQ(ParseLink("https://User:pw@Example.COM.:8443/a?b#c").host,
            "example.com");
  EXPECT_EQ(ParseLink("HTTPS://x.example").scheme, "https");
  EXPECT_EQ(ParseLink("www.acme.example/x").scheme, "");
  EXPECT_EQ(ParseLink("www.acme.example/x").host, "www.acme.example");
  EXPECT_FALSE(ParseLink("https:///nohost").valid);
}

TEST(ParseLinkTest, LinksWithoutASchemeAndTricks) {
  EXPECT_EQ(ParseLink("Bit.LY/x").scheme, "");
  EXPECT_EQ(ParseLink("Bit.LY/x").host, "bit.ly");
  EXPECT_EQ(ParseLink("example.com.").host, "example.com");
  EXPECT_EQ(ParseLink("example.com:8080").host, "example.com");
  EXPECT_EQ(ParseLink("10.0.0.1:8080/x").host, "10.0.0.1");
  EXPECT_EQ(ParseLink("xn--bcher-kva.com/x").host, "xn--bcher-kva.com");
  // The host is after the last '@' of the authority.
  EXPECT_EQ(ParseLink("https://good.com@evil.com/").host, "evil.com");
  EXPECT_EQ(ParseLink("good.com@evil.com/x").host, "evil.com");
  EXPECT_EQ(ParseLink("https://a@good.com@evil.com").host, "evil.com");
  // ... and '@' after the path, query or fragment is not user info.
  EXPECT_EQ(ParseLink("https://good.com/@evil.com").host, "good.com");
  EXPECT_EQ(ParseLink("https://good.com#@evil.com").host, "good.com");
  // Browsers read a backslash as '/'.
  EXPECT_EQ(ParseLink("https://evil.com\\@good.com/").host, "evil.com");
  // "://" in the query is not a scheme.
  const ParsedLink query = ParseLink("acme.com/go?to=https://evil.com");
  EXPECT_EQ(query.scheme, "");
  EXPECT_EQ(query.host, "acme.com");
}

}  // namespace
}  // namespace candor::transparency
