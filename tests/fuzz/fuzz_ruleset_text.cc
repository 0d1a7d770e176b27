// Rulesets are written by organizations (candorctl rules publish reads a
// text-format file; the server gets the proto over gRPC), so loading must
// take any bytes: text or wire format -> proto -> validation -> engine
// ruleset. Whatever validates holds only in-range parameters, and posts
// evaluate against it with one result per rule.
//
// Input: a ruleset in protobuf text format; the same bytes are also tried
// as wire format.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/text_format.h"
#include "services/transparency/engine/evaluate.h"
#include "services/transparency/engine/rules.h"
#include "services/transparency/ruleset_convert.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace tr = candor::transparency;

// Parse errors are expected for most inputs; printing each would only slow
// the fuzzer down.
class IgnoreErrors : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int, google::protobuf::io::ColumnNumber,
                const std::string&) override {}
};

void IgnoreLog(google::protobuf::LogLevel, const char*, int,
               const std::string&) {}

// docs/RULES.md's ranges, which Ruleset::Create promises.
void CheckParameters(const tr::Rule& rule) {
  if (const auto* disclosure = std::get_if<tr::DisclosureRule>(&rule.kind)) {
    FUZZ_CHECK(!disclosure->accepted.empty() &&
               disclosure->max_hashtag_run >= 1);
  } else if (const auto* own_words =
                 std::get_if<tr::OwnWordsRule>(&rule.kind)) {
    FUZZ_CHECK(own_words->max_copied >= 0 && own_words->max_copied <= 1);
  } else if (const auto* no_coordination =
                 std::get_if<tr::NoCoordinationRule>(&rule.kind)) {
    FUZZ_CHECK(no_coordination->max_similar_authors >= 1);
    FUZZ_CHECK(no_coordination->threshold > 0 &&
               no_coordination->threshold <= 1);
    FUZZ_CHECK(no_coordination->window_days >= 1 &&
               no_coordination->window_days <= 3660);
  } else if (const auto* pacing =
                 std::get_if<tr::SharePacingRule>(&rule.kind)) {
    FUZZ_CHECK(pacing->max_per_day >= 1);
  }
}

void CheckRuleset(const tr::v1::Ruleset& proto) {
  const absl::Status valid = tr::ValidateRulesetProto("ruleset.", proto);
  absl::StatusOr<tr::Ruleset> engine = tr::ToEngineRuleset(proto);
  // Validation is the engine's checks plus the texts around them.
  if (valid.ok()) FUZZ_CHECK(engine.ok());
  if (!valid.ok()) {
    FUZZ_CHECK(valid.code() == absl::StatusCode::kInvalidArgument);
    FUZZ_CHECK(valid.message().rfind("ruleset.", 0) == 0);
  }
  if (!engine.ok()) {
    FUZZ_CHECK(engine.status().code() == absl::StatusCode::kInvalidArgument);
    return;
  }
  FUZZ_CHECK(static_cast<int>(engine->rules().size()) == proto.rules_size());
  for (size_t i = 0; i < engine->rules().size(); ++i) {
    FUZZ_CHECK(engine->rules()[i].id == proto.rules(static_cast<int>(i)).id());
    CheckParameters(engine->rules()[i]);
  }

  // A post on every network against the organization's own rules.
  tr::PostInput post;
  post.text =
      "I work at Acme Corp and we shipped offline mode. #AcmeCorpEmployee "
      "Guaranteed returns! https://bit.ly/x https://acme.example/offline";
  post.link_url = "https://acme.example/offline";
  post.author = {"ada", true, true, {"@ada"}};
  post.account_handle = "@ada";
  post.story = {"offline", "Acme Corp releases offline mode.", {}, "", true};
  tr::EvaluationContext context;
  context.organization_id = "acme";
  context.organization_display_name = "Acme Corp";
  context.now_us = int64_t{1700000000} * 1000 * 1000;
  for (int network = 0; network <= 5; ++network) {
    post.network = tr::NetworkFromProto(network);
    const tr::Evaluation evaluation = tr::Evaluate(*engine, post, context);
    FUZZ_CHECK(evaluation.results.size() == engine->rules().size());
    google::protobuf::RepeatedPtrField<tr::v1::RuleResult> results;
    tr::ResultsToProto(evaluation.results, &results);
    FUZZ_CHECK(results.size() == proto.rules_size());
    FUZZ_CHECK(tr::OutcomeToProto(evaluation.outcome) !=
               tr::v1::OUTCOME_UNSPECIFIED);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  tr::v1::Ruleset text_proto;
  google::protobuf::TextFormat::Parser parser;
  IgnoreErrors errors;
  parser.RecordErrorsTo(&errors);
  // Wire-format strings with invalid UTF-8 are logged as they fail.
  google::protobuf::SetLogHandler(&IgnoreLog);
  if (parser.ParseFromString(bytes, &text_proto)) CheckRuleset(text_proto);

  tr::v1::Ruleset wire_proto;
  if (wire_proto.ParseFromString(bytes)) CheckRuleset(wire_proto);
  return 0;
}
