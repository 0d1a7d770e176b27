#include "services/transparency/engine/evaluate.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "re2/re2.h"
#include "services/transparency/engine/text.h"

namespace candor::transparency {
namespace {

constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000 * 1000;
// Longer quotes are cut in explanations (evidence keeps more).
constexpr size_t kQuoteChars = 80;
constexpr size_t kEvidenceChars = 500;
constexpr size_t kMaxListedPosts = 20;

// Numbers are formatted by integer arithmetic, never by the C locale.
std::string Fixed(double value, int decimals) {
  if (decimals == 0) return absl::StrCat(std::llround(value));
  int64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  const auto scaled =
      static_cast<int64_t>(std::llround(value * static_cast<double>(scale)));
  std::string frac = absl::StrCat(scaled % scale);
  frac.insert(0, static_cast<size_t>(decimals) - frac.size(), '0');
  return absl::StrCat(scaled / scale, ".", frac);
}

std::string Percent(double share) {
  return absl::StrCat(Fixed(share * 100, 0), "%");
}

// `text` cut to `max_chars` characters with an ellipsis.
std::string Cut(const std::string& text, size_t max_chars) {
  const std::u32string chars = DecodeUtf8(text);
  if (chars.size() <= max_chars) return text;
  return EncodeUtf8(chars.data(), chars.data() + max_chars) + "\u2026";
}

std::string Quote(const std::string& text) {
  return absl::StrCat("'", Cut(text, kQuoteChars), "'");
}

// "'a'", "'a' or 'b'", "'a', 'b' or 'c'".
std::string QuotedList(const std::vector<std::string>& items,
                       absl::string_view conjunction) {
  std::vector<std::string> quoted;
  for (const std::string& item : items) quoted.push_back(Quote(item));
  if (quoted.size() <= 1) return quoted.empty() ? "" : quoted[0];
  const std::string last = quoted.back();
  quoted.pop_back();
  return absl::StrCat(absl::StrJoin(quoted, ", "), " ", conjunction, " ", last);
}

std::string HandleKey(absl::string_view handle) {
  absl::string_view h = absl::StripAsciiWhitespace(handle);
  absl::ConsumePrefix(&h, "@");
  return absl::AsciiStrToLower(h);
}

// Everything one evaluation derives from the post once.
struct Post {
  Post(const PostInput& post_input, const EvaluationContext& post_context)
      : input(post_input),
        context(post_context),
        text(post_input.text),
        shingles_at(ShinglesOf(text.tokens())) {
    std::vector<uint32_t> hashes;
    hashes.reserve(shingles_at.size());
    for (const ShingleAt& s : shingles_at) hashes.push_back(s.hash);
    shingles = MakeShingleSet(std::move(hashes));
  }

  const PostInput& input;
  const EvaluationContext& context;
  const AnalyzedText text;
  const std::vector<ShingleAt> shingles_at;
  ShingleSet shingles;
};

class ResultBuilder {
 public:
  explicit ResultBuilder(const Rule& rule) {
    result_.rule_id = rule.id;
    result_.title = rule.title;
    result_.severity = rule.severity;
  }
  ResultBuilder& Evidence(std::string key, std::string value) {
    result_.evidence.push_back({std::move(key), std::move(value)});
    return *this;
  }
  ResultBuilder& Span(TextSpan span) {
    Evidence("start", absl::StrCat(span.begin));
    return Evidence("end", absl::StrCat(span.end));
  }
  RuleResult Pass(std::string explanation) {
    return Done(true, std::move(explanation));
  }
  RuleResult Fail(std::string explanation) {
    return Done(false, std::move(explanation));
  }

 private:
  RuleResult Done(bool passed, std::string explanation) {
    result_.passed = passed;
    result_.explanation = std::move(explanation);
    return std::move(result_);
  }
  RuleResult result_;
};

// --- disclosure -------------------------------------------------------------

struct Phrase {
  std::string shown;
  std::u32string folded;
};

// The organization's names as `{org}` stands for them.
std::vector<std::string> OrgNames(const EvaluationContext& context) {
  std::vector<std::string> names;
  auto add = [&](std::string name) {
    if (!name.empty() &&
        std::find(names.begin(), names.end(), name) == names.end()) {
      names.push_back(std::move(name));
    }
  };
  add(context.organization_display_name);
  add(absl::StrReplaceAll(context.organization_display_name, {{" ", ""}}));
  add(context.organization_id);
  return names;
}

std::vector<Phrase> ExpandPhrases(const std::vector<std::string>& templates,
                                  const std::vector<std::string>& org_names) {
  std::vector<Phrase> out;
  auto add = [&](std::string shown) {
    std::u32string folded = FoldPhrase(shown);
    if (folded.empty()) return;
    for (const Phrase& p : out) {
      if (p.folded == folded) return;
    }
    out.push_back({std::move(shown), std::move(folded)});
  };
  for (const std::string& t : templates) {
    if (!absl::StrContains(t, "{org}")) {
      add(t);
      continue;
    }
    for (const std::string& name : org_names) {
      add(absl::StrReplaceAll(t, {{"{org}", name}}));
    }
  }
  return out;
}

// How a template reads for people: the display name (without spaces in a
// hashtag) in place of {org}.
std::vector<std::string> Examples(const std::vector<std::string>& templates,
                                  const EvaluationContext& context) {
  const std::string& name = context.organization_display_name.empty()
                                ? context.organization_id
                                : context.organization_display_name;
  std::vector<std::string> out;
  for (const std::string& t : templates) {
    const bool hashtag = !t.empty() && t[0] == '#';
    out.push_back(absl::StrReplaceAll(
        t,
        {{"{org}", hashtag ? absl::StrReplaceAll(name, {{" ", ""}}) : name}}));
  }
  return out;
}

struct Occurrence {
  TextSpan span;
  size_t phrase = 0;
  size_t hashtag_run = 0;  // 0 when not a hashtag
};

std::vector<Occurrence> FindAll(const Post& post,
                                const std::vector<Phrase>& phrases) {
  std::vector<Occurrence> found;
  for (size_t i = 0; i < phrases.size(); ++i) {
    for (const TextSpan span : post.text.FindPhrase(phrases[i].folded)) {
      const int token = post.text.TokenStartingAt(span.begin);
      const size_t run =
          token < 0 ? 0
                    : post.text.HashtagRunLength(static_cast<size_t>(token));
      found.push_back({span, i, run});
    }
  }
  std::sort(found.begin(), found.end(),
            [](const Occurrence& a, const Occurrence& b) {
              if (a.span.begin != b.span.begin)
                return a.span.begin < b.span.begin;
              return a.phrase < b.phrase;
            });
  return found;
}

RuleResult EvaluateDisclosure(const Rule& rule, const DisclosureRule& r,
                              const Post& post) {
  ResultBuilder result(rule);
  const std::vector<std::string> names = OrgNames(post.context);
  const std::vector<Phrase> rejected = ExpandPhrases(r.rejected, names);
  std::vector<Phrase> accepted = ExpandPhrases(r.accepted, names);
  accepted.erase(std::remove_if(accepted.begin(), accepted.end(),
                                [&](const Phrase& p) {
                                  for (const Phrase& q : rejected) {
                                    if (q.folded == p.folded) return true;
                                  }
                                  return false;
                                }),
                 accepted.end());

  const absl::string_view network = NetworkName(post.input.network);
  const auto prefix_it = r.visible_prefix.find(post.input.network);
  const bool cut = prefix_it != r.visible_prefix.end();
  const size_t length = post.text.length();
  const size_t limit =
      cut ? std::min(length, static_cast<size_t>(prefix_it->second)) : length;
  // The prefix matters to the explanation only when the feed cuts this post.
  const bool is_cut = cut && length > static_cast<size_t>(prefix_it->second);
  const std::string prefix_words =
      cut ? absl::StrCat("the ", prefix_it->second, " characters ", network,
                         " shows before 'see more'")
          : "";
  result.Evidence("visible_prefix",
                  cut ? absl::StrCat(prefix_it->second) : "whole post");

  const std::vector<Occurrence> found = FindAll(post, accepted);
  const size_t max_run = static_cast<size_t>(r.max_hashtag_run);
  for (const Occurrence& o : found) {
    if (o.span.begin >= limit || o.hashtag_run > max_run) continue;
    const std::string shown = post.text.Substring(o.span.begin, o.span.end);
    result.Evidence("disclosure", shown).Span(o.span);
    return result.Pass(
        cut ? absl::StrCat("The disclosure ", Quote(shown),
                           " starts at character ", o.span.begin + 1,
                           ", within ", prefix_words, ".")
            : absl::StrCat("The disclosure ", Quote(shown),
                           " starts at character ", o.span.begin + 1, "; ",
                           network, " shows the whole post."));
  }

  if (is_cut) {
    result.Evidence("visible_text",
                    Cut(post.text.Substring(0, limit), kEvidenceChars));
  }
  for (const Occurrence& o : found) {
    result
        .Evidence("misplaced_disclosure",
                  post.text.Substring(o.span.begin, o.span.end))
        .Span(o.span);
  }
  std::vector<Occurrence> ambiguous = FindAll(post, rejected);
  for (const Occurrence& o : ambiguous) {
    result
        .Evidence("ambiguous_label",
                  post.text.Substring(o.span.begin, o.span.end))
        .Span(o.span);
  }
  const std::string examples =
      QuotedList(Examples(r.accepted, post.context), "or");
  if (!found.empty()) {
    const Occurrence& o = found.front();
    const std::string shown = post.text.Substring(o.span.begin, o.span.end);
    if (o.span.begin >= limit) {
      return result.Fail(absl::StrCat("The disclosure ", Quote(shown),
                                      " starts at character ", o.span.begin + 1,
                                      ", after ", prefix_words,
                                      ": move it near the beginning."));
    }
    return result.Fail(
        absl::StrCat("The disclosure ", Quote(shown), " at character ",
                     o.span.begin + 1, " is buried in a run of ", o.hashtag_run,
                     " hashtags, where readers skip it (at most ", max_run,
                     " in a row): give it its own place."));
  }
  const std::string where =
      is_cut ? absl::StrCat(" within the first ", limit, " characters") : "";
  if (!ambiguous.empty()) {
    const Occurrence& o = ambiguous.front();
    return result.Fail(absl::StrCat(
        Quote(post.text.Substring(o.span.begin, o.span.end)),
        " is an ambiguous label that does not count as a disclosure: say it "
        "plainly, for example ",
        examples, where, "."));
  }
  if (is_cut) {
    return result.Fail(
        absl::StrCat("The first ", limit, " characters that ", network,
                     " shows before 'see more' contain no disclosure: "
                     "add one there, for example ",
                     examples, "."));
  }
  // Say where a disclosure must go, so the author can fix the post at once.
  const std::string place =
      cut ? absl::StrCat("within the first ", prefix_it->second,
                         " characters (what ", network,
                         " shows before 'see more')")
          : "where readers see it, near the beginning";
  return result.Fail(absl::StrCat("The post contains no disclosure: add one ",
                                  place, ", for example ", examples, "."));
}

// --- own_words
// ----------------------------------------------------------------

RuleResult EvaluateOwnWords(const Rule& rule, const OwnWordsRule& r,
                            const Post& post) {
  ResultBuilder result(rule);
  result.Evidence("story", post.input.story.story_id);
  if (post.input.story.story_id.empty()) {
    return result.Evidence("score", Fixed(0, 3))
        .Pass("The post draws on no story, so it copies none.");
  }
  if (post.shingles.empty()) {
    return result.Evidence("score", Fixed(0, 3))
        .Pass("The post has no words to compare with the story.");
  }
  // Talking points are shingled one by one: a sequence spanning two of them
  // is not something anyone could copy.
  std::vector<uint32_t> source = ShingleSetOf(post.input.story.summary);
  for (const std::string& point : post.input.story.talking_points) {
    const ShingleSet s = ShingleSetOf(point);
    source.insert(source.end(), s.begin(), s.end());
  }
  source = MakeShingleSet(std::move(source));

  const size_t copied = IntersectionSize(post.shingles, source);
  const size_t total = post.shingles.size();
  const double score = static_cast<double>(copied) / static_cast<double>(total);
  result.Evidence("score", Fixed(score, 3))
      .Evidence("max_copied", Fixed(r.max_copied, 3))
      .Evidence("copied_sequences", absl::StrCat(copied))
      .Evidence("sequences", absl::StrCat(total));

  // The longest run of consecutive copied shingles, as a passage of text.
  size_t best_first = 0, best_len = 0, run_first = 0, run_len = 0;
  for (size_t i = 0; i < post.shingles_at.size(); ++i) {
    if (std::binary_search(source.begin(), source.end(),
                           post.shingles_at[i].hash)) {
      if (run_len == 0) run_first = i;
      if (++run_len > best_len) best_first = run_first, best_len = run_len;
    } else {
      run_len = 0;
    }
  }
  std::string passage;
  if (best_len > 0) {
    const std::vector<Token>& tokens = post.text.tokens();
    const ShingleAt& first = post.shingles_at[best_first];
    const ShingleAt& last = post.shingles_at[best_first + best_len - 1];
    const TextSpan span{tokens[first.first_token].begin,
                        tokens[last.first_token + last.token_count - 1].end};
    passage = post.text.Substring(span.begin, span.end);
    result.Evidence("copied_passage", Cut(passage, kEvidenceChars)).Span(span);
  }

  const std::string counts =
      absl::StrCat(copied, " of the post's ", total, " three-word sequences (",
                   Percent(score), ")");
  if (score <= r.max_copied) {
    return result.Pass(
        absl::StrCat(counts,
                     " also appear in the story's summary or talking "
                     "points; up to ",
                     Percent(r.max_copied), " may."));
  }
  return result.Fail(absl::StrCat(
      counts,
      " come from the story's summary or talking points, more than the ",
      Percent(r.max_copied),
      " allowed: please say it in your own words. The longest "
      "copied passage is ",
      Quote(passage), "."));
}

// --- no_coordination
// ------------------------------------------------------------

RuleResult EvaluateNoCoordination(const Rule& rule, const NoCoordinationRule& r,
                                  const Post& post) {
  ResultBuilder result(rule);
  result.Evidence("threshold", Fixed(r.threshold, 2))
      .Evidence("window_days", absl::StrCat(r.window_days));
  const std::string window =
      absl::StrCat("in the last ", r.window_days, " days");
  if (post.context.index == nullptr) {
    return result.Evidence("similar_authors", "0")
        .Pass("No other posts were available to compare with.");
  }
  if (post.shingles.empty()) {
    return result.Evidence("similar_authors", "0")
        .Pass("The post has no words to compare with other posts.");
  }
  const int64_t since = post.context.now_us - r.window_days * kMicrosPerDay;
  const std::vector<SimilarPost> similar = post.context.index->FindSimilar(
      post.shingles, post.input.author.staff_member_id, since, r.threshold);
  std::set<std::string> authors;
  for (const SimilarPost& s : similar) authors.insert(s.author_id);
  result.Evidence("similar_authors", absl::StrCat(authors.size()))
      .Evidence("similar_posts", absl::StrCat(similar.size()));
  for (size_t i = 0; i < similar.size() && i < kMaxListedPosts; ++i) {
    const SimilarPost& s = similar[i];
    result.Evidence(
        "similar_post",
        absl::StrCat(
            s.post_id, " by ", s.author_id, " on ",
            absl::FormatTime("%Y-%m-%d", absl::FromUnixMicros(s.time_us),
                             absl::UTCTimeZone()),
            ", resemblance ", Fixed(s.jaccard, 2)));
  }
  const size_t n = authors.size();
  const std::string who =
      n == 1 ? "1 other person" : absl::StrCat(n, " other people");
  if (n < static_cast<size_t>(r.max_similar_authors)) {
    if (n == 0) {
      return result.Pass(absl::StrCat(
          "Nobody else posted nearly the same text ", window, "."));
    }
    return result.Pass(absl::StrCat(who, " posted nearly the same text ",
                                    window, "; fewer than ",
                                    r.max_similar_authors, " is fine."));
  }
  return result.Fail(absl::StrCat(
      who, " posted nearly the same text ", window, " (resemblance ",
      Fixed(r.threshold, 2), " or more); the rule allows fewer than ",
      r.max_similar_authors,
      ", because identical posts from many colleagues read as a campaign."));
}

// --- real_author
// ------------------------------------------------------------------

RuleResult EvaluateRealAuthor(const Rule& rule, const Post& post) {
  ResultBuilder result(rule);
  const AuthorFacts& author = post.input.author;
  const absl::string_view network = NetworkName(post.input.network);
  std::vector<std::string> problems;
  if (!author.active) problems.push_back("your staff profile is not active");
  if (!author.advocacy_consent) {
    problems.push_back("you have not agreed to advocacy in your profile");
  }
  const std::string wanted = HandleKey(post.input.account_handle);
  bool linked = false;
  for (const std::string& h : author.linked_handles) {
    const std::string key = HandleKey(h);
    if (!key.empty() && (wanted.empty() || key == wanted)) linked = true;
  }
  if (!linked) {
    problems.push_back(wanted.empty()
                           ? absl::StrCat("you have no ", network,
                                          " account linked to your profile")
                           : absl::StrCat("the ", network, " account @", wanted,
                                          " is not linked to your profile"));
  }
  result.Evidence("active", author.active ? "true" : "false")
      .Evidence("advocacy_consent", author.advocacy_consent ? "true" : "false")
      .Evidence("account", wanted.empty() ? "" : absl::StrCat("@", wanted))
      .Evidence("account_linked", linked ? "true" : "false");
  if (problems.empty()) {
    return result.Pass(
        absl::StrCat("You are an active staff member who agreed to advocacy, "
                     "posting from your "
                     "linked ",
                     network, " account",
                     wanted.empty() ? "" : absl::StrCat(" @", wanted), "."));
  }
  std::string sentence = absl::StrCat(
      "The post cannot go out under your name: ", absl::StrJoin(problems, "; "),
      ".");
  return result.Fail(std::move(sentence));
}

// --- incentive_disclosure
// -----------------------------------------------------------

RuleResult EvaluateIncentive(const Rule& rule, const IncentiveDisclosureRule& r,
                             const Post& post) {
  ResultBuilder result(rule);
  result.Evidence("incentivized",
                  post.input.story.incentivized ? "true" : "false");
  if (post.input.story.story_id.empty()) {
    return result.Pass(
        "The post draws on no story, so no incentive disclosure is needed.");
  }
  if (!post.input.story.incentivized) {
    return result.Pass(
        "This story offers no reward for sharing, so no incentive disclosure "
        "is "
        "needed.");
  }
  const std::vector<Phrase> phrases =
      ExpandPhrases(r.accepted, OrgNames(post.context));
  const std::vector<Occurrence> found = FindAll(post, phrases);
  if (!found.empty()) {
    const TextSpan span = found.front().span;
    const std::string shown = post.text.Substring(span.begin, span.end);
    result.Evidence("disclosure", shown).Span(span);
    return result.Pass(
        absl::StrCat("This story rewards sharing, and the post says so with ",
                     Quote(shown), " at character ", span.begin + 1, "."));
  }
  return result.Fail(
      absl::StrCat("This story rewards sharing (points, prizes or other "
                   "rewards), so the post "
                   "must say so, for example with ",
                   QuotedList(Examples(r.accepted, post.context), "or"), "."));
}

// --- sensitive_terms
// --------------------------------------------------------------

RuleResult EvaluateSensitiveTerms(const Rule& rule, const Ruleset& ruleset,
                                  size_t rule_index, const Post& post) {
  ResultBuilder result(rule);
  const std::string& text = post.text.collapsed_utf8();
  struct Hit {
    TextSpan span;
    size_t pattern;
  };
  std::vector<Hit> hits;
  const auto& patterns = ruleset.patterns(rule_index);
  for (size_t k = 0; k < patterns.size(); ++k) {
    re2::StringPiece match;
    if (!patterns[k]->Match(text, 0, text.size(), re2::RE2::UNANCHORED, &match,
                            1) ||
        match.empty()) {
      continue;
    }
    const auto offset = static_cast<size_t>(match.data() - text.data());
    hits.push_back(
        {{post.text.OriginOfCollapsedByte(offset),
          post.text.OriginOfCollapsedByte(offset + match.size() - 1) + 1},
         k});
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    if (a.span.begin != b.span.begin) return a.span.begin < b.span.begin;
    return a.pattern < b.pattern;
  });
  if (hits.empty()) {
    return result.Pass(
        "The post contains none of the terms this rule looks for.");
  }
  std::vector<std::string> quoted;
  for (const Hit& h : hits) {
    const std::string shown = post.text.Substring(h.span.begin, h.span.end);
    result.Evidence("match", shown)
        .Span(h.span)
        .Evidence("pattern",
                  std::get<SensitiveTermsRule>(rule.kind).patterns[h.pattern]);
    if (quoted.size() < 3) {
      quoted.push_back(
          absl::StrCat(Quote(shown), " (character ", h.span.begin + 1, ")"));
    }
  }
  return result.Fail(
      absl::StrCat("The post contains ", absl::StrJoin(quoted, ", "),
                   rule.severity == Severity::kBlock
                       ? ", which this rule does not allow."
                       : ", which this rule sends to a reviewer."));
}

// --- link_domains
// -------------------------------------------------------------------

bool HostIsOrUnder(absl::string_view host, absl::string_view domain) {
  return host == domain ||
         (host.size() > domain.size() && absl::EndsWith(host, domain) &&
          host[host.size() - domain.size() - 1] == '.');
}

// A url compared with the story's: scheme and host lowercase, no trailing '/'.
std::string ComparableUrl(absl::string_view url) {
  url = absl::StripAsciiWhitespace(url);
  const size_t scheme_end = url.find("://");
  const size_t host_end = url.find_first_of(
      "/?#", scheme_end == absl::string_view::npos ? 0 : scheme_end + 3);
  std::string out = absl::AsciiStrToLower(url.substr(0, host_end));
  if (host_end != absl::string_view::npos)
    absl::StrAppend(&out, url.substr(host_end));
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

RuleResult EvaluateLinks(const Rule& rule, const LinkDomainsRule& r,
                         const Post& post) {
  ResultBuilder result(rule);
  std::vector<std::string> links;
  if (!absl::StripAsciiWhitespace(post.input.link_url).empty()) {
    links.emplace_back(absl::StripAsciiWhitespace(post.input.link_url));
  }
  for (const Token& t : post.text.tokens()) {
    if (t.kind == TokenKind::kUrl)
      links.push_back(post.text.Substring(t.begin, t.end));
  }
  if (links.empty()) return result.Pass("The post has no link.");

  const std::string story = post.input.story.url.empty()
                                ? std::string()
                                : ComparableUrl(post.input.story.url);
  std::string failure;
  std::vector<std::string> hosts;
  for (const std::string& link : links) {
    const ParsedLink parsed = ParseLink(link);
    result.Evidence("link", Cut(link, kEvidenceChars))
        .Evidence("host", parsed.host);
    if (!failure.empty()) continue;
    const std::string quoted = Quote(link);
    if (!parsed.valid) {
      failure = absl::StrCat("The link ", quoted,
                             " is not a web address readers can check.");
      continue;
    }
    const auto shortener = std::find_if(
        r.shorteners.begin(), r.shorteners.end(),
        [&](const std::string& s) { return HostIsOrUnder(parsed.host, s); });
    if (shortener != r.shorteners.end()) {
      failure = absl::StrCat(
          "The link ", quoted, " goes through the URL shortener ", *shortener,
          ", which hides where readers end up: link to the page "
          "itself.");
      continue;
    }
    if (parsed.scheme != "https") {
      failure = absl::StrCat("The link ", quoted,
                             parsed.scheme == "http" || parsed.scheme.empty()
                                 ? " is not https (networks open it as plain "
                                   "http): use the https:// "
                                   "address."
                                 : " is not an https web address.");
      continue;
    }
    if (!story.empty() && ComparableUrl(link) == story) {
      hosts.push_back(absl::StrCat(parsed.host, " (the story's own page)"));
      continue;
    }
    if (!r.allowed_hosts.empty() &&
        std::none_of(r.allowed_hosts.begin(), r.allowed_hosts.end(),
                     [&](const std::string& h) {
                       return HostIsOrUnder(parsed.host, h);
                     })) {
      failure =
          absl::StrCat("The link ", quoted, " goes to ", parsed.host,
                       ", which is not among the sites this rule allows: ",
                       absl::StrJoin(r.allowed_hosts, ", "), ".");
      continue;
    }
    hosts.push_back(parsed.host);
  }
  if (!failure.empty()) return result.Fail(std::move(failure));
  return result.Pass(
      absl::StrCat(hosts.size() == 1 ? "The link goes to " : "The links go to ",
                   absl::StrJoin(hosts, ", "), " over https."));
}

// --- length, share_pacing
// ---------------------------------------------------------------

RuleResult EvaluateLength(const Rule& rule, const LengthRule& r,
                          const Post& post) {
  ResultBuilder result(rule);
  const absl::string_view network = NetworkName(post.input.network);
  const size_t length = post.text.length();
  result.Evidence("length", absl::StrCat(length));
  const auto it = r.max_chars.find(post.input.network);
  if (it == r.max_chars.end()) {
    return result.Pass(absl::StrCat("The post is ", length,
                                    " characters long; this rule "
                                    "sets no limit for ",
                                    network, "."));
  }
  result.Evidence("limit", absl::StrCat(it->second));
  if (length <= static_cast<size_t>(it->second)) {
    return result.Pass(absl::StrCat("The post is ", length,
                                    " characters long, within the ", it->second,
                                    " ", network, " allows."));
  }
  return result.Fail(
      absl::StrCat("The post is ", length, " characters long; ", network,
                   " allows ", it->second, ": shorten it by ",
                   length - static_cast<size_t>(it->second), "."));
}

RuleResult EvaluatePacing(const Rule& rule, const SharePacingRule& r,
                          const Post& post) {
  ResultBuilder result(rule);
  const absl::string_view network = NetworkName(post.input.network);
  if (!post.context.shares_last_24h.has_value()) {
    result.Evidence("max_per_day", absl::StrCat(r.max_per_day));
    return result.Pass(absl::StrCat(
        "Share pacing is checked when you share: at most ", r.max_per_day,
        r.max_per_day == 1 ? " post" : " posts", " a day on ", network, "."));
  }
  const int count = *post.context.shares_last_24h;
  result.Evidence("shares_last_24h", absl::StrCat(count))
      .Evidence("max_per_day", absl::StrCat(r.max_per_day));
  const std::string shared =
      absl::StrCat("You shared ", count, count == 1 ? " post" : " posts",
                   " on ", network, " in the last 24 hours");
  if (count < r.max_per_day) {
    return result.Pass(
        absl::StrCat(shared, "; fewer than ", r.max_per_day, " is fine."));
  }
  return result.Fail(absl::StrCat(shared, "; this rule asks for fewer than ",
                                  r.max_per_day,
                                  " a day, so a reviewer looks first."));
}

}  // namespace

absl::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kApproved:
      return "APPROVED";
    case Outcome::kNeedsReview:
      return "NEEDS_REVIEW";
    case Outcome::kRejected:
      return "REJECTED";
  }
  return "UNKNOWN";
}

Outcome AggregateOutcome(const std::vector<RuleResult>& results) {
  Outcome outcome = Outcome::kApproved;
  for (const RuleResult& r : results) {
    if (r.passed) continue;
    if (r.severity == Severity::kBlock) return Outcome::kRejected;
    outcome = Outcome::kNeedsReview;
  }
  return outcome;
}

ParsedLink ParseLink(absl::string_view url) {
  ParsedLink link;
  url = absl::StripAsciiWhitespace(url);
  // A scheme is letters, digits, '+', '-' and '.' from a letter (RFC 3986):
  // in "acme.com/go?to=https://evil.com" the "://" is in the query, and the
  // link goes to acme.com.
  const size_t scheme_end = url.find("://");
  absl::string_view rest = url;
  if (scheme_end != absl::string_view::npos && scheme_end > 0 &&
      absl::ascii_isalpha(static_cast<unsigned char>(url[0])) &&
      std::all_of(url.begin(), url.begin() + scheme_end, [](char c) {
        return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '+' ||
               c == '-' || c == '.';
      })) {
    link.scheme = absl::AsciiStrToLower(url.substr(0, scheme_end));
    rest = url.substr(scheme_end + 3);
  }
  // Browsers read a backslash as '/' in web addresses, so
  // "https://evil.com\@good.com" goes to evil.com, not good.com.
  absl::string_view authority = rest.substr(0, rest.find_first_of("/?#\\"));
  // "https://bit.ly@example.com" goes to example.com.
  const size_t at = authority.rfind('@');
  if (at != absl::string_view::npos) authority.remove_prefix(at + 1);
  if (!authority.empty() && authority.front() != '[') {
    const size_t colon = authority.rfind(':');
    if (colon != absl::string_view::npos)
      authority = authority.substr(0, colon);
  }
  while (!authority.empty() && authority.back() == '.')
    authority.remove_suffix(1);
  link.host = absl::AsciiStrToLower(authority);
  link.valid = !link.host.empty() &&
               link.host.find_first_of(" \t\r\n\"<>\\") == std::string::npos;
  return link;
}

Evaluation Evaluate(const Ruleset& ruleset, const PostInput& input,
                    const EvaluationContext& context) {
  const Post post(input, context);
  Evaluation evaluation;
  evaluation.results.reserve(ruleset.rules().size());
  for (size_t i = 0; i < ruleset.rules().size(); ++i) {
    const Rule& rule = ruleset.rules()[i];
    const RuleKind& kind = rule.kind;
    RuleResult result;
    if (const auto* disclosure = std::get_if<DisclosureRule>(&kind)) {
      result = EvaluateDisclosure(rule, *disclosure, post);
    } else if (const auto* own_words = std::get_if<OwnWordsRule>(&kind)) {
      result = EvaluateOwnWords(rule, *own_words, post);
    } else if (const auto* no_coordination =
                   std::get_if<NoCoordinationRule>(&kind)) {
      result = EvaluateNoCoordination(rule, *no_coordination, post);
    } else if (std::holds_alternative<RealAuthorRule>(kind)) {
      result = EvaluateRealAuthor(rule, post);
    } else if (const auto* incentive =
                   std::get_if<IncentiveDisclosureRule>(&kind)) {
      result = EvaluateIncentive(rule, *incentive, post);
    } else if (std::holds_alternative<SensitiveTermsRule>(kind)) {
      result = EvaluateSensitiveTerms(rule, ruleset, i, post);
    } else if (const auto* links = std::get_if<LinkDomainsRule>(&kind)) {
      result = EvaluateLinks(rule, *links, post);
    } else if (const auto* length = std::get_if<LengthRule>(&kind)) {
      result = EvaluateLength(rule, *length, post);
    } else if (const auto* pacing = std::get_if<SharePacingRule>(&kind)) {
      result = EvaluatePacing(rule, *pacing, post);
    }
    evaluation.results.push_back(std::move(result));
  }
  evaluation.outcome = AggregateOutcome(evaluation.results);
  evaluation.shingles = post.shingles;
  return evaluation;
}

}  // namespace candor::transparency
