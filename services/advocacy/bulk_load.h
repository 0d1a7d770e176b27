// The advocacy service's bulk path for benchmark datasets (tests/bench/
// candor_datagen): submitted posts as CreatePost + SubmitPost would store
// them (the posts row with the decision's copy, and revision 1), written in
// multi-row statements. Built into candor_bulk_load (tests/bench), not into
// candor_advocacy or candord; the SQL lives here because the advocacy
// service owns its tables.
#ifndef CANDOR_SERVICES_ADVOCACY_BULK_LOAD_H_
#define CANDOR_SERVICES_ADVOCACY_BULK_LOAD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "db/pool.h"
#include "services/advocacy/post.h"

namespace candor::advocacy {

// Inserts `posts` (each a new post at revision 1, already submitted and
// decided: state APPROVED, IN_REVIEW or REJECTED with latest_decision set)
// and their first revisions, 500 per transaction. The revision is written
// at create_time_us, as CreatePost writes it.
absl::Status BulkInsertPosts(db::Pool& pool,
                             const std::vector<PostRecord>& posts);

}  // namespace candor::advocacy

#endif  // CANDOR_SERVICES_ADVOCACY_BULK_LOAD_H_
