#include "services/staff/staff_repository.h"

#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
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
// No index on actor or subject: an export or erasure is rare and reads one
// organization's events once.
constexpr absl::string_view kListStaffEventsOf =
    "SELECT organization_id, sequence, time_us, actor, kind, subject, details "
    "FROM staff_events WHERE organization_id = ? AND (actor = ? OR subject = "
    "?) "
    "ORDER BY sequence";
constexpr absl::string_view kPseudonymizeEventActor =
    "UPDATE staff_events SET actor = ? WHERE organization_id = ? AND actor = ?";

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

void ClaimSocialAccounts(db::Connection& c, const StaffMemberRecord& r) {
  for (const SocialAccount& account : r.social_accounts) {
    auto& insert = c.Prepare(kInsertSocialAccount);
    insert.setString(1, r.organization_id);
    insert.setInt(2, account.network);
    insert.setString(3, HandleKey(account.handle));
    insert.setString(4, r.staff_member_id);
    insert.executeUpdate();
  }
}

absl::Status ClaimSocialAccountsOrExplain(db::Connection& c,
                                          const StaffMemberRecord& r,
                                          absl::string_view prefix) {
  try {
    ClaimSocialAccounts(c, r);
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() != 1062) throw;
    return absl::AlreadyExistsError(
        absl::StrCat(prefix,
                     "social_accounts: an account is already linked to another "
                     "staff member"));
  }
  return absl::OkStatus();
}

void BindOptional(sql::PreparedStatement& s, int index,
                  const std::optional<std::string>& value) {
  if (value.has_value()) {
    s.setString(index, *value);
    s.setString(index + 1, *value);
  } else {
    s.setNull(index, sql::DataType::VARCHAR);
    s.setNull(index + 1, sql::DataType::VARCHAR);
  }
}

void BindOptionalInt(sql::PreparedStatement& s, int index,
                     std::optional<int64_t> value) {
  if (value.has_value()) {
    s.setInt64(index, *value);
    s.setInt64(index + 1, *value);
  } else {
    s.setNull(index, sql::DataType::BIGINT);
    s.setNull(index + 1, sql::DataType::BIGINT);
  }
}

// The staff member `org`/`id` read by `select` (kSelectStaffMember or its
// FOR UPDATE form); NOT_FOUND naming them when there is none.
absl::StatusOr<StaffMemberRecord> SelectStaffMember(
    sql::PreparedStatement& select, absl::string_view org,
    absl::string_view id) {
  select.setString(1, std::string(org));
  select.setString(2, std::string(id));
  std::unique_ptr<sql::ResultSet> row(select.executeQuery());
  if (!row->next()) {
    return absl::NotFoundError(absl::StrCat(
        "organizations/", org, "/staffMembers/", id, " not found"));
  }
  return RowToStaffMember(*row);
}

// Binds the 13 columns a staff member's insert and update both write, from
// employee_id to deactivation_reason in CANDOR_STAFF_COLUMNS' order,
// starting at parameter `first`.
void BindProfile(sql::PreparedStatement& s, int first,
                 const StaffMemberRecord& r) {
  int i = first;
  s.setString(i++, r.employee_id);
  s.setString(i++, r.display_name);
  s.setString(i++, r.email);
  s.setString(i++, r.department);
  s.setString(i++, r.title);
  s.setString(i++, r.location);
  s.setString(i++, r.manager_id);
  s.setUInt(i++, r.roles);
  s.setInt(i++, static_cast<int>(r.state));
  s.setBoolean(i++, r.advocacy_consent);
  s.setString(i++, EncodeSocialAccounts(r.social_accounts));
  s.setString(i++, r.bio);
  s.setString(i++, r.deactivation_reason);
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

std::vector<StaffMemberRecord> ReadAll(sql::ResultSet& rows) {
  std::vector<StaffMemberRecord> result;
  while (rows.next()) result.push_back(RowToStaffMember(rows));
  return result;
}

}  // namespace

absl::Status StaffRepository::InsertOrganization(db::Transaction& tx,
                                                 const OrganizationRecord& o) {
  return db::Run("insert organization", tx, [&](db::Connection& c) {
    try {
      auto& insert = c.Prepare(kInsertOrganization);
      insert.setString(1, o.organization_id);
      insert.setString(2, o.display_name);
      insert.setString(3, o.founding_admin_id);
      insert.setInt64(4, o.create_time_us);
      insert.executeUpdate();
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() != 1062) throw;
      return absl::AlreadyExistsError(
          absl::StrCat("organization_id: organizations/", o.organization_id,
                       " already exists"));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<OrganizationRecord> StaffRepository::FindOrganization(
    absl::string_view org) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run("get organization", connection,
                 [&](db::Connection& c) -> absl::StatusOr<OrganizationRecord> {
                   auto& select = c.Prepare(kSelectOrganization);
                   select.setString(1, std::string(org));
                   std::unique_ptr<sql::ResultSet> row(select.executeQuery());
                   if (!row->next()) {
                     return absl::NotFoundError(
                         absl::StrCat("organizations/", org, " not found"));
                   }
                   return OrganizationRecord{
                       row->getString(1), row->getString(2), row->getString(3),
                       row->getInt64(4)};
                 });
}

absl::Status StaffRepository::LockOrganization(db::Transaction& tx,
                                               absl::string_view org) {
  return db::Run("lock organization", tx, [&](db::Connection& c) {
    auto& select = c.Prepare(kLockOrganization);
    select.setString(1, std::string(org));
    std::unique_ptr<sql::ResultSet> row(select.executeQuery());
    if (!row->next()) {
      return absl::NotFoundError(
          absl::StrCat("organizations/", org, " not found"));
    }
    return absl::OkStatus();
  });
}

absl::Status StaffRepository::InsertStaffMember(db::Transaction& tx,
                                                const StaffMemberRecord& r,
                                                absl::string_view prefix) {
  return db::Run("insert staff member", tx, [&](db::Connection& c) {
    try {
      auto& insert = c.Prepare(kInsertStaffMember);
      insert.setString(1, r.organization_id);
      insert.setString(2, r.staff_member_id);
      BindProfile(insert, 3, r);
      insert.setInt64(16, r.create_time_us);
      insert.setInt64(17, r.update_time_us);
      insert.setInt64(18, r.version);
      insert.setString(19, EmailKey(r.email));
      insert.executeUpdate();
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() != 1062) throw;
      return DuplicateStaffValue(e, prefix);
    }
    return ClaimSocialAccountsOrExplain(c, r, prefix);
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
  return db::Run("find staff member", tx,
                 [&](db::Connection& c) -> absl::StatusOr<bool> {
                   auto& select = c.Prepare(kStaffMemberExists);
                   select.setString(1, std::string(org));
                   select.setString(2, std::string(id));
                   std::unique_ptr<sql::ResultSet> row(select.executeQuery());
                   return row->next();
                 });
}

absl::Status StaffRepository::UpdateStaffMember(db::Transaction& tx,
                                                const StaffMemberRecord& r,
                                                bool social_accounts_changed,
                                                absl::string_view prefix) {
  return db::Run("update staff member", tx, [&](db::Connection& c) {
    try {
      auto& update = c.Prepare(kUpdateStaffMember);
      BindProfile(update, 1, r);
      update.setInt64(14, r.update_time_us);
      update.setInt64(15, r.version);
      update.setString(16, EmailKey(r.email));
      update.setString(17, r.organization_id);
      update.setString(18, r.staff_member_id);
      update.executeUpdate();
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() != 1062) throw;
      return DuplicateStaffValue(e, prefix);
    }
    if (!social_accounts_changed) return absl::OkStatus();
    auto& remove = c.Prepare(kDeleteSocialAccounts);
    remove.setString(1, r.organization_id);
    remove.setString(2, r.staff_member_id);
    remove.executeUpdate();
    return ClaimSocialAccountsOrExplain(c, r, prefix);
  });
}

absl::StatusOr<std::vector<StaffMemberRecord>>
StaffRepository::ListStaffMembers(absl::string_view org,
                                  const StaffFilter& filter,
                                  absl::string_view manager_id,
                                  absl::string_view after_id, int limit) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run(
      "list staff members", connection,
      [&](db::Connection& c) -> absl::StatusOr<std::vector<StaffMemberRecord>> {
        auto& select = c.Prepare(kListStaffMembers);
        select.setString(1, std::string(org));
        select.setString(2, std::string(after_id));
        BindOptional(select, 3, filter.department);
        BindOptional(select, 5, filter.location);
        BindOptional(select, 7, filter.title);
        BindOptional(select, 9, filter.employee_id);
        BindOptional(select, 11,
                     filter.manager.has_value()
                         ? std::optional<std::string>(manager_id)
                         : std::nullopt);
        BindOptionalInt(select, 13,
                        filter.state ? std::optional<int64_t>(
                                           static_cast<int>(*filter.state))
                                     : std::nullopt);
        BindOptionalInt(select, 15, filter.role);
        BindOptionalInt(select, 17,
                        filter.advocacy_consent
                            ? std::optional<int64_t>(*filter.advocacy_consent)
                            : std::nullopt);
        select.setInt(19, limit);
        std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
        return ReadAll(*rows);
      });
}

absl::StatusOr<int64_t> StaffRepository::CountActiveAdminsForUpdate(
    db::Transaction& tx, absl::string_view org) {
  return db::Run("count admins", tx,
                 [&](db::Connection& c) -> absl::StatusOr<int64_t> {
                   auto& select = c.Prepare(kCountActiveAdminsForUpdate);
                   select.setString(1, std::string(org));
                   std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
                   int64_t count = 0;
                   while (rows->next()) ++count;
                   return count;
                 });
}

absl::Status StaffRepository::AppendStaffEvent(db::Transaction& tx,
                                               StaffEventRecord* event) {
  return db::Run("append staff event", tx, [&](db::Connection& c) {
    auto& bump = c.Prepare(kBumpStaffEventHead);
    bump.setString(1, event->organization_id);
    bump.executeUpdate();
    auto& head = c.Prepare(kSelectStaffEventHead);
    head.setString(1, event->organization_id);
    std::unique_ptr<sql::ResultSet> row(head.executeQuery());
    if (!row->next()) {
      return absl::InternalError("staff event head missing after creation");
    }
    event->sequence = row->getInt64(1);
    auto& insert = c.Prepare(kInsertStaffEvent);
    insert.setString(1, event->organization_id);
    insert.setInt64(2, event->sequence);
    insert.setInt64(3, event->time_us);
    insert.setString(4, event->actor);
    insert.setString(5, event->kind);
    insert.setString(6, event->subject);
    insert.setString(7, event->details);
    insert.executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<StaffEventRecord>> StaffRepository::ListStaffEvents(
    absl::string_view org, int64_t after, int limit) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run(
      "list staff events", connection,
      [&](db::Connection& c) -> absl::StatusOr<std::vector<StaffEventRecord>> {
        auto& select = c.Prepare(kListStaffEvents);
        select.setString(1, std::string(org));
        select.setInt64(2, after);
        select.setInt(3, limit);
        std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
        std::vector<StaffEventRecord> events;
        while (rows->next()) events.push_back(StaffEventFromRow(*rows));
        return events;
      });
}

absl::StatusOr<std::vector<StaffEventRecord>>
StaffRepository::ListStaffEventsOf(absl::string_view org,
                                   absl::string_view name) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run(
      "list staff events of a person", connection,
      [&](db::Connection& c) -> absl::StatusOr<std::vector<StaffEventRecord>> {
        auto& select = c.Prepare(kListStaffEventsOf);
        select.setString(1, std::string(org));
        select.setString(2, std::string(name));
        select.setString(3, std::string(name));
        std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
        std::vector<StaffEventRecord> events;
        while (rows->next()) events.push_back(StaffEventFromRow(*rows));
        return events;
      });
}

absl::StatusOr<int64_t> StaffRepository::PseudonymizeEventActor(
    db::Transaction& tx, absl::string_view org, absl::string_view name,
    absl::string_view pseudonym) {
  return db::Run("pseudonymize staff event actor", tx,
                 [&](db::Connection& c) -> absl::StatusOr<int64_t> {
                   auto& update = c.Prepare(kPseudonymizeEventActor);
                   update.setString(1, std::string(pseudonym));
                   update.setString(2, std::string(org));
                   update.setString(3, std::string(name));
                   return static_cast<int64_t>(update.executeUpdate());
                 });
}

absl::StatusOr<std::vector<StaffMemberRecord>>
StaffRepository::ListAllForUpdate(db::Transaction& tx, absl::string_view org) {
  return db::Run(
      "read staff for import", tx,
      [&](db::Connection& c) -> absl::StatusOr<std::vector<StaffMemberRecord>> {
        auto& select = c.Prepare(kSelectAllStaffForUpdate);
        select.setString(1, std::string(org));
        std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
        return ReadAll(*rows);
      });
}

}  // namespace candor::staff
