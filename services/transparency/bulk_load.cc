#include "services/transparency/bulk_load.h"

#include <cppconn/prepared_statement.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <deque>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "db/statement.h"
#include "db/transaction.h"
#include "services/common/ids.h"
#include "services/common/status_macros.h"
#include "services/transparency/engine/shingles.h"
#include "services/transparency/ruleset_convert.h"
#include "services/transparency/transparency_repository.h"

namespace candor::transparency {
namespace {

constexpr size_t kChunk = 500;

}  // namespace

absl::StatusOr<std::unique_ptr<BulkDecider>> BulkDecider::Create(
    const v1::Ruleset& ruleset, absl::string_view org,
    absl::string_view organization_display_name) {
  CANDOR_ASSIGN_OR_RETURN(Ruleset rules, ToEngineRuleset(ruleset));
  std::unique_ptr<BulkDecider> decider(new BulkDecider(std::move(rules)));
  decider->org_ = std::string(org);
  decider->organization_display_name_ = std::string(organization_display_name);
  decider->ruleset_name_ = ruleset.name();
  return decider;
}

BulkDecision BulkDecider::Decide(const BulkPostToDecide& post) const {
  EvaluationContext context;
  context.organization_id = org_;
  context.organization_display_name = organization_display_name_;
  context.now_us = post.time_us;
  const Evaluation evaluation = Evaluate(rules_, post.input, context);
  const std::string& author_id = post.input.author.staff_member_id;
  const std::string post_name =
      absl::StrCat("organizations/", org_, "/posts/", post.post_id);

  BulkDecision out;
  DecisionRecord& record = out.record;
  record.organization_id = org_;
  record.decision_id = NewResourceId();
  record.post_id = post.post_id;
  record.post_revision = post.revision;
  record.author_id = author_id;
  record.verdict = OutcomeToProto(evaluation.outcome);  // automatic
  record.outcome = record.verdict;
  record.create_time_us = post.time_us;

  v1::Decision decision;
  decision.set_name(absl::StrCat(post_name, "/decisions/", record.decision_id));
  decision.set_post(post_name);
  decision.set_post_revision(post.revision);
  decision.set_decider(kAutomaticDecider);
  decision.set_verdict(static_cast<v1::Decision::Verdict>(record.verdict));
  *decision.mutable_create_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(post.time_us);
  decision.set_outcome(OutcomeToProto(evaluation.outcome));
  decision.set_ruleset(ruleset_name_);
  ResultsToProto(evaluation.results, decision.mutable_results());
  record.body = decision.SerializeAsString();

  out.rejected = record.verdict == v1::Decision::REJECTED;
  out.shingles.organization_id = org_;
  out.shingles.post_id = post.post_id;
  out.shingles.author_id = author_id;
  out.shingles.time_us = post.time_us;
  out.shingles.shingles = EncodeShingleSet(evaluation.shingles);

  AuditEntryRecord& entry = out.entry;
  entry.organization_id = org_;
  entry.time_us = post.time_us;
  entry.actor = decision.decider();
  entry.action = "decision.create";
  entry.subject = decision.name();
  const std::vector<std::string> failed = FailedRuleIds(evaluation.results);
  entry.details = absl::StrCat(
      "verdict ", v1::Decision::Verdict_Name(decision.verdict()), "; ruleset ",
      decision.ruleset(), "; post revision ", post.revision,
      "; failed rules: ", failed.empty() ? "none" : absl::StrJoin(failed, ","));
  return out;
}

absl::Status BulkAppendDecisions(db::Pool& pool, absl::string_view org,
                                 std::vector<BulkDecision>& decisions) {
  TransparencyRepository repository(&pool);
  for (size_t begin = 0; begin < decisions.size(); begin += kChunk) {
    const size_t end = std::min(decisions.size(), begin + kChunk);
    const size_t n = end - begin;
    CANDOR_ASSIGN_OR_RETURN(db::Transaction tx, db::Transaction::Begin(pool));
    // The head lock first, then the rows (as CreateDecision).
    CANDOR_ASSIGN_OR_RETURN(TransparencyRepository::AuditHead head,
                            repository.LockAuditHead(tx, org));
    std::vector<const AuditEntryRecord*> entries;
    std::string prev_hash = head.hash;
    for (size_t i = begin; i < end; ++i) {
      AuditEntryRecord& entry = decisions[i].entry;
      entry.sequence = head.sequence + static_cast<int64_t>(i - begin) + 1;
      SealEntry(prev_hash, &entry);
      prev_hash = entry.hash;
      entries.push_back(&entry);
    }
    CANDOR_RETURN_IF_ERROR(
        repository.InsertAuditEntries(tx, org, entries, &head));
    CANDOR_RETURN_IF_ERROR(
        db::Run("bulk append decisions", tx, [&](db::Connection& c) {
          // Blobs are bound as streams that must live until the statement runs.
          std::deque<std::istringstream> blobs;
          db::InsertRows(
              c,
              "INSERT INTO decisions (organization_id, decision_id, post_id, "
              "post_revision, author_id, decider_id, verdict, outcome, "
              "create_time_us, decision_proto) VALUES ",
              "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", n,
              [&](sql::PreparedStatement& s, int first, size_t i) {
                const DecisionRecord& r = decisions[begin + i].record;
                return BindDecisionRow(s, first, r, blobs.emplace_back(r.body));
              });

          std::vector<const PostShinglesRecord*> kept;
          for (size_t i = begin; i < end; ++i) {
            if (!decisions[i].rejected) kept.push_back(&decisions[i].shingles);
          }
          if (!kept.empty()) {
            db::InsertRows(
                c,
                "INSERT INTO post_shingles (organization_id, post_id, "
                "author_id, time_us, shingles) VALUES ",
                "(?, ?, ?, ?, ?)", kept.size(),
                [&](sql::PreparedStatement& s, int first, size_t i) {
                  return BindShinglesRow(s, first, *kept[i],
                                         blobs.emplace_back(kept[i]->shingles));
                });
          }
          return absl::OkStatus();
        }));
    CANDOR_RETURN_IF_ERROR(repository.SetAuditHead(tx, org, head));
    CANDOR_RETURN_IF_ERROR(tx.Commit());
  }
  return absl::OkStatus();
}

}  // namespace candor::transparency
