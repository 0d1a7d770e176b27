// Erasing what a stored decision quotes of a post. Header-only and
// dependent only on the transparency proto, so advocacy (which keeps a copy
// of each post's latest decision) and transparency (which keeps every
// decision) erase the same fields the same way. Pure; thread-safe.
#ifndef CANDOR_SERVICES_TRANSPARENCY_DECISION_EVIDENCE_H_
#define CANDOR_SERVICES_TRANSPARENCY_DECISION_EVIDENCE_H_

#include <string>

#include "candor/transparency/v1/transparency.pb.h"

namespace candor::transparency {

// Clears each rule result's evidence (the copied span, the matched phrase,
// the visible prefix: the author's words) in a serialized
// candor.transparency.v1.Decision. The outcome, the results and their
// explanations, and the reviewer's note stay: they are the organization's
// decision, which reports count. Returns whether `serialized` changed; bytes
// that do not parse are left alone.
inline bool EraseDecisionEvidence(std::string* serialized) {
  if (serialized->empty()) return false;
  v1::Decision decision;
  if (!decision.ParseFromString(*serialized)) return false;
  bool changed = false;
  for (v1::RuleResult& result : *decision.mutable_results()) {
    if (result.evidence().empty()) continue;
    result.clear_evidence();
    changed = true;
  }
  if (changed) decision.SerializeToString(serialized);
  return changed;
}

}  // namespace candor::transparency

#endif  // CANDOR_SERVICES_TRANSPARENCY_DECISION_EVIDENCE_H_
