#include "services/staff/bulk_load.h"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "db/sql_text.h"
#include "db/statement.h"
#include "db/transaction.h"
#include "services/common/status_macros.h"

namespace candor::staff {
namespace {

constexpr size_t kChunk = 1000;
constexpr int kLinkedIn = 1;  // candor.common.v1.LINKEDIN

}  // namespace

std::string BulkLinkedInHandle(absl::string_view staff_member_id) {
  return absl::StrCat("bench-", staff_member_id);
}

absl::Status BulkEnrollAdvocates(db::Pool& pool, absl::string_view org,
                                 const std::vector<std::string>& ids,
                                 int64_t now_us) {
  for (size_t begin = 0; begin < ids.size(); begin += kChunk) {
    const size_t n = std::min(kChunk, ids.size() - begin);
    CANDOR_ASSIGN_OR_RETURN(db::Transaction tx, db::Transaction::Begin(pool));
    CANDOR_RETURN_IF_ERROR(
        db::Run("bulk enroll advocates", tx, [&](db::Connection& c) {
          // The handle is derived from the id, so one UPDATE covers the chunk;
          // social_accounts is staff_repository.cc's "network<TAB>handle\n".
          std::unique_ptr<sql::PreparedStatement> update(
              c.raw().prepareStatement(absl::StrCat(
                  "UPDATE staff_members SET advocacy_consent = TRUE, "
                  "social_accounts = CONCAT('",
                  kLinkedIn,
                  "\\t', ?, staff_member_id, '\\n'), update_time_us = ?, "
                  "version = version + 1 WHERE organization_id = ? AND "
                  "staff_member_id IN (",
                  db::RepeatedRows("?", n), ")")));
          int p = db::BindAt(*update, 1, BulkLinkedInHandle(""), now_us, org);
          for (size_t i = 0; i < n; ++i)
            p = db::BindAt(*update, p, ids[begin + i]);
          update->executeUpdate();

          db::InsertRows(
              c,
              "INSERT INTO staff_social_accounts (organization_id, network, "
              "handle_key, staff_member_id) VALUES ",
              "(?, ?, ?, ?)", n,
              [&](sql::PreparedStatement& s, int first, size_t i) {
                const std::string& id = ids[begin + i];
                // handle_key: lowercased without '@'; ids are lowercase
                // already.
                return db::BindAt(s, first, org, kLinkedIn,
                                  BulkLinkedInHandle(id), id);
              });
          return absl::OkStatus();
        }));
    CANDOR_RETURN_IF_ERROR(tx.Commit());
  }
  return absl::OkStatus();
}

}  // namespace candor::staff
