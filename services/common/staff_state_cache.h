// Whether the person behind a staff token may still write. A token (JWT)
// stays valid until it expires, whatever happens to its person: someone
// deactivated or erased an hour ago may still hold one. So every write a
// staff member makes (CreatePost, EndorseValue, CreateShare, their profile,
// ...) first asks whether its author is still ACTIVE, and refuses with
// PERMISSION_DENIED when not (docs/API.md "Auth").
//
// The answer comes from the staff service, over its gRPC stub, and is
// cached per (organization, staff member) for at most `ttl` (a flag,
// --staff_state_ttl, default kDefaultStaffStateTtl). Any number of replicas
// may serve one database, so this is a cache of the staff table with a
// stated staleness bound (docs/ARCHITECTURE.md "State in memory"): a
// deactivation or erasure made on any replica stops the person's writes on
// every replica within `ttl`. Bounded to `max_entries` (TtlCache clears
// when full). The staff service itself reads its table instead (no cache).
//
// Callers whose token names no staff member (operators, services) are not
// staff-authored and pass without a question.
//
// Thread-safe.
#ifndef CANDOR_SERVICES_COMMON_STAFF_STATE_CACHE_H_
#define CANDOR_SERVICES_COMMON_STAFF_STATE_CACHE_H_

#include <grpcpp/grpcpp.h>

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "candor/staff/v1/staff.grpc.pb.h"
#include "services/common/auth.h"
#include "services/common/service_token.h"
#include "services/common/ttl_cache.h"

namespace candor {

// How long a staff member's state may be served from memory: a person
// deactivated or erased on any replica can write for at most this long.
inline constexpr absl::Duration kDefaultStaffStateTtl = absl::Seconds(5);
inline constexpr size_t kDefaultStaffStateEntries = 100'000;

// The refusal every service gives a person who is no longer ACTIVE
// (`state` is a candor.staff.v1.StaffMember.State); the staff service
// uses it too, so the message is the same everywhere.
absl::Status InactiveStaffError(int state);

class StaffStateCache {
 public:
  // Asks `staff` with the service's own credentials when `tokens` is given
  // (so one answer serves every caller), else with the caller's (a person
  // may read themself). Keeps each answer for `ttl`.
  StaffStateCache(std::shared_ptr<grpc::Channel> staff,
                  ServiceTokenSource* tokens,
                  absl::Duration ttl = kDefaultStaffStateTtl,
                  size_t max_entries = kDefaultStaffStateEntries);

  // OK when `caller` names no staff member or names one who is ACTIVE.
  // PERMISSION_DENIED when the person is INACTIVE or ERASED (or unknown to
  // the staff service); UNAVAILABLE when the staff service cannot answer.
  // Call it right after the handler's authorization, before validating or
  // changing anything.
  absl::Status RequireActiveCaller(const Caller& caller);

 private:
  std::unique_ptr<staff::v1::StaffService::Stub> staff_;
  ServiceTokenSource* tokens_ = nullptr;
  // "org/id" -> candor.staff.v1.StaffMember.State.
  TtlCache<std::string, int> states_;
};

// `cache`->RequireActiveCaller(caller), or UNAVAILABLE when the service
// was not wired to the staff service (`cache` null).
absl::Status RequireActiveCaller(StaffStateCache* cache, const Caller& caller);

// For erasing the person `org`/`staff_member_id`: RequireActiveCaller,
// except that a person erasing themself passes whatever their state. It
// only removes their own data, and an admin who erased themself must be
// able to finish (or retry) that erasure: the privacy service erases the
// staff profile first and then calls the other services with the same
// token.
absl::Status RequireActiveCallerOrSelf(StaffStateCache* cache,
                                       const Caller& caller,
                                       absl::string_view org,
                                       absl::string_view staff_member_id);

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_STAFF_STATE_CACHE_H_
