// Post text is typed by anyone, so the transparency engine must take any
// bytes: text normalization never fails and is stable (decoding and folding
// again change nothing), tokens and evidence point inside the text,
// shingle sets survive their storage encoding, and evaluation against the
// shipped default ruleset (deploy/rulesets/default.textpb), and against
// rules whose phrase and pattern come from the input, is deterministic and
// consistent.
//
// Input: 3 bytes (network, shares in the last 24 h, flags), then fields
// separated by NUL: post text, link url, story summary, account handle, an
// accepted disclosure phrase, a sensitive-term pattern.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "google/protobuf/text_format.h"
#include "services/transparency/engine/evaluate.h"
#include "services/transparency/engine/near_duplicate_index.h"
#include "services/transparency/engine/rules.h"
#include "services/transparency/engine/shingles.h"
#include "services/transparency/engine/text.h"
#include "services/transparency/ruleset_convert.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

namespace tr = candor::transparency;

// The shipped default ruleset, read once.
const tr::Ruleset& DefaultFileRuleset() {
  static const tr::Ruleset* const ruleset = [] {
    std::ifstream in(CANDOR_SOURCE_DIR "/deploy/rulesets/default.textpb");
    const std::string text((std::istreambuf_iterator<char>(in)),
                           std::istreambuf_iterator<char>());
    candor::transparency::v1::Ruleset proto;
    FUZZ_CHECK(google::protobuf::TextFormat::ParseFromString(text, &proto));
    absl::StatusOr<tr::Ruleset> engine = tr::ToEngineRuleset(proto);
    FUZZ_CHECK(engine.ok());
    return new tr::Ruleset(*std::move(engine));
  }();
  return *ruleset;
}

void CheckText(const std::string& text) {
  const std::u32string chars = tr::DecodeUtf8(text);
  FUZZ_CHECK(tr::CountCodePoints(text) == chars.size());
  // What DecodeUtf8 yields is valid: encoding and decoding it again is the
  // identity.
  const std::string utf8 =
      tr::EncodeUtf8(chars.data(), chars.data() + chars.size());
  FUZZ_CHECK(tr::DecodeUtf8(utf8) == chars);

  // Folding is idempotent, so a folded phrase matches itself.
  const std::u32string folded = tr::FoldPhrase(text);
  FUZZ_CHECK(tr::FoldPhrase(tr::EncodeUtf8(
                 folded.data(), folded.data() + folded.size())) == folded);

  const tr::AnalyzedText analyzed(text);
  FUZZ_CHECK(analyzed.chars() == chars);
  size_t previous_end = 0;
  for (const tr::Token& token : analyzed.tokens()) {
    FUZZ_CHECK(previous_end <= token.begin && token.begin < token.end &&
               token.end <= analyzed.length());
    FUZZ_CHECK(!token.key.empty());
    previous_end = token.end;
  }
  const std::string& collapsed = analyzed.collapsed_utf8();
  for (size_t i = 0; i <= collapsed.size(); ++i) {
    FUZZ_CHECK(analyzed.OriginOfCollapsedByte(i) <= analyzed.length());
  }
  if (!folded.empty()) {
    for (const tr::TextSpan& span : analyzed.FindPhrase(folded)) {
      FUZZ_CHECK(span.begin < span.end && span.end <= analyzed.length());
    }
  }

  // Shingle sets are sorted sets and survive their storage encoding.
  const tr::ShingleSet shingles = tr::ShingleSetOf(analyzed.tokens());
  FUZZ_CHECK(std::is_sorted(shingles.begin(), shingles.end()) &&
             std::adjacent_find(shingles.begin(), shingles.end()) ==
                 shingles.end());
  absl::StatusOr<tr::ShingleSet> decoded =
      tr::DecodeShingleSet(tr::EncodeShingleSet(shingles));
  FUZZ_CHECK(decoded.ok() && *decoded == shingles);
  FUZZ_CHECK(tr::Jaccard(shingles, shingles) == (shingles.empty() ? 0 : 1));

  // Stored bytes come back from the database: any bytes decode or are
  // DATA_LOSS, and what decodes encodes to something that decodes the same.
  absl::StatusOr<tr::ShingleSet> raw = tr::DecodeShingleSet(text);
  if (raw.ok()) {
    absl::StatusOr<tr::ShingleSet> again =
        tr::DecodeShingleSet(tr::EncodeShingleSet(*raw));
    FUZZ_CHECK(again.ok() && *again == *raw);
  } else {
    FUZZ_CHECK(raw.status().code() == absl::StatusCode::kDataLoss);
  }
}

void CheckEvaluation(const tr::Ruleset& ruleset, const tr::PostInput& post,
                     const tr::EvaluationContext& context) {
  const tr::Evaluation evaluation = tr::Evaluate(ruleset, post, context);
  FUZZ_CHECK(evaluation.results.size() == ruleset.rules().size());
  FUZZ_CHECK(evaluation.outcome == tr::AggregateOutcome(evaluation.results));
  const size_t length = tr::CountCodePoints(post.text);
  for (size_t i = 0; i < evaluation.results.size(); ++i) {
    const tr::RuleResult& result = evaluation.results[i];
    FUZZ_CHECK(result.rule_id == ruleset.rules()[i].id);
    FUZZ_CHECK(!result.explanation.empty());
    for (const tr::EvidenceItem& item : result.evidence) {
      if (item.key == "start" || item.key == "end") {
        FUZZ_CHECK(std::stoull(item.value) <= length);
      }
    }
  }
  // Pure: the same input gives the same evaluation.
  FUZZ_CHECK(tr::Evaluate(ruleset, post, context) == evaluation);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  candor::fuzz::FuzzInput input(data, size);
  const uint8_t network = input.Byte();
  const uint8_t shares = input.Byte();
  const uint8_t flags = input.Byte();

  tr::PostInput post;
  post.network = static_cast<tr::Network>(network % 6);
  post.text = input.Field();
  post.link_url = input.Field();
  post.story.story_id = "story";
  post.story.summary = input.Field();
  post.story.url = "https://example.com/story";
  post.story.incentivized = flags & 1;
  post.account_handle = input.Field();
  post.author.staff_member_id = "author";
  post.author.active = flags & 2;
  post.author.advocacy_consent = flags & 4;
  post.author.linked_handles = {post.account_handle, "@someone"};
  const std::string phrase = input.Field();
  const std::string pattern = input.Rest();

  CheckText(post.text);

  tr::EvaluationContext context;
  context.organization_id = "acme";
  context.organization_display_name = "Acme Corp";
  context.now_us = int64_t{1700000000} * 1000 * 1000;
  context.shares_last_24h = shares;
  // A corpus holding the summary and the post itself by other authors.
  tr::NearDuplicateIndex index;
  if (flags & 8) {
    FUZZ_CHECK(index
                   .Add("p1", "other", context.now_us - 1000,
                        tr::ShingleSetOf(post.story.summary))
                   .ok());
    FUZZ_CHECK(index
                   .Add("p2", "another", context.now_us - 2000,
                        tr::ShingleSetOf(post.text))
                   .ok());
    context.index = &index;
  }
  CheckEvaluation(DefaultFileRuleset(), post, context);

  // Rules configured from the input (alone: recompiling the default
  // ruleset's patterns for every input would slow the fuzzer down a lot).
  std::vector<tr::Rule> rules;
  tr::DisclosureRule disclosure;
  disclosure.accepted = {phrase};
  disclosure.max_hashtag_run = flags >> 4;
  rules.push_back({"custom-disclosure", "Custom", "", tr::Severity::kReview,
                   std::move(disclosure)});
  rules.push_back({"custom-terms", "Custom", "", tr::Severity::kBlock,
                   tr::SensitiveTermsRule{{pattern}}});
  absl::StatusOr<tr::Ruleset> custom = tr::Ruleset::Create(std::move(rules));
  if (custom.ok()) {
    CheckEvaluation(*custom, post, context);
  } else {
    FUZZ_CHECK(custom.status().code() == absl::StatusCode::kInvalidArgument);
  }
  return 0;
}
