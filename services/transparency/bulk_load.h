// The transparency service's bulk path for benchmark datasets (tests/bench/
// candor_datagen): decisions on posts as CreateDecision would store them
// (decision_proto rows, post_shingles rows and the audit entries), written in
// multi-row statements. Built into candor_bulk_load (tests/bench), not into
// candor_transparency or candord; the SQL lives here because the
// transparency service owns its tables. Fingerprints are written at feed
// sequence 0, outside the feed: replicas read them when they load an
// organization (start candord after loading, as run-benchmarks does), not
// by tailing.
#ifndef CANDOR_SERVICES_TRANSPARENCY_BULK_LOAD_H_
#define CANDOR_SERVICES_TRANSPARENCY_BULK_LOAD_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "candor/transparency/v1/transparency.pb.h"
#include "db/pool.h"
#include "services/transparency/audit_chain.h"
#include "services/transparency/engine/evaluate.h"
#include "services/transparency/records.h"

namespace candor::transparency {

// A post to decide: revision 1 of `post_id`, decided at `time_us`.
struct BulkPostToDecide {
  std::string post_id;
  int64_t revision = 1;
  int64_t time_us = 0;
  PostInput input;  // input.author.staff_member_id is the author
};

// One automatic decision, ready to store. `entry` is not sealed yet:
// BulkAppendDecisions numbers and chains it.
struct BulkDecision {
  DecisionRecord record;
  bool rejected = false;  // no post_shingles row when rejected
  PostShinglesRecord shingles;
  AuditEntryRecord entry;
};

// Decides posts with the real rules engine, as CreateDecision does for an
// automatic decision, over `ruleset` (the organization's published one, as
// GetPublishedRuleset returns it). Thread-safe once made.
//
// The one difference: no near-duplicate corpus (EvaluationContext.index is
// null), so no_coordination passes and says so. Evaluating a million posts
// against an index that grows to a million would take most of the load's
// time budget; the corpus the load generator exercises is the one candord
// rebuilds from post_shingles when it restarts.
class BulkDecider {
 public:
  static absl::StatusOr<std::unique_ptr<BulkDecider>> Create(
      const v1::Ruleset& ruleset, absl::string_view org,
      absl::string_view organization_display_name);

  BulkDecision Decide(const BulkPostToDecide& post) const;

 private:
  explicit BulkDecider(Ruleset rules) : rules_(std::move(rules)) {}
  std::string org_;
  std::string organization_display_name_;
  std::string ruleset_name_;
  Ruleset rules_;
};

// Stores `decisions` (all of organization `org`), in chunks of 500 per
// transaction: each chunk locks the organization's audit head
// (organization_heads, as every append does), numbers and seals its entries
// after the head with audit_chain.h, inserts the audit entries, decisions
// and post_shingles rows and moves the head, so the chain stays valid and
// candord's later appends continue from it. Fills each entry's sequence and
// hashes.
absl::Status BulkAppendDecisions(db::Pool& pool, absl::string_view org,
                                 std::vector<BulkDecision>& decisions);

}  // namespace candor::transparency

#endif  // CANDOR_SERVICES_TRANSPARENCY_BULK_LOAD_H_
