#include "services/staff/staff_repository.h"

#include <cppconn/resultset.h>

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "db/statement.h"
#include "services/common/status_macros.h"

namespace candor::staff {
namespace {

// The column list every staff read selects, in RowToStaffMember's order.
#define CANDOR_STAFF_COLUMNS                                                  \
  "organization_id, staff_member_id, employee_id, display_name, email, "      \
  "department, title, location, manager_id, roles, state, advocacy_consent, " \
  "social_accounts, bio, deactivation_reason, create_time_us, "               \
  "update_time_us, version"

constexpr absl::string_view kInsertOrganization =
    "INSERT INTO organizations (organization_id, display_name, "
    "founding_admin_id, create_time_us) VALUES (?, ?, ?, ?)";
constexpr absl::string_view kSelectOrganization =
    "SELECT organization_id, display_name, founding_admin_id, create_time_us "
    "FROM organizations WHERE organization_id = ?";
constexpr absl::string_view kLockOrganization =
    "SELECT 1 FROM organizations WHERE organization_id = ? LOCK IN SHARE MODE";

constexpr absl::string_view kInsertStaffMember =
    "INSERT INTO staff_members (" CANDOR_STAFF_COLUMNS
    ", email_key) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kUpdateStaffMember =
    "UPDATE staff_members SET employee_id = ?, display_name = ?, email = ?, "
    "department = ?, title = ?, location = ?, manager_id = ?, roles = ?, "
    "state = ?, advocacy_consent = ?, social_accounts = ?, bio = ?, "
    "deactivation_reason = ?, update_time_us = ?, version = ?, email_key = ? "
    "WHERE organization_id = ? AND staff_member_id = ?";
constexpr absl::string_view kSelectStaffMember =
    "SELECT " CANDOR_STAFF_COLUMNS
    " FROM staff_members WHERE organization_id = ? AND staff_member_id = ?";
constexpr absl::string_view kSelectStaffMemberForUpdate =
    "SELECT " CANDOR_STAFF_COLUMNS
    " FROM staff_members WHERE organization_id = ? AND staff_member_id = ? "
    "FOR UPDATE";
constexpr absl::string_view kStaffMemberExists =
    "SELECT 1 FROM staff_members WHERE organization_id = ? AND staff_member_id "
    "= ?";
// Every filter term is optional: `? IS NULL` switches it off. One statement
// for every filter keeps statements named and prepared once; the primary key
// range (organization_id, staff_member_id > ?) bounds the scan.
constexpr absl::string_view kListStaffMembers =
    "SELECT " CANDOR_STAFF_COLUMNS
    " FROM staff_members WHERE organization_id = ? AND staff_member_id > ?"
    " AND (? IS NULL OR department = ?)"
    " AND (? IS NULL OR location = ?)"
    " AND (? IS NULL OR title = ?)"
    " AND (? IS NULL OR employee_id = ?)"
    " AND (? IS NULL OR manager_id = ?)"
    " AND (? IS NULL OR state = ?)"
    " AND (? IS NULL OR (roles & ?) <> 0)"
    " AND (? IS NULL OR advocacy_consent = ?)"
    " ORDER BY staff_member_id LIMIT ?";
constexpr absl::string_view kCountActiveAdminsForUpdate =
    "SELECT staff_member_id FROM staff_members WHERE organization_id = ? "
    "AND state = 1 AND (roles & 4) <> 0 FOR UPDATE";
constexpr absl::string_view kSelectAllStaffForUpdate =
    "SELECT " CANDOR_STAFF_COLUMNS
    " FROM staff_members WHERE organization_id = ? FOR UPDATE";
constexpr absl::string_view kInsertSocialAccount =
    "INSERT INTO staff_social_accounts (organization_id, network, handle_key, "
    "staff_member_id) VALUES (?, ?, ?, ?)";
constexpr absl::string_view kDeleteSocialAccounts =
    "DELETE FROM staff_social_accounts WHERE organization_id = ? AND "
    "staff_member_id = ?";
// Takes the head row's exclusive lock directly (see the migration).
constexpr absl::string_view kBumpStaffEventHead =
    "INSERT INTO staff_event_heads (organization_id, last_sequence) "
    "VALUES (?, 1) ON DUPLICATE KEY UPDATE last_sequence = last_sequence + 1";
constexpr absl::string_view kSelectStaffEventHead =
    "SELECT last_sequence FROM staff_event_heads WHERE organization_id = ?";
constexpr absl::string_view kInsertStaffEvent =
    "INSERT INTO staff_events (organization_id, sequence, time_us, actor, "
    "kind, subject, details) VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kListStaffEvents =
    "SELECT organization_id, sequence, time_us, actor, kind, subject, details "
    "FROM staff_events WHERE organization_id = ? AND sequence > ? "
    "ORDER BY sequence LIMIT ?";
// Two indexed halves (staff_events_by_actor, staff_events_by_subject, V0003)
// rather than "actor = ? OR subject = ?", for which the optimizer walks the
// organization's whole primary key to avoid sorting. UNION drops the
// duplicate of an event whose actor is its subject.
constexpr absl::string_view kListStaffEventsOf =
    "SELECT organization_id, sequence, time_us, actor, kind, subject, details "
    "FROM staff_events WHERE organization_id = ? AND actor = ? "
    "AND sequence > ? "
    "UNION "
    "SELECT organization_id, sequence, time_us, actor, kind, subject, details "
    "FROM staff_events WHERE organization_id = ? AND subject = ? "
    "AND sequence > ? "
    "ORDER BY sequence LIMIT ?";
constexpr absl::string_view kPseudonymizeEventActor =
    "UPDATE staff_events SET actor = ? WHERE organization_id = ? AND actor = ?";
constexpr absl::string_view kScrubEventDetailsOfSubject =
    "UPDATE staff_events SET details = ? WHERE organization_id = ? AND "
    "subject = ? AND kind <> ? AND details <> '' AND details <> ?";

#undef CANDOR_STAFF_COLUMNS

std::string EncodeSocialAccounts(const std::vector<SocialAccount>& accounts) {
  std::string out;
  for (const SocialAccount& a : accounts) {
    absl::StrAppend(&out, a.network, "\t", a.handle, "\n");
  }
  return out;
}

std::vector<SocialAccount> DecodeSocialAccounts(absl::string_view text) {
  std::vector<SocialAccount> accounts;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> parts =
        absl::StrSplit(line, absl::MaxSplits('\t', 1));
    SocialAccount account;
    if (absl::SimpleAtoi(parts.first, &account.network)) {
      account.handle = std::string(parts.second);
      accounts.push_back(std::move(account));
    }
  }
  return accounts;
}

StaffMemberRecord RowToStaffMember(sql::ResultSet& row) {
  StaffMemberRecord r;
  r.organization_id = row.getString(1);
  r.staff_member_id = row.getString(2);
  r.employee_id = row.getString(3);
  r.display_name = row.getString(4);
  r.email = row.getString(5);
  r.department = row.getString(6);
  r.title = row.getString(7);
  r.location = row.getString(8);
  r.manager_id = row.getString(9);
  r.roles = static_cast<uint32_t>(row.getUInt(10));
  r.state = static_cast<StaffState>(row.getInt(11));
  r.advocacy_consent = row.getBoolean(12);
  r.social_accounts = DecodeSocialAccounts(std::string(row.getString(13)));
  r.bio = row.getString(14);
  r.deactivation_reason = row.getString(15);
  r.create_time_us = row.getInt64(16);
  r.update_time_us = row.getInt64(17);
  r.version = row.getInt64(18);
  return r;
}

// A duplicate key on staff_members names the index at the end of the
// server's message ("Duplicate entry 'x' for key 'staff_by_email'"): tell the
// client which of its values is taken, without echoing the message (the
// value itself may contain an index name).
absl::Status DuplicateStaffValue(const sql::SQLException& e,
                                 absl::string_view prefix) {
  const std::string what = e.what();
  const size_t key_at = what.rfind("for key '");
  const std::string key =
      key_at == std::string::npos ? "" : what.substr(key_at + 9);
  if (key == "staff_by_email'") {
    return absl::AlreadyExistsError(absl::StrCat(
        prefix,
        "email: another staff member of the organization has this email"));
  }
  if (key == "staff_by_employee_id'") {
    return absl::AlreadyExistsError(absl::StrCat(
        prefix, "employee_id: another staff member has this employee_id"));
  }
  return absl::AlreadyExistsError("staff_member_id: already exists");
}

// Inserts the staff member's social accounts; ALREADY_EXISTS when one is
// linked to someone else.
absl::Status ClaimSocialAccounts(db::Connection& c, const StaffMemberRecord& r,
                                 absl::string_view prefix) {
  for (const SocialAccount& account : r.social_accounts) {
    auto& insert =
        db::Bind(c.Prepare(kInsertSocialAccount), r.organization_id,
                 account.network, HandleKey(account.handle), r.staff_member_id);
    CANDOR_RETURN_IF_ERROR(
        db::ExecuteUnique(insert, [&](const sql::SQLException&) {
          return absl::AlreadyExistsError(absl::StrCat(
              prefix,
              "social_accounts: an account is already linked to another "
              "staff member"));
        }));
  }
  return absl::OkStatus();
}

// The staff member `org`/`id` read by `select` (kSelectStaffMember or its
// FOR UPDATE form); NOT_FOUND naming them when there is none.
absl::StatusOr<StaffMemberRecord> SelectStaffMember(
    sql::PreparedStatement& select, absl::string_view org,
    absl::string_view id) {
  return db::ReadOneOr(db::Bind(select, org, id), RowToStaffMember, [&] {
    return absl::NotFoundError(absl::StrCat(
        "organizations/", org, "/staffMembers/", id, " not found"));
  });
}

// Binds the 13 columns a staff member's insert and update both write, from
// employee_id to deactivation_reason in CANDOR_STAFF_COLUMNS' order,
// starting at parameter `first`; returns the index after the last.
int BindProfile(sql::PreparedStatement& s, int first,
                const StaffMemberRecord& r) {
  return db::BindAt(
      s, first, r.employee_id, r.display_name, r.email, r.department, r.title,
      r.location, r.manager_id, r.roles, r.state, r.advocacy_consent,
      EncodeSocialAccounts(r.social_accounts), r.bio, r.deactivation_reason);
}

// A row of kListStaffEvents or kListStaffEventsOf.
StaffEventRecord StaffEventFromRow(sql::ResultSet& row) {
  StaffEventRecord e;
  e.organization_id = row.getString(1);
  e.sequence = row.getInt64(2);
  e.time_us = row.getInt64(3);
  e.actor = row.getString(4);
  e.kind = row.getString(5);
  e.subject = row.getString(6);
  e.details = row.getString(7);
  return e;
}

absl::Status OrganizationNotFound(absl::string_view org) {
  return absl::NotFoundError(absl::StrCat("organizations/", org, " not found"));
}

}  // namespace

absl::Status StaffRepository::InsertOrganization(db::Transaction& tx,
                                                 const OrganizationRecord& o) {
  return db::Run("insert organization", tx, [&](db::Connection& c) {
    auto& insert =
        db::Bind(c.Prepare(kInsertOrganization), o.organization_id,
                 o.display_name, o.founding_admin_id, o.create_time_us);
    return db::ExecuteUnique(insert, [&](const sql::SQLException&) {
      return absl::AlreadyExistsError(
          absl::StrCat("organization_id: organizations/", o.organization_id,
                       " already exists"));
    });
  });
}

absl::StatusOr<OrganizationRecord> StaffRepository::FindOrganization(
    absl::string_view org) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run("get organization", connection,
                 [&](db::Connection& c) -> absl::StatusOr<OrganizationRecord> {
                   return db::ReadOneOr(
                       db::Bind(c.Prepare(kSelectOrganization), org),
                       [](sql::ResultSet& row) {
                         return OrganizationRecord{
                             row.getString(1), row.getString(2),
                             row.getString(3), row.getInt64(4)};
                       },
                       [&] { return OrganizationNotFound(org); });
                 });
}

absl::Status StaffRepository::LockOrganization(db::Transaction& tx,
                                               absl::string_view org) {
  return db::Run("lock organization", tx, [&](db::Connection& c) {
    if (!db::ReadOne(db::Bind(c.Prepare(kLockOrganization), org),
                     db::FirstInt64)) {
      return OrganizationNotFound(org);
    }
    return absl::OkStatus();
  });
}

absl::Status StaffRepository::InsertStaffMember(db::Transaction& tx,
                                                const StaffMemberRecord& r,
                                                absl::string_view prefix) {
  return db::Run("insert staff member", tx, [&](db::Connection& c) {
    auto& insert = c.Prepare(kInsertStaffMember);
    const int next = BindProfile(
        insert, db::BindAt(insert, 1, r.organization_id, r.staff_member_id), r);
    db::BindAt(insert, next, r.create_time_us, r.update_time_us, r.version,
               EmailKey(r.email));
    CANDOR_RETURN_IF_ERROR(
        db::ExecuteUnique(insert, [&](const sql::SQLException& e) {
          return DuplicateStaffValue(e, prefix);
        }));
    return ClaimSocialAccounts(c, r, prefix);
  });
}

absl::StatusOr<StaffMemberRecord> StaffRepository::FindStaffMember(
    absl::string_view org, absl::string_view id) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run("get staff member", connection, [&](db::Connection& c) {
    return SelectStaffMember(c.Prepare(kSelectStaffMember), org, id);
  });
}

absl::StatusOr<StaffMemberRecord> StaffRepository::FindStaffMemberForUpdate(
    db::Transaction& tx, absl::string_view org, absl::string_view id) {
  return db::Run("lock staff member", tx, [&](db::Connection& c) {
    return SelectStaffMember(c.Prepare(kSelectStaffMemberForUpdate), org, id);
  });
}

absl::StatusOr<bool> StaffRepository::StaffMemberExists(db::Transaction& tx,
                                                        absl::string_view org,
                                                        absl::string_view id) {
  return db::Run(
      "find staff member", tx, [&](db::Connection& c) -> absl::StatusOr<bool> {
        return db::ReadOne(db::Bind(c.Prepare(kStaffMemberExists), org, id),
                           db::FirstInt64)
            .has_value();
      });
}

absl::Status StaffRepository::UpdateStaffMember(db::Transaction& tx,
                                                const StaffMemberRecord& r,
                                                bool social_accounts_changed,
                                                absl::string_view prefix) {
  return db::Run("update staff member", tx, [&](db::Connection& c) {
    auto& update = c.Prepare(kUpdateStaffMember);
    db::BindAt(update, BindProfile(update, 1, r), r.update_time_us, r.version,
               EmailKey(r.email), r.organization_id, r.staff_member_id);
    CANDOR_RETURN_IF_ERROR(
        db::ExecuteUnique(update, [&](const sql::SQLException& e) {
          return DuplicateStaffValue(e, prefix);
        }));
    if (!social_accounts_changed) return absl::OkStatus();
    db::Bind(c.Prepare(kDeleteSocialAccounts), r.organization_id,
             r.staff_member_id)
        .executeUpdate();
    return ClaimSocialAccounts(c, r, prefix);
  });
}

absl::StatusOr<std::vector<StaffMemberRecord>>
StaffRepository::ListStaffMembers(absl::string_view org,
                                  const StaffFilter& filter,
                                  absl::string_view manager_id,
                                  absl::string_view after_id, int limit) {
  const std::optional<std::string> manager =
      filter.manager.has_value() ? std::optional<std::string>(manager_id)
                                 : std::nullopt;
  return db::QueryAll(*pool_, "list staff members", kListStaffMembers,
                      RowToStaffMember, org, after_id, filter.department,
                      filter.department, filter.location, filter.location,
                      filter.title, filter.title, filter.employee_id,
                      filter.employee_id, manager, manager, filter.state,
                      filter.state, filter.role, filter.role,
                      filter.advocacy_consent, filter.advocacy_consent, limit);
}

absl::StatusOr<int64_t> StaffRepository::CountActiveAdminsForUpdate(
    db::Transaction& tx, absl::string_view org) {
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<std::string> admins,
      db::QueryAll(tx, "count admins", kCountActiveAdminsForUpdate,
                   db::FirstString, org));
  return static_cast<int64_t>(admins.size());
}

absl::Status StaffRepository::AppendStaffEvent(db::Transaction& tx,
                                               StaffEventRecord* event) {
  return db::Run("append staff event", tx, [&](db::Connection& c) {
    db::Bind(c.Prepare(kBumpStaffEventHead), event->organization_id)
        .executeUpdate();
    CANDOR_ASSIGN_OR_RETURN(
        event->sequence,
        db::ReadOneOr(
            db::Bind(c.Prepare(kSelectStaffEventHead), event->organization_id),
            db::FirstInt64, [] {
              return absl::InternalError(
                  "staff event head missing after creation");
            }));
    db::Bind(c.Prepare(kInsertStaffEvent), event->organization_id,
             event->sequence, event->time_us, event->actor, event->kind,
             event->subject, event->details)
        .executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<StaffEventRecord>> StaffRepository::ListStaffEvents(
    absl::string_view org, int64_t after, int limit) {
  return db::QueryAll(*pool_, "list staff events", kListStaffEvents,
                      StaffEventFromRow, org, after, limit);
}

absl::StatusOr<std::vector<StaffEventRecord>>
StaffRepository::ListStaffEventsOf(absl::string_view org,
                                   absl::string_view name, int64_t after,
                                   int limit) {
  return db::QueryAll(*pool_, "list staff events of a person",
                      kListStaffEventsOf, StaffEventFromRow, org, name, after,
                      org, name, after, limit);
}

absl::StatusOr<int64_t> StaffRepository::PseudonymizeEventActor(
    db::Transaction& tx, absl::string_view org, absl::string_view name,
    absl::string_view pseudonym) {
  return db::Run("pseudonymize staff event actor", tx,
                 [&](db::Connection& c) -> absl::StatusOr<int64_t> {
                   return int64_t{db::Bind(c.Prepare(kPseudonymizeEventActor),
                                           pseudonym, org, name)
                                      .executeUpdate()};
                 });
}

absl::StatusOr<int64_t> StaffRepository::ScrubEventDetailsOfSubject(
    db::Transaction& tx, absl::string_view org, absl::string_view name,
    absl::string_view keep_kind, absl::string_view text) {
  return db::Run(
      "scrub staff event details", tx,
      [&](db::Connection& c) -> absl::StatusOr<int64_t> {
        return int64_t{db::Bind(c.Prepare(kScrubEventDetailsOfSubject), text,
                                org, name, keep_kind, text)
                           .executeUpdate()};
      });
}

absl::StatusOr<std::vector<StaffMemberRecord>>
StaffRepository::ListAllForUpdate(db::Transaction& tx, absl::string_view org) {
  return db::QueryAll(tx, "read staff for import", kSelectAllStaffForUpdate,
                      RowToStaffMember, org);
}

}  // namespace candor::staff
