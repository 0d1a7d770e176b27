// End to end: `candorctl staff export` and `candorctl staff erase` against
// the real candord, as an HR administrator would run them.
#include <google/protobuf/util/message_differencer.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "candor/privacy/v1/privacy.pb.h"
#include "candor/staff/v1/staff.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/e2e.h"

namespace candor::testing {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kBio[] = "Weekend potter and part-time astronomer.";

class PrivacyEndToEndTest : public E2eTest {};

TEST_F(PrivacyEndToEndTest, AdminExportsThenErasesAPerson) {
  E2eOrg org;
  ASSERT_NO_FATAL_FAILURE(server_->CreateOrg("privacy", &org));
  const CommandResult created = server_->Ctl(
      org.admin_token,
      {"-o", "json", "staff", "create", org.id, "--employee-id", "E0042",
       "--display-name", "Hedy Lamarr", "--email", "hedy@example.com"});
  ASSERT_EQ(created.exit_code, 0) << created;
  staffpb::StaffMember member;
  ASSERT_TRUE(ParseJson(created.out, &member));
  const std::string name = member.name();
  std::string own_token;
  ASSERT_NO_FATAL_FAILURE(
      server_->MintStaffToken(org, name, {"employee"}, &own_token));
  const CommandResult bio =
      server_->Ctl(own_token, {"staff", "update", name, "--bio", kBio});
  ASSERT_EQ(bio.exit_code, 0) << bio;

  // Export to a file only its owner can read; it holds their data.
  const std::string file = server_->dir() + "/hedy-export.json";
  const CommandResult exported =
      server_->Ctl(org.admin_token, {"staff", "export", name, "--out", file});
  ASSERT_EQ(exported.exit_code, 0) << exported;
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  privacypb::StaffDataExport document;
  ASSERT_TRUE(ParseJson(ReadFile(file), &document));
  EXPECT_EQ(document.staff_member(), name);
  EXPECT_EQ(document.staff().staff_member().email(), "hedy@example.com");
  EXPECT_EQ(document.staff().staff_member().bio(), kBio);

  // In pages of one row, candorctl merges the same document (and the
  // second export's own staff event).
  const std::string paged_file = server_->dir() + "/hedy-export-paged.json";
  const CommandResult paged_export = server_->Ctl(
      org.admin_token,
      {"staff", "export", name, "--out", paged_file, "--page-size", "1"});
  ASSERT_EQ(paged_export.exit_code, 0) << paged_export;
  privacypb::StaffDataExport paged;
  ASSERT_TRUE(ParseJson(ReadFile(paged_file), &paged));
  ASSERT_EQ(paged.staff().events_size(), document.staff().events_size() + 1);
  EXPECT_EQ(paged.staff().events().rbegin()->kind(), "staff.export");
  paged.mutable_staff()->mutable_events()->RemoveLast();
  paged.clear_export_time();
  privacypb::StaffDataExport single = document;
  single.clear_export_time();
  EXPECT_TRUE(MessageDifferencer::Equals(single, paged))
      << ReadFile(file) << "\n"
      << ReadFile(paged_file);

  // Not for the person themself, nor any non-admin.
  const CommandResult refused =
      server_->Ctl(own_token, {"staff", "export", name});
  EXPECT_EQ(refused.exit_code, 1) << refused;

  // Without --yes and without a terminal to ask on, nothing is erased.
  const CommandResult unconfirmed =
      server_->Ctl(org.admin_token, {"staff", "erase", name});
  EXPECT_EQ(unconfirmed.exit_code, 2) << unconfirmed;
  EXPECT_THAT(unconfirmed.err, HasSubstr("--yes"));
  const CommandResult still =
      server_->Ctl(org.admin_token, {"-o", "json", "staff", "get", name});
  ASSERT_EQ(still.exit_code, 0) << still;
  EXPECT_THAT(still.out, HasSubstr("Hedy Lamarr"));

  const CommandResult erased = server_->Ctl(
      org.admin_token, {"-o", "json", "staff", "erase", name, "--yes"});
  ASSERT_EQ(erased.exit_code, 0) << erased;
  privacypb::EraseStaffMemberResponse response;
  ASSERT_TRUE(ParseJson(erased.out, &response));
  EXPECT_TRUE(absl::StartsWith(response.pseudonym(), "erased-")) << erased;
  const CommandResult table =
      server_->Ctl(org.admin_token, {"staff", "erase", name, "--yes"});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_THAT(table.out, HasSubstr("now known as " + response.pseudonym()));

  const CommandResult after =
      server_->Ctl(org.admin_token, {"-o", "json", "staff", "get", name});
  ASSERT_EQ(after.exit_code, 0) << after;
  staffpb::StaffMember now;
  ASSERT_TRUE(ParseJson(after.out, &now));
  EXPECT_EQ(now.display_name(), response.pseudonym());
  EXPECT_EQ(now.state(), staffpb::StaffMember::ERASED);

  const CommandResult again =
      server_->Ctl(org.admin_token, {"staff", "export", name});
  ASSERT_EQ(again.exit_code, 0) << again;
  for (const char* gone : {"Hedy Lamarr", "hedy@example.com", kBio, "E0042"}) {
    EXPECT_THAT(again.out, Not(HasSubstr(gone)));
  }

  const CommandResult verified =
      server_->Ctl(org.admin_token, {"audit", "verify", org.id});
  ASSERT_EQ(verified.exit_code, 0) << verified;
  EXPECT_THAT(
      verified.out,
      ContainsRegex(
          "^ok: [0-9]+ entries checked against the signed tree head\n"));
  const CommandResult audit =
      server_->Ctl(org.admin_token, {"audit", "list", org.id, "--all"});
  ASSERT_EQ(audit.exit_code, 0) << audit;
  EXPECT_THAT(audit.out, ContainsRegex(" staff\\.export +" + name + "\n"));
  EXPECT_THAT(audit.out, ContainsRegex(" staff\\.erase +" + name + "\n"));
}

}  // namespace
}  // namespace candor::testing
