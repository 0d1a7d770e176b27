// The staff service's bulk path for benchmark datasets (tests/bench/
// candor_datagen): what 100,000 UpdateStaffMember calls made by the people
// themselves would store, written in multi-row statements. Built into
// candor_bulk_load (tests/bench), not into candor_staff or candord; the SQL
// lives here because the staff service owns its tables.
#ifndef CANDOR_SERVICES_STAFF_BULK_LOAD_H_
#define CANDOR_SERVICES_STAFF_BULK_LOAD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "db/pool.h"

namespace candor::staff {

// The LinkedIn handle BulkEnrollAdvocates links for `staff_member_id`.
std::string BulkLinkedInHandle(absl::string_view staff_member_id);

// Gives each staff member advocacy consent and links one LinkedIn account,
// BulkLinkedInHandle(id), replacing their linked accounts, as if each had
// updated advocacy_consent and social_accounts themselves (no staff event:
// those record role changes and deactivations only). The staff members must
// exist and hold no linked accounts. Commits in chunks of 1,000.
absl::Status BulkEnrollAdvocates(
    db::Pool& pool, absl::string_view org,
    const std::vector<std::string>& staff_member_ids, int64_t now_us);

}  // namespace candor::staff

#endif  // CANDOR_SERVICES_STAFF_BULK_LOAD_H_
