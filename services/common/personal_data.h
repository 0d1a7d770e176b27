// What every service shares for a person's data :
// who may export or erase it, and the pseudonym an erased person is known
// by. Each service exports and erases its own tables
// (ExportPersonalData / ErasePersonalData); candor.privacy.v1 calls them
// all. Thread-safe; all but RunErasure are pure.
#ifndef CANDOR_SERVICES_COMMON_PERSONAL_DATA_H_
#define CANDOR_SERVICES_COMMON_PERSONAL_DATA_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "db/pool.h"
#include "db/transaction.h"
#include "services/common/auth.h"
#include "services/common/idempotency.h"
#include "services/common/status_macros.h"

namespace candor {

// Stands where a person's own words were (feedback, post text).
inline constexpr char kErasedText[] = "[erased]";

// The person a personal-data request names.
struct PersonRef {
  std::string org;
  std::string id;    // staff_member_id
  std::string name;  // `organizations/{org}/staffMembers/{id}`
};

// Parses the `staff_member` field; INVALID_ARGUMENT naming it.
absl::StatusOr<PersonRef> ParsePersonRef(absl::string_view staff_member);

// "erased-" and the first 12 hex digits of SHA-256 of the person's resource
// name. The same for every service and every retry, so an erasure that
// resumes after a crash writes the same pseudonym everywhere.
std::string ErasedPseudonym(absl::string_view staff_name);

// Admins of `org`, operators and services pass. Staff of another
// organization get NOT_FOUND naming `resource`; other staff of `org`
// PERMISSION_DENIED.
absl::Status RequirePersonalDataAccess(const Caller& caller,
                                       absl::string_view org,
                                       absl::string_view resource);

// The person `staff_member` names, once `caller` may reach their data
// (RequirePersonalDataAccess): how every service's ExportPersonalData
// starts.
absl::StatusOr<PersonRef> PersonToExport(const Caller& caller,
                                         absl::string_view staff_member);

// The same for ErasePersonalData, which also requires a request_id: an
// erasure resumed after a crash must replay, not act twice.
absl::StatusOr<PersonRef> PersonToErase(const Caller& caller,
                                        absl::string_view staff_member,
                                        absl::string_view request_id);

// How every ErasePersonalData acts, after PersonToErase: `erase`
// (absl::StatusOr<int64_t>(db::Transaction&)) changes the service's own
// records of the person in one transaction, idempotent under the request's
// request_id, and the count it returns is the response's records_changed.
//
// In the same transaction the service's stored replay answers
// (idempotency.h) that concern the person go: those they made, and those
// whose response contains their resource name or any string `erase` put in
// `*also_naming` (the staff service: their email, display name and employee
// id, which only it knows). Strings shorter than kMinErasureNeedle are not
// searched: a two-letter employee id would match unrelated answers, and
// dropping those would make their retries act twice; every answer that
// shows a person also carries their resource name. The erasure's own key
// is kept, so the erasure still replays. These deletions are not counted in
// records_changed: whether a key was still there depends on when the
// erasure ran, and a replay must answer what the first call did.
inline constexpr size_t kMinErasureNeedle = 4;

template <typename Request, typename Response, typename Erase>
absl::Status RunErasure(db::Pool& pool, const Caller& caller,
                        const Request& request, Response* response,
                        Erase&& erase,
                        const std::vector<std::string>* also_naming = nullptr) {
  CANDOR_ASSIGN_OR_RETURN(PersonRef person,
                          ParsePersonRef(request.staff_member()));
  const IdempotencyKey key = MakeIdempotencyKey(caller, request);
  return RunIdempotent(pool, key, response,
                       [&](db::Transaction& tx) -> absl::Status {
                         CANDOR_ASSIGN_OR_RETURN(int64_t changed, erase(tx));
                         response->set_records_changed(changed);
                         std::vector<std::string> needles = {person.name};
                         if (also_naming != nullptr) {
                           for (const std::string& s : *also_naming) {
                             if (s.size() >= kMinErasureNeedle)
                               needles.push_back(s);
                           }
                         }
                         return ForgetIdempotencyKeysOf(tx, key, person.org,
                                                        person.name, needles)
                             .status();
                       });
}

// Like RequirePersonalDataAccess without services: for the privacy
// service, which people (admins, operators) call, never services.
absl::Status RequireAdminOrOperatorOf(const Caller& caller,
                                      absl::string_view org,
                                      absl::string_view resource);

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_PERSONAL_DATA_H_
