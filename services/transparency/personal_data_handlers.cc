// TransparencyService: one person's data (ExportPersonalData,
// ErasePersonalData), which the privacy service gathers from every service.
#include <cstdint>
#include <string>
#include <vector>

#include "services/common/clock.h"
#include "services/common/event_feed.h"
#include "services/common/export_page.h"
#include "services/common/idempotency.h"
#include "services/common/personal_data.h"
#include "services/common/status_macros.h"
#include "services/common/validation.h"
#include "services/transparency/decision_evidence.h"
#include "services/transparency/transparency_internal.h"
#include "services/transparency/transparency_service.h"

namespace candor::transparency {

namespace staffpb = ::candor::staff::v1;

absl::Status TransparencyService::DoExportPersonalData(
    const Caller& caller, const v1::ExportPersonalDataRequest& request,
    v1::PersonalData* response) {
  CANDOR_ASSIGN_OR_RETURN(PersonRef person,
                          PersonToExport(caller, request.staff_member()));
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(staff_states_.get(), caller));
  CANDOR_ASSIGN_OR_RETURN(ExportPage page,
                          ExportPage::Start(*page_tokens_, request));
  // Pending staff events (this export's own among them) first, so the
  // document shows the log as it stands.
  if (page.first()) ImportStaffEvents(person.org);
  CANDOR_RETURN_IF_ERROR(page.Section(
      0,
      [&](absl::string_view after,
          int limit) -> absl::StatusOr<std::vector<DecisionRecord>> {
        CANDOR_ASSIGN_OR_RETURN(TimeCursor before, TimeCursorAfter(after));
        return repository_.ListDecisionsOfPerson(person.org, person.id, before,
                                                 limit);
      },
      [&](const DecisionRecord& d) -> absl::StatusOr<v1::Decision*> {
        v1::Decision* out = response->add_decisions();
        CANDOR_RETURN_IF_ERROR(DecisionToProto(d, out));
        return out;
      },
      [](const DecisionRecord& d) {
        return TimeKey(d.create_time_us, d.decision_id);
      }));
  CANDOR_RETURN_IF_ERROR(page.Section(
      1,
      [&](absl::string_view after,
          int limit) -> absl::StatusOr<std::vector<AuditEntryRecord>> {
        CANDOR_ASSIGN_OR_RETURN(int64_t after_sequence, NumberAfter(after));
        return repository_.ListAuditEntriesByActor(person.org, person.name,
                                                   after_sequence, limit);
      },
      [&](const AuditEntryRecord& e) {
        v1::AuditEntry* out = response->add_audit_entries();
        AuditEntryToProto(e, out);
        return out;
      },
      [](const AuditEntryRecord& e) { return NumberKey(e.sequence); }));
  response->set_next_page_token(page.next_page_token());
  return absl::OkStatus();
}

// The audit log keeps every entry (it is the organization's record, and
// its hash chain must verify): entries the person acted in name a pseudonym
// instead, and entries about them (their deactivation's reason, say) lose
// their details; both keep the digests the chain covers. A last entry,
// "audit.erase", declares the pseudonym for the person's actor digest and
// the redaction of their subject's details, so a verifier can tell this
// erasure from a forgery (docs/AUDIT.md, "Erasure").
absl::Status TransparencyService::DoErasePersonalData(
    const Caller& caller, const v1::ErasePersonalDataRequest& request,
    v1::ErasePersonalDataResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(
      PersonRef person,
      PersonToErase(caller, request.staff_member(), request.request_id()));
  CANDOR_RETURN_IF_ERROR(RequireActiveCallerOrSelf(staff_states_.get(), caller,
                                                   person.org, person.id));
  const std::string pseudonym = signer_->Pseudonym(ActorDigest(person.name));
  // Every staff event still waiting (the erasure's own, anything the person
  // did) enters the chain in the erasure's own transaction, under the head
  // lock, before the pass below: otherwise one appended later (by a call
  // that fetched it earlier) would name the person after their erasure.
  // All of them, however many: the erasure fails rather than leave one.
  CANDOR_ASSIGN_OR_RETURN(std::vector<staffpb::StaffEvent> pending,
                          FetchStaffEvents(person.org, kAllEventPages));
  return RunErasure(
      repository_.pool(), caller, request, response,
      [&](db::Transaction& tx) -> absl::StatusOr<int64_t> {
        // Serializes with appends, which take the same head lock.
        CANDOR_RETURN_IF_ERROR(repository_.LockOrganization(tx, person.org));
        CANDOR_RETURN_IF_ERROR(AppendStaffEvents(tx, person.org, pending));
        CANDOR_ASSIGN_OR_RETURN(int64_t changed,
                                repository_.PseudonymizeAuditActor(
                                    tx, person.org, person.name, pseudonym));
        CANDOR_ASSIGN_OR_RETURN(
            const int64_t redacted,
            repository_.RedactAuditDetails(tx, person.org, person.name));
        changed += redacted;
        if (changed > 0) {
          AuditEntryRecord declaration;
          declaration.organization_id = person.org;
          declaration.time_us = NowMicros();
          // A person erasing themself is not named by their own erasure.
          declaration.actor =
              caller.subject == person.name ? pseudonym : caller.subject;
          declaration.action = kAuditEraseAction;
          declaration.subject = person.name;
          declaration.details =
              EraseDeclaration(ActorDigest(person.name), pseudonym);
          CANDOR_RETURN_IF_ERROR(
              repository_.AppendAuditEntry(tx, &declaration));
        }
        CANDOR_ASSIGN_OR_RETURN(std::vector<DecisionRecord> decisions,
                                repository_.ListDecisionsOfAuthorForUpdate(
                                    tx, person.org, person.id));
        for (DecisionRecord& d : decisions) {
          if (!EraseDecisionEvidence(&d.body)) continue;
          CANDOR_RETURN_IF_ERROR(repository_.UpdateDecisionBody(tx, d));
          ++changed;
        }
        // Fingerprints of their words: derived personal data. Their posts
        // no longer count toward near-duplicate checks of others' posts:
        // tombstones in the feed take them out of every replica's index.
        CANDOR_ASSIGN_OR_RETURN(
            std::vector<std::string> unindexed_posts,
            repository_.RemovePostShinglesOfAuthor(tx, person.org, person.id));
        changed += static_cast<int64_t>(unindexed_posts.size());
        return changed;
      });
}

}  // namespace candor::transparency
