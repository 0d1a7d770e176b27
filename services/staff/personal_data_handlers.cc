// StaffService: one person's data (ExportPersonalData, ErasePersonalData),
// which the privacy service gathers from every service.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/clock.h"
#include "services/common/export_page.h"
#include "services/common/personal_data.h"
#include "services/common/status_macros.h"
#include "services/staff/staff_internal.h"
#include "services/staff/staff_service.h"

namespace candor::staff {

absl::Status StaffService::DoExportPersonalData(
    const Caller& caller, const v1::ExportPersonalDataRequest& request,
    v1::PersonalData* response) {
  CANDOR_ASSIGN_OR_RETURN(PersonRef person,
                          PersonToExport(caller, request.staff_member()));
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(caller));
  CANDOR_ASSIGN_OR_RETURN(ExportPage page,
                          ExportPage::Start(*page_tokens_, request));
  CANDOR_ASSIGN_OR_RETURN(StaffMemberRecord member,
                          repository_.FindStaffMember(person.org, person.id));
  if (page.first()) {
    // The export itself is recorded first, so the document shows it too;
    // once, on the first page.
    CANDOR_ASSIGN_OR_RETURN(db::Transaction tx,
                            db::Transaction::Begin(repository_.pool()));
    StaffEventRecord event = StaffEvent(person.org, NowMicros(), caller.subject,
                                        kExportEvent, request.staff_member());
    CANDOR_RETURN_IF_ERROR(repository_.AppendStaffEvent(tx, &event));
    CANDOR_RETURN_IF_ERROR(tx.Commit());
    StaffMemberToProto(member, /*private_view=*/true,
                       response->mutable_staff_member());
  }
  CANDOR_RETURN_IF_ERROR(page.Section(
      0,
      [&](absl::string_view after,
          int limit) -> absl::StatusOr<std::vector<StaffEventRecord>> {
        CANDOR_ASSIGN_OR_RETURN(int64_t after_sequence, NumberAfter(after));
        return repository_.ListStaffEventsOf(person.org, request.staff_member(),
                                             after_sequence, limit);
      },
      [&](const StaffEventRecord& e) {
        v1::StaffEvent* out = response->add_events();
        StaffEventToProto(e, out);
        return out;
      },
      [](const StaffEventRecord& e) { return NumberKey(e.sequence); }));
  response->set_next_page_token(page.next_page_token());
  return absl::OkStatus();
}

absl::Status StaffService::DoErasePersonalData(
    const Caller& caller, const v1::ErasePersonalDataRequest& request,
    v1::ErasePersonalDataResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(
      PersonRef person,
      PersonToErase(caller, request.staff_member(), request.request_id()));
  // A person erasing themself passes whatever their state, so an erasure
  // that erased its own caller can be finished (staff_state_cache.h).
  if (!caller.IsStaffMember(person.org, person.id)) {
    CANDOR_RETURN_IF_ERROR(RequireActiveCaller(caller));
  }
  const std::string pseudonym = ErasedPseudonym(request.staff_member());
  // Filled by the erasure from the row before it changes: RunErasure also
  // forgets stored replay answers that contain any of these (an admin's
  // CreateStaffMember or DeactivateStaffMember answer shows them whole).
  std::vector<std::string> identifying;

  return RunErasure(
      repository_.pool(), caller, request, response,
      [&](db::Transaction& tx) -> absl::StatusOr<int64_t> {
        CANDOR_ASSIGN_OR_RETURN(
            StaffMemberRecord before,
            repository_.FindStaffMemberForUpdate(tx, person.org, person.id));
        // Events they made stop naming them (also those written after an
        // earlier erasure: nothing they do may name them again).
        CANDOR_ASSIGN_OR_RETURN(
            int64_t changed,
            repository_.PseudonymizeEventActor(
                tx, person.org, request.staff_member(), pseudonym));
        // Events about them keep what happened (kind, time, actor) but not
        // the details: a deactivation's reason is free text about the
        // person. The erasure's own event names only the pseudonym.
        CANDOR_ASSIGN_OR_RETURN(int64_t scrubbed,
                                repository_.ScrubEventDetailsOfSubject(
                                    tx, person.org, request.staff_member(),
                                    kEraseEvent, kErasedEventDetails));
        changed += scrubbed;
        if (before.state == StaffState::kErased) return changed;
        identifying = {before.email, before.display_name, before.employee_id};
        // Unique columns (employee_id, email) get values derived from the
        // pseudonym, so erased people never collide with anyone.
        StaffMemberRecord after = before;
        after.employee_id = pseudonym;
        after.display_name = pseudonym;
        after.email = absl::StrCat(pseudonym, "@erased.invalid");
        after.department.clear();
        after.title.clear();
        after.location.clear();
        after.manager_id.clear();
        after.roles = 0;
        after.state = StaffState::kErased;
        after.advocacy_consent = false;
        after.social_accounts.clear();
        after.bio.clear();
        after.deactivation_reason.clear();
        CANDOR_RETURN_IF_ERROR(WriteStateChange(
            repository_, tx, caller.subject, before, after, kEraseEvent,
            absl::StrCat("pseudonym: ", pseudonym)));
        return changed + 1;
      },
      &identifying);
}

}  // namespace candor::staff
