// End to end: the documented backup and restore of the local deployment
// (deploy/local/backup and deploy/local/restore, both thin wrappers over
// `deploy/local/mariadb backup|restore`). Two organizations collect audit
// entries through the real candord and candorctl (ruleset publications,
// decisions, a role change); a backup is taken while candord serves and one
// organization keeps deciding posts; it is restored into a fresh MariaDB, a
// second candord starts over it, and every organization's audit chain
// verifies there, entry for entry the chain as it stood at one moment. A
// restore into an instance that already holds Candor data is refused.
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "candor/advocacy/v1/advocacy.pb.h"
#include "candor/transparency/v1/transparency.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/e2e.h"
#include "tests/support/test_database.h"

namespace candor::testing {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;

std::string MariadbScript() { return SourceDir() + "/deploy/local/mariadb"; }

// A new temporary directory (short: the socket path limit), removed at the
// end of the test with the MariaDB started in it.
class FreshDirectory {
 public:
  FreshDirectory() {
    char pattern[] = "/tmp/candor-restore-XXXXXX";
    if (mkdtemp(pattern) != nullptr) dir_ = pattern;
  }
  ~FreshDirectory() {
    if (!db_dir_.empty()) RunCommand({MariadbScript(), "stop", db_dir_});
    if (!dir_.empty()) RunCommand({"/bin/rm", "-rf", dir_});
  }

  const std::string& dir() const { return dir_; }
  void StopDatabaseAtEnd(const std::string& db_dir) { db_dir_ = db_dir; }

 private:
  std::string dir_;
  std::string db_dir_;
};

class BackupRestoreTest : public E2eTest {
 protected:
  // Publishes the shipped ruleset, adds two advocates who each post, and
  // promotes one of them to reviewer: every kind of audit entry.
  void CollectAuditEntries(const E2eOrg& org) {
    const std::string ruleset = SourceDir() + "/deploy/rulesets/default.textpb";
    const CommandResult published =
        server_->Ctl(org.admin_token, {"rules", "publish", org.id, ruleset});
    ASSERT_EQ(published.exit_code, 0) << published;
    for (int i = 0; i < 2; ++i) {
      const std::string id = absl::StrCat("person", i);
      const CommandResult created =
          server_->Ctl(org.admin_token,
                       {"staff", "create", org.id, "--id", id, "--employee-id",
                        "E" + id, "--display-name", "Person " + id, "--email",
                        id + "@" + org.id + ".example"});
      ASSERT_EQ(created.exit_code, 0) << created;
      std::string token;
      ASSERT_NO_FATAL_FAILURE(
          server_->MintStaffToken(org, id, {"employee"}, &token));
      const std::string name = org.name + "/staffMembers/" + id;
      const CommandResult consented =
          server_->Ctl(token, {"staff", "update", name, "--consent", "true",
                               "--social", "linkedin:" + id + "-" + org.id});
      ASSERT_EQ(consented.exit_code, 0) << consented;
      const CommandResult post = server_->Ctl(
          token, {"-o", "json", "posts", "create", org.id, "--network",
                  "linkedin", "--text",
                  "#ad What I learned this quarter at " + org.id + ", part " +
                      id + ": ask me how our team ships."});
      ASSERT_EQ(post.exit_code, 0) << post;
      advocacypb::Post draft;
      ASSERT_TRUE(ParseJson(post.out, &draft));
      const CommandResult submitted =
          server_->Ctl(token, {"posts", "submit", draft.name()});
      ASSERT_EQ(submitted.exit_code, 0) << submitted;
    }
    const CommandResult promoted = server_->Ctl(
        org.admin_token, {"staff", "update", org.name + "/staffMembers/person0",
                          "--role", "employee", "--role", "reviewer"});
    ASSERT_EQ(promoted.exit_code, 0) << promoted;
  }

  // `audit list --all -o json` of `org` on `server`, with an admin token
  // minted by that server.
  static std::string AuditJson(const E2eServer& server, const E2eOrg& org) {
    std::string token;
    server.MintStaffToken(org, org.admin_name, {"employee", "admin"}, &token);
    const CommandResult listed =
        server.Ctl(token, {"-o", "json", "audit", "list", org.id, "--all"});
    EXPECT_EQ(listed.exit_code, 0) << listed;
    return listed.out;
  }

  // The entries of `audit list --all -o json` (a JSON array).
  static std::vector<transparencypb::AuditEntry> AuditEntries(
      const std::string& json) {
    transparencypb::ListAuditEntriesResponse listed;
    EXPECT_TRUE(ParseJson("{\"auditEntries\": " + json + "}", &listed));
    return {listed.audit_entries().begin(), listed.audit_entries().end()};
  }

  static CommandResult Verify(const E2eServer& server, const E2eOrg& org) {
    std::string token;
    server.MintStaffToken(org, org.admin_name, {"employee", "admin"}, &token);
    return server.Ctl(token, {"audit", "verify", org.id});
  }
};

TEST_F(BackupRestoreTest, ARestoredBackupHoldsEveryAuditChainIntact) {
  E2eOrg first, second;
  ASSERT_NO_FATAL_FAILURE(server_->CreateOrg("bk", &first));
  ASSERT_NO_FATAL_FAILURE(server_->CreateOrg("bk", &second));
  ASSERT_NO_FATAL_FAILURE(CollectAuditEntries(first));
  ASSERT_NO_FATAL_FAILURE(CollectAuditEntries(second));
  // The staff events reach the audit log when transparency next reads them;
  // verify first so both chains are complete before they are compared.
  for (const E2eOrg* org : {&first, &second}) {
    const CommandResult verified = Verify(*server_, *org);
    ASSERT_EQ(verified.exit_code, 0) << verified;
  }
  const std::string first_audit = AuditJson(*server_, first);
  const std::string second_audit = AuditJson(*server_, second);
  EXPECT_THAT(first_audit, HasSubstr("decision.create"));
  EXPECT_THAT(first_audit, HasSubstr("ruleset.publish"));

  // While the backup runs, the first organization keeps deciding posts
  // (each a decision and an audit entry), so the snapshot is taken in the
  // middle of writes.
  std::string writer_token;
  ASSERT_NO_FATAL_FAILURE(
      server_->MintStaffToken(first, "person1", {"employee"}, &writer_token));
  std::atomic<bool> stop_writing{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 0; !stop_writing; ++i) {
      const CommandResult post = server_->Ctl(
          writer_token,
          {"-o", "json", "posts", "create", first.id, "--network", "linkedin",
           "--text",
           absl::StrCat("#ad Week ", i, " at ", first.id,
                        ": what our team learned shipping search.")});
      advocacypb::Post draft;
      if (post.exit_code != 0 || !ParseJson(post.out, &draft)) continue;
      if (server_->Ctl(writer_token, {"posts", "submit", draft.name()})
              .exit_code == 0) {
        ++written;
      }
    }
  });
  while (written < 1) absl::SleepFor(absl::Milliseconds(50));

  // The backup, as documented, while candord keeps serving. The scripts
  // find the server at $CANDOR_VAR/mariadb: point that at the test's.
  const std::string var = server_->dir() + "/var";
  const std::string backup = server_->dir() + "/candor.sql.gz";
  ASSERT_EQ(mkdir(var.c_str(), 0700), 0);
  ASSERT_EQ(symlink(TestDatabase::Get().directory().c_str(),
                    (var + "/mariadb").c_str()),
            0);
  const CommandResult backed_up = RunCommand(
      {SourceDir() + "/deploy/local/backup", backup}, {"CANDOR_VAR=" + var});
  stop_writing = true;
  writer.join();
  ASSERT_EQ(backed_up.exit_code, 0) << backed_up;
  const std::vector<transparencypb::AuditEntry> first_final =
      AuditEntries(AuditJson(*server_, first));

  // Restored into a fresh deployment directory, then served from there.
  FreshDirectory fresh;
  ASSERT_FALSE(fresh.dir().empty());
  const CommandResult restored =
      RunCommand({SourceDir() + "/deploy/local/restore", backup},
                 {"CANDOR_VAR=" + fresh.dir()});
  ASSERT_EQ(restored.exit_code, 0) << restored;
  const std::string db_dir = fresh.dir() + "/mariadb";
  const CommandResult started = RunCommand({MariadbScript(), "start", db_dir});
  ASSERT_EQ(started.exit_code, 0) << started;
  fresh.StopDatabaseAtEnd(db_dir);

  E2eServer restored_server({db_dir + "/mysqld.sock", db_dir + "/db.password"});
  const std::string error = restored_server.Start();
  ASSERT_EQ(error, "");
  for (const E2eOrg* org : {&first, &second}) {
    const CommandResult verified = Verify(restored_server, *org);
    EXPECT_EQ(verified.exit_code, 0) << verified;
    EXPECT_THAT(
        verified.out,
        ContainsRegex(
            "^ok: [0-9]+ entries checked against the signed tree head\n"))
        << verified;
  }
  // The first organization's chain as restored is the chain as it stood at
  // one moment: the entries before the backup, then a run of the ones
  // written during it, entry for entry.
  const std::vector<transparencypb::AuditEntry> first_restored =
      AuditEntries(AuditJson(restored_server, first));
  ASSERT_GE(first_restored.size(), AuditEntries(first_audit).size());
  ASSERT_LE(first_restored.size(), first_final.size());
  for (size_t i = 0; i < first_restored.size(); ++i) {
    EXPECT_EQ(first_restored[i].SerializeAsString(),
              first_final[i].SerializeAsString())
        << "entry " << i + 1;
  }
  EXPECT_EQ(AuditJson(restored_server, second), second_audit);

  // A second restore would mix two histories: refused, nothing changed.
  const CommandResult again =
      RunCommand({MariadbScript(), "restore", db_dir, backup});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_THAT(again.err, HasSubstr("restore into a fresh instance")) << again;
  EXPECT_EQ(AuditEntries(AuditJson(restored_server, first)).size(),
            first_restored.size());
  restored_server.Stop();
}

}  // namespace
}  // namespace candor::testing
