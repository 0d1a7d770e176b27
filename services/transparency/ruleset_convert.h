// Conversions between the transparency protos and the rules engine's domain
// types (engine/rules.h, engine/evaluate.h): a proto Ruleset's rules into a
// validated engine Ruleset, the shipped default rules into proto rules, and
// an engine Evaluation into proto results.
//
// Proto zero values mean "the default" (the proto comments say which), so a
// rule written as `own_words {}` gets the engine's defaults. Fields the
// proto does not carry (visible prefixes, shorteners, length limits) keep
// the engine's defaults.
//
// Pure functions; thread-safe.
#ifndef CANDOR_SERVICES_TRANSPARENCY_RULESET_CONVERT_H_
#define CANDOR_SERVICES_TRANSPARENCY_RULESET_CONVERT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "candor/transparency/v1/transparency.pb.h"
#include "services/transparency/engine/evaluate.h"
#include "services/transparency/engine/rules.h"

namespace candor::transparency {

inline constexpr int kMaxRules = 50;

// Checks what a client writes in a ruleset (display_name, description, 1 to
// 50 rules, each with id, title, severity, exactly one kind and parameters
// in range, patterns that compile). INVALID_ARGUMENT whose message starts
// with the field path under `prefix` ("ruleset.rules[2].sensitive_terms.
// patterns[0]: ...").
absl::Status ValidateRulesetProto(absl::string_view prefix,
                                  const v1::Ruleset& ruleset);

// The engine ruleset of a ruleset's proto rules. INVALID_ARGUMENT naming
// `rules[i].<field>` (without a prefix) when a rule does not validate.
absl::StatusOr<Ruleset> ToEngineRuleset(const v1::Ruleset& ruleset);

// The shipped default rules as proto rules, defaults written out.
void DefaultRulesToProto(v1::Ruleset* out);

// Fills `results` (the proto results) and returns the proto outcome.
v1::Outcome OutcomeToProto(Outcome outcome);
void ResultsToProto(const std::vector<RuleResult>& results,
                    google::protobuf::RepeatedPtrField<v1::RuleResult>* out);

// The ids of the failed rules, in ruleset order.
std::vector<std::string> FailedRuleIds(const std::vector<RuleResult>& results);

// The engine network of a proto network number.
Network NetworkFromProto(int network);

}  // namespace candor::transparency

#endif  // CANDOR_SERVICES_TRANSPARENCY_RULESET_CONVERT_H_
