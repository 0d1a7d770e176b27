// candor.transparency.v1.TransparencyService: the gRPC edge of the
// transparency service. Each handler parses the names that say which
// organization is meant, authorizes, validates the remaining fields, and
// acts through the rules engine (engine/), the conversions
// (ruleset_convert.h) and the repository; blocking work runs on the shared
// bounded executor (services/common/call.h).
//
// Who may call what:
//   Create/PublishRuleset: admins of the organization;
//   Get/List/GetPublishedRuleset, EvaluatePost, ListAuditEntries,
//     VerifyAuditLog, GetAuditTreeHead, GetAuditInclusionProof,
//     GetAuditConsistencyProof, GetTransparencyReport: any staff of the
//     organization,
//     and services (an org-less service token reaches every organization);
//     EvaluatePost of another author's post only for reviewers, admins and
//     services;
//   CreateDecision: services only (the advocacy service records decisions);
//   Get/ListDecisions: the post's author sees their own posts' decisions,
//     reviewers, admins and services all of them; anyone else NOT_FOUND or
//     an empty list.
//
// Near-duplicate index: one per organization (index_cache.h), a cache of
// the fingerprint feed in post_shingles. CreateDecision writes a post's
// fingerprint (or, when its decision rejects it, a tombstone) with the next
// feed sequence, in the decision's transaction under the organization's
// head lock; every evaluation first applies the feed rows this replica has
// not seen. So a decision sees every post whose decision committed before
// its evaluation began, whichever replica or process decided it.
//
// Readiness: StartWarmUp() loads the index of every organization that has
// used the service, on a thread of its own; Ready() stays false until it
// has, so a balancer sends no evaluation to a replica that would stall on a
// cold index (docs/ARCHITECTURE.md, "Readiness").
//
// Staff events: role changes and deactivations happen in the staff
// service, which never calls this one (ARCHITECTURE.md). Before an append
// to an organization's audit log, and before ListAuditEntries and
// VerifyAuditLog read it, the service pulls the staff events after the
// organization's cursor (organization_heads.staff_event_sequence) with
// StaffService/ListStaffEvents under its own service token, outside any
// lock; then, in the append transaction under the head lock, it re-reads
// the cursor and appends only the events that follow it, in order, so each
// event is audited exactly once however many calls race (the feed consumer
// of services/common/event_feed.h). When the staff
// service cannot be reached the events wait for a later call; the caller's
// call goes on.
//
// Files: one per family of RPCs. A new RPC is a CANDOR_UNARY_RPC line in
// the class (services/common/call.h), and its Do<Method> body goes in its
// family's file:
//   rulesets_handlers.cc       CreateRuleset, GetRuleset, ListRulesets,
//                              PublishRuleset, GetPublishedRuleset (and the
//                              current ruleset, CurrentRuleset/EngineRuleset)
//   evaluation_handlers.cc     EvaluatePost (and Judge)
//   decisions_handlers.cc      CreateDecision, GetDecision, ListDecisions;
//                              what a decision may be is verdict_rules.h
//   audit_handlers.cc          ListAuditEntries, VerifyAuditLog,
//                              GetTransparencyReport
//   audit_proof_handlers.cc    GetAuditTreeHead, GetAuditInclusionProof,
//                              GetAuditConsistencyProof (docs/AUDIT.md)
//   personal_data_handlers.cc  ExportPersonalData, ErasePersonalData
//   staff_event_import.cc      the staff event import (no RPC)
//   transparency_service.cc    construction, dependencies, readiness
// Helpers more than one of them uses are in transparency_internal.h.
//
// Thread-safe: handlers share the repository, immutable state, and the
// index and ruleset caches, each behind its own mutex.
#ifndef CANDOR_SERVICES_TRANSPARENCY_TRANSPARENCY_SERVICE_H_
#define CANDOR_SERVICES_TRANSPARENCY_TRANSPARENCY_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "candor/staff/v1/staff.grpc.pb.h"
#include "candor/transparency/v1/transparency.grpc.pb.h"
#include "db/pool.h"
#include "services/common/call.h"
#include "services/common/page_token.h"
#include "services/common/service_token.h"
#include "services/common/staff_state_cache.h"
#include "services/transparency/engine/evaluate.h"
#include "services/transparency/engine/rules.h"
#include "services/transparency/index_cache.h"
#include "services/transparency/records.h"
#include "services/transparency/transparency_repository.h"
#include "services/transparency/tree_head.h"

namespace candor::transparency {

namespace v1 = ::candor::transparency::v1;

class TransparencyService final
    : public v1::TransparencyService::CallbackService {
 public:
  static constexpr char kServiceName[] =
      "candor.transparency.v1.TransparencyService";

  // `env`, `pool` and `page_tokens` must outlive the service.
  TransparencyService(const CallEnvironment* env, db::Pool* pool,
                      const PageTokenCodec* page_tokens);
  ~TransparencyService() override;

  // The staff service (for author facts and staff events) and the
  // credentials this service calls it with as itself (for staff events;
  // null turns the import of staff events off). Set once, before serving;
  // `service_tokens` must outlive the service.
  // Writes by a staff member first check they are still ACTIVE, trusting
  // an answer for at most `staff_state_ttl` (staff_state_cache.h).
  void SetDependencies(std::shared_ptr<grpc::Channel> staff,
                       ServiceTokenSource* service_tokens,
                       absl::Duration staff_state_ttl = kDefaultStaffStateTtl);

  // The key that signs tree heads and derives erasure pseudonyms
  // (tree_head.h); must outlive the service. Without one the service signs
  // with a key of its own that dies with the process: fine for a single
  // test or development process, wrong for replicas. Set once, before
  // serving.
  void SetAuditSigner(const TreeHeadSigner* signer) { signer_ = signer; }

  // Starts loading every organization's near-duplicate index in the
  // background (retrying while the database cannot be read); call once,
  // after SetDependencies.
  void StartWarmUp();
  // Whether that load finished: until then the replica is not ready.
  bool Ready() const { return ready_; }

  CANDOR_UNARY_RPC(CreateRuleset, v1::Ruleset);
  CANDOR_UNARY_RPC(GetRuleset, v1::Ruleset);
  CANDOR_UNARY_RPC(ListRulesets, v1::ListRulesetsResponse);
  CANDOR_UNARY_RPC(PublishRuleset, v1::Ruleset);
  CANDOR_UNARY_RPC(GetPublishedRuleset, v1::Ruleset);
  CANDOR_UNARY_RPC(EvaluatePost, v1::Evaluation);
  CANDOR_UNARY_RPC(CreateDecision, v1::Decision);
  CANDOR_UNARY_RPC(GetDecision, v1::Decision);
  CANDOR_UNARY_RPC(ListDecisions, v1::ListDecisionsResponse);
  CANDOR_UNARY_RPC(ListAuditEntries, v1::ListAuditEntriesResponse);
  CANDOR_UNARY_RPC(VerifyAuditLog, v1::VerifyAuditLogResponse);
  CANDOR_UNARY_RPC(GetAuditTreeHead, v1::AuditTreeHead);
  CANDOR_UNARY_RPC(GetAuditInclusionProof, v1::AuditInclusionProof);
  CANDOR_UNARY_RPC(GetAuditConsistencyProof, v1::AuditConsistencyProof);
  CANDOR_UNARY_RPC(GetTransparencyReport, v1::TransparencyReport);

  CANDOR_UNARY_RPC(ExportPersonalData, v1::PersonalData);
  CANDOR_UNARY_RPC(ErasePersonalData, v1::ErasePersonalDataResponse);

 private:
  // What evaluating a post produced.
  struct Judgement {
    RulesetRecord ruleset;
    std::shared_ptr<const Ruleset> rules;
    Evaluation evaluation;
  };

  // rulesets_handlers.cc
  // The organization's current ruleset; publishes the shipped default for
  // it first when it has none (one transaction, under the organization's
  // head lock, so concurrent first users publish it once).
  absl::StatusOr<RulesetRecord> CurrentRuleset(absl::string_view org);
  // The engine form of a stored ruleset (cached: published rulesets never
  // change).
  absl::StatusOr<std::shared_ptr<const Ruleset>> EngineRuleset(
      const RulesetRecord& ruleset);

  // evaluation_handlers.cc
  // Evaluates `post` (validated) of organization `org` against the current
  // ruleset, fetching author facts and the organization's display name
  // with the caller's forwarded credentials.
  absl::StatusOr<Judgement> Judge(const Caller& caller, absl::string_view org,
                                  const v1::PostContent& post);

  // staff_event_import.cc
  // The organization's staff events after its stored cursor, in sequence
  // order, fetched with the service token, at most `max_pages` pages of
  // them (kAllEventPages: all); UNAVAILABLE when the staff service cannot
  // be reached.
  absl::StatusOr<std::vector<staff::v1::StaffEvent>> FetchStaffEvents(
      absl::string_view org, int max_pages);
  // The same, best effort, for calls that only need the log current: empty
  // when the events cannot be read now (they are fetched again next time).
  std::vector<staff::v1::StaffEvent> PendingStaffEvents(absl::string_view org);
  // Appends the fetched `events` that follow the organization's cursor as
  // audit entries and advances the cursor. Call in the append transaction,
  // after repository_.LockOrganization(tx, org).
  absl::Status AppendStaffEvents(
      db::Transaction& tx, absl::string_view org,
      const std::vector<staff::v1::StaffEvent>& events);
  // Before reading the audit log: fetches and appends pending staff events
  // in a transaction of their own. Best effort: failures leave them for
  // the next call.
  void ImportStaffEvents(absl::string_view org);

  // audit_proof_handlers.cc
  // `prove` run over the organization's stored tree: once to learn which
  // stored subtrees it needs, which are then read in one query, and again
  // with their hashes.
  absl::StatusOr<std::vector<merkle::Hash>> ProveFromStoredTree(
      absl::string_view org, const std::function<std::vector<merkle::Hash>(
                                 const merkle::SubtreeHash&)>& prove);

  // transparency_service.cc
  // StartWarmUp's thread: every organization's index, until all are
  // loaded or the service stops.
  void WarmUp();
  absl::Status WarmAllIndexes();

  const CallEnvironment* const env_;
  db::Pool* const pool_;
  const PageTokenCodec* const page_tokens_;
  TransparencyRepository repository_;
  // Whether a staff caller may still write (null until SetDependencies).
  std::unique_ptr<StaffStateCache> staff_states_;
  // signer_ is own_signer_ until SetAuditSigner.
  std::unique_ptr<TreeHeadSigner> own_signer_;
  const TreeHeadSigner* signer_ = nullptr;
  std::unique_ptr<staff::v1::StaffService::Stub> staff_;
  ServiceTokenSource* service_tokens_ = nullptr;

  IndexCache indexes_{&repository_};
  std::atomic<bool> ready_{false};
  absl::Notification stopping_;
  std::thread warm_up_;

  absl::Mutex rulesets_mu_;
  // "{org}/{ruleset_id}" of published rulesets -> engine form.
  absl::flat_hash_map<std::string, std::shared_ptr<const Ruleset>> rulesets_
      ABSL_GUARDED_BY(rulesets_mu_);
};

}  // namespace candor::transparency

#endif  // CANDOR_SERVICES_TRANSPARENCY_TRANSPARENCY_SERVICE_H_
