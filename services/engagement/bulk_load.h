// The engagement service's bulk path for benchmark datasets (tests/bench/
// candor_datagen): shares as CreateShare would store them, written in
// multi-row statements. Built into candor_bulk_load (tests/bench), not into
// candor_engagement or candord; the SQL lives here because the engagement
// service owns its tables.
#ifndef CANDOR_SERVICES_ENGAGEMENT_BULK_LOAD_H_
#define CANDOR_SERVICES_ENGAGEMENT_BULK_LOAD_H_

#include <vector>

#include "absl/status/status.h"
#include "db/pool.h"
#include "services/engagement/share.h"

namespace candor::engagement {

// Inserts `shares`, 1,000 per transaction. A share without a share_id gets
// NewResourceId(), and one without a tracking code gets NewTrackingCode(),
// as CreateShare makes them; a chunk whose tracking code collides is
// retried with new codes (60 random bits each: rare even at millions).
absl::Status BulkInsertShares(db::Pool& pool, std::vector<ShareRecord>& shares);

}  // namespace candor::engagement

#endif  // CANDOR_SERVICES_ENGAGEMENT_BULK_LOAD_H_
