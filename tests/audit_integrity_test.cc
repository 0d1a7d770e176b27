// A log nobody can quietly rewrite (docs/AUDIT.md), against a real
// database: someone with write access to candor_transparency edits, deletes,
// swaps and rewrites audit entries, and both the server's VerifyAuditLog and
// a verifier that trusts nothing from the server (the entries as listed,
// checked with audit_chain.h, merkle.h and tree_head.h, as candorctl does)
// name the first bad entry; a rewrite that recomputed every hash is caught
// through a tree head saved before it. Erasure keeps the log verifiable, the
// proofs verify, and an old (version 1) log is verified and joins the tree.
// Each tamper case prints its result ("[tamper] ...") for the record.
#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "candor/transparency/v1/transparency.grpc.pb.h"
#include "clients/cli/audit_verify.h"
#include "db/pool.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/transparency/audit_chain.h"
#include "services/transparency/merkle.h"
#include "services/transparency/tree_head.h"
#include "tests/support/test_builders.h"
#include "tests/support/test_callers.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace candor::testing {
namespace {

namespace tpb = ::candor::transparency::v1;
using ::candor::transparency::AuditEntryRecord;
using ::candor::transparency::AuditLogVerifier;
using ::candor::transparency::TreeHead;
namespace merkle = ::candor::transparency::merkle;
using grpc::StatusCode;
using ::testing::HasSubstr;

constexpr char kReason[] = "Grace Hopper-Quinn left for a rival, sadly";

// The conversions candorctl uses (clients/cli/audit_verify.h), so the
// test checks what a user's client checks.
TreeHead HeadOf(const tpb::AuditTreeHead& head) {
  absl::StatusOr<TreeHead> converted = cli::TreeHeadOf(head);
  EXPECT_TRUE(converted.ok()) << converted.status();
  return converted.ok() ? *std::move(converted) : TreeHead{};
}

merkle::Hash RootOf(const tpb::AuditTreeHead& head) {
  return HeadOf(head).root_hash;
}

std::vector<merkle::Hash> ProofOf(
    const google::protobuf::RepeatedPtrField<std::string>& hashes) {
  absl::StatusOr<std::vector<merkle::Hash>> converted = cli::HashesOf(hashes);
  EXPECT_TRUE(converted.ok()) << converted.status();
  return converted.ok() ? *std::move(converted) : std::vector<merkle::Hash>{};
}

// What a client that trusts nothing concludes about the log.
struct ClientVerdict {
  int64_t first_bad_sequence = 0;
  std::string problem;
  // The leaves recomputed from the entries (not their hash fields).
  std::vector<merkle::Hash> leaves;
};

class AuditIntegrityTest : public OrgTest {
 protected:
  AuditIntegrityTest() : OrgTest("audit"), service_token_(ServiceToken(org_)) {
    db::ConnectionOptions options = TestDatabase::Get().options();
    options.schema = "candor_transparency";
    auto connection = db::Connection::Open(options);
    EXPECT_TRUE(connection.ok()) << connection.status();
    db_ = *std::move(connection);
  }

  std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token) {
    return TestServer::Context(token);
  }

  // A log of several kinds of entries: the default ruleset's publication,
  // decisions, a role change and a deactivation with a free-text reason.
  void MakeLog() {
    author_ = MakePerson(org_, "A1");
    leaver_ = MakePerson(org_, "L1", {staffpb::StaffMember::REVIEWER});
    for (int i = 0; i < 3; ++i) {
      MustSubmitPost(author_, org_.name,
                     absl::StrCat("I work at Test Company ", org_.id,
                                  ". Our team shipped release ", i, " today."));
    }
    staffpb::DeactivateStaffMemberRequest deactivate;
    deactivate.set_name(leaver_.name());
    deactivate.set_reason(kReason);
    staffpb::StaffMember out;
    ASSERT_TRUE(staff_
                    ->DeactivateStaffMember(Ctx(org_.admin_token).get(),
                                            deactivate, &out)
                    .ok());
    ASSERT_GE(Entries().size(), 5u);
  }

  std::vector<tpb::AuditEntry> Entries() {
    return AuditLog(org_.admin_token, org_.name, /*page_size=*/100);
  }

  tpb::VerifyAuditLogResponse ServerVerify() {
    tpb::VerifyAuditLogRequest request;
    request.set_parent(org_.name);
    tpb::VerifyAuditLogResponse response;
    grpc::Status status = transparency_->VerifyAuditLog(
        Ctx(author_.token).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  ClientVerdict ClientVerify() {
    ClientVerdict verdict;
    AuditLogVerifier verifier;
    for (const tpb::AuditEntry& e : Entries()) {
      if (!verifier.Check(cli::AuditEntryRecordOf(e))) break;
      verdict.leaves.push_back(
          merkle::LeafHash(absl::HexStringToBytes(verifier.last_hash())));
    }
    verifier.Finish();
    verdict.first_bad_sequence = verifier.first_bad_sequence();
    verdict.problem = verifier.problem();
    return verdict;
  }

  // The server and the client agree; the sequence they name.
  int64_t FirstBad(const std::string& label) {
    const tpb::VerifyAuditLogResponse server = ServerVerify();
    const ClientVerdict client = ClientVerify();
    EXPECT_EQ(server.first_bad_sequence(), client.first_bad_sequence) << label;
    std::cout << "[tamper] " << label << ": first bad entry "
              << client.first_bad_sequence << " ("
              << (client.problem.empty() ? "ok" : client.problem) << ")\n";
    return client.first_bad_sequence;
  }

  tpb::AuditTreeHead Head(int64_t tree_size = 0) {
    tpb::GetAuditTreeHeadRequest request;
    request.set_parent(org_.name);
    request.set_tree_size(tree_size);
    tpb::AuditTreeHead head;
    grpc::Status status = transparency_->GetAuditTreeHead(
        Ctx(author_.token).get(), request, &head);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return head;
  }

  int Sql(const std::string& statement) {
    std::unique_ptr<sql::PreparedStatement> s(
        db_->raw().prepareStatement(statement));
    return s->executeUpdate();
  }

  std::string Where(int64_t sequence) {
    return absl::StrCat(" WHERE organization_id = '", org_.id,
                        "' AND sequence = ", sequence);
  }

  std::unique_ptr<db::Connection> db_;
  std::string service_token_;
  TestPerson author_;
  TestPerson leaver_;
};

TEST_F(AuditIntegrityTest, EveryColumnEditedNamesTheEntry) {
  MakeLog();
  ASSERT_EQ(FirstBad("untouched"), 0);
  const int64_t k = 3;
  // Every column of audit_entries, from the schema itself, so a column
  // added later is tampered with too.
  std::vector<std::string> columns;
  {
    std::unique_ptr<sql::PreparedStatement> s(db_->raw().prepareStatement(
        "SELECT column_name FROM information_schema.columns WHERE "
        "table_schema = 'candor_transparency' AND table_name = "
        "'audit_entries' ORDER BY ordinal_position"));
    std::unique_ptr<sql::ResultSet> rows(s->executeQuery());
    while (rows->next()) columns.push_back(rows->getString(1));
  }
  ASSERT_GE(columns.size(), 14u);
  for (const std::string& column : columns) {
    // Keep the row to put it back after each case.
    Sql("CREATE TEMPORARY TABLE IF NOT EXISTS saved LIKE audit_entries");
    Sql("DELETE FROM saved");
    Sql("INSERT INTO saved SELECT * FROM audit_entries" + Where(k));
    std::string edit;
    if (column == "organization_id") {
      edit = "organization_id = 'someone-else'";
    } else if (column == "sequence") {
      edit = "sequence = sequence + 1000";
    } else if (column == "time_us" || column == "chain_version") {
      edit = column + " = " + column + " + 1";
    } else if (column == "details_redacted") {
      edit = "details_redacted = 1, details = '', details_salt = ''";
    } else if (column == "actor") {
      // Who approved it, changed to someone else.
      edit = absl::StrCat("actor = '", org_.name, "/staffMembers/forged'");
    } else if (column == "details") {
      edit = "details = CONCAT(details, ' (edited)')";
    } else {
      // Hex and names: reversed keeps the width (CHAR(64) columns).
      edit = column + " = REVERSE(" + column + ")";
    }
    ASSERT_EQ(Sql("UPDATE audit_entries SET " + edit + Where(k)), 1) << column;
    EXPECT_EQ(FirstBad("column " + column + " of entry 3"), k) << column;
    Sql("DELETE FROM audit_entries WHERE organization_id = '" + org_.id +
        "' AND sequence IN (" + std::to_string(k) + ", " +
        std::to_string(k + 1000) + ")");
    Sql("DELETE FROM audit_entries WHERE organization_id = 'someone-else'");
    Sql("INSERT INTO audit_entries SELECT * FROM saved");
    ASSERT_EQ(FirstBad("restored after " + column), 0) << column;
  }
}

TEST_F(AuditIntegrityTest, DeletedAndSwappedEntriesAreFound) {
  MakeLog();
  auto swap = [&] {
    Sql("UPDATE audit_entries SET sequence = 1000" + Where(2));
    Sql("UPDATE audit_entries SET sequence = 2" + Where(3));
    Sql("UPDATE audit_entries SET sequence = 3" + Where(1000));
  };
  swap();
  EXPECT_EQ(FirstBad("entries 2 and 3 swapped"), 2);
  swap();
  ASSERT_EQ(FirstBad("swapped back"), 0);
  ASSERT_EQ(Sql("DELETE FROM audit_entries" + Where(2)), 1);
  EXPECT_EQ(FirstBad("entry 2 deleted"), 2);
}

TEST_F(AuditIntegrityTest, ARewriteWithEveryHashRecomputedFailsTheSavedHead) {
  MakeLog();
  const tpb::AuditTreeHead saved = Head();
  const TreeHead saved_head = HeadOf(saved);
  ASSERT_TRUE(
      transparency::VerifyTreeHeadSignature(saved_head, saved.public_key()));
  // One more entry after the saved head, as a log grows.
  MustSubmitPost(author_, org_.name,
                 absl::StrCat("I work at Test Company ", org_.id,
                              ". A story about our new office."));

  // An operator rewrites entry 2's details and reseals 2..n with the
  // published algorithm, rebuilds the tree, and has a new head signed.
  std::vector<tpb::AuditEntry> log = Entries();
  std::string prev = log[0].hash();
  for (size_t i = 1; i < log.size(); ++i) {
    AuditEntryRecord r = cli::AuditEntryRecordOf(log[i]);
    if (i == 1) r.details = "verdict APPROVED; nothing to see";
    transparency::SealEntry(prev, &r);
    prev = r.hash;
    std::unique_ptr<sql::PreparedStatement> update(db_->raw().prepareStatement(
        "UPDATE audit_entries SET details = ?, details_salt = ?, "
        "details_digest = ?, prev_hash = ?, hash = ? WHERE organization_id = "
        "? AND sequence = ?"));
    update->setString(1, r.details);
    update->setString(2, r.details_salt);
    update->setString(3, r.details_digest);
    update->setString(4, r.prev_hash);
    update->setString(5, r.hash);
    update->setString(6, org_.id);
    update->setInt64(7, r.sequence);
    ASSERT_EQ(update->executeUpdate(), 1);
  }
  Sql("UPDATE organization_heads SET audit_hash = '" + prev +
      "', audit_tree_size = 0, audit_frontier = '' WHERE organization_id = '" +
      org_.id + "'");
  Sql("DELETE FROM audit_tree_nodes WHERE organization_id = '" + org_.id + "'");
  Sql("DELETE FROM audit_tree_heads WHERE organization_id = '" + org_.id + "'");

  // The chain alone is fooled: every hash matches.
  EXPECT_EQ(FirstBad("suffix from entry 2 rewritten, hashes recomputed"), 0);
  const tpb::AuditTreeHead now = Head();
  const ClientVerdict client = ClientVerify();
  ASSERT_EQ(client.leaves.size(), static_cast<size_t>(now.tree_size()));
  EXPECT_EQ(merkle::RootOf(client.leaves), RootOf(now));
  // The saved head is not: the first saved.tree_size entries changed.
  const merkle::Hash prefix_root = merkle::RootOf(
      absl::MakeConstSpan(client.leaves).subspan(0, saved.tree_size()));
  EXPECT_NE(prefix_root, saved_head.root_hash);
  tpb::GetAuditConsistencyProofRequest request;
  request.set_parent(org_.name);
  request.set_first_tree_size(saved.tree_size());
  request.set_second_tree_size(now.tree_size());
  tpb::AuditConsistencyProof proof;
  ASSERT_TRUE(
      transparency_
          ->GetAuditConsistencyProof(Ctx(author_.token).get(), request, &proof)
          .ok());
  const std::vector<merkle::Hash> hashes = ProofOf(proof.hashes());
  EXPECT_FALSE(merkle::VerifyConsistency(saved.tree_size(), now.tree_size(),
                                         saved_head.root_hash, RootOf(now),
                                         hashes));
  std::cout << "[tamper] suffix rewritten with every hash recomputed: chain "
               "ok, saved head of "
            << saved.tree_size()
            << " entries fails (prefix root differs; consistency proof "
               "rejected)\n";
}

TEST_F(AuditIntegrityTest, ProofsVerifyAgainstSignedHeads) {
  MakeLog();
  const tpb::AuditTreeHead first = Head();
  EXPECT_EQ(first.name(),
            absl::StrCat(org_.name, "/auditTreeHeads/", first.tree_size()));
  EXPECT_TRUE(
      transparency::VerifyTreeHeadSignature(HeadOf(first), first.public_key()));
  // Signed once per size: asking again answers the same head.
  EXPECT_EQ(Head().signature(), first.signature());
  EXPECT_EQ(Head(first.tree_size()).signature(), first.signature());
  MustSubmitPost(
      author_, org_.name,
      absl::StrCat("I work at Test Company ", org_.id, ". Proud of the team."));
  const tpb::AuditTreeHead second = Head();
  ASSERT_GT(second.tree_size(), first.tree_size());

  const ClientVerdict client = ClientVerify();
  ASSERT_EQ(client.first_bad_sequence, 0);
  for (int64_t sequence = 1; sequence <= second.tree_size(); ++sequence) {
    tpb::GetAuditInclusionProofRequest request;
    request.set_parent(org_.name);
    request.set_sequence(sequence);
    request.set_tree_size(second.tree_size());
    tpb::AuditInclusionProof proof;
    ASSERT_TRUE(
        transparency_
            ->GetAuditInclusionProof(Ctx(author_.token).get(), request, &proof)
            .ok());
    const std::vector<merkle::Hash> hashes = ProofOf(proof.hashes());
    EXPECT_TRUE(merkle::VerifyInclusion(sequence - 1, second.tree_size(),
                                        client.leaves[sequence - 1], hashes,
                                        RootOf(second)))
        << sequence;
  }
  tpb::GetAuditConsistencyProofRequest consistency;
  consistency.set_parent(org_.name);
  consistency.set_first_tree_size(first.tree_size());
  consistency.set_second_tree_size(second.tree_size());
  tpb::AuditConsistencyProof proof;
  ASSERT_TRUE(transparency_
                  ->GetAuditConsistencyProof(Ctx(author_.token).get(),
                                             consistency, &proof)
                  .ok());
  const std::vector<merkle::Hash> hashes = ProofOf(proof.hashes());
  EXPECT_TRUE(merkle::VerifyConsistency(first.tree_size(), second.tree_size(),
                                        RootOf(first), RootOf(second), hashes));

  // Bad requests name the field and another organization sees nothing.
  tpb::GetAuditInclusionProofRequest beyond;
  beyond.set_parent(org_.name);
  beyond.set_sequence(1);
  beyond.set_tree_size(second.tree_size() + 5);
  tpb::AuditInclusionProof unused;
  grpc::Status status = transparency_->GetAuditInclusionProof(
      Ctx(author_.token).get(), beyond, &unused);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("tree_size"));
  beyond.set_sequence(0);
  status = transparency_->GetAuditInclusionProof(Ctx(author_.token).get(),
                                                 beyond, &unused);
  EXPECT_THAT(status.error_message(), HasSubstr("sequence"));
  consistency.set_first_tree_size(0);
  status = transparency_->GetAuditConsistencyProof(Ctx(author_.token).get(),
                                                   consistency, &proof);
  EXPECT_THAT(status.error_message(), HasSubstr("first_tree_size"));
  TestServer::Organization other = server_.CreateOrganization("other");
  tpb::GetAuditTreeHeadRequest foreign;
  foreign.set_parent(org_.name);
  tpb::AuditTreeHead head;
  EXPECT_EQ(transparency_
                ->GetAuditTreeHead(Ctx(other.admin_token).get(), foreign, &head)
                .error_code(),
            StatusCode::NOT_FOUND);
  tpb::GetAuditTreeHeadRequest unsigned_size;
  unsigned_size.set_parent(org_.name);
  unsigned_size.set_tree_size(second.tree_size() + 7);
  EXPECT_EQ(
      transparency_
          ->GetAuditTreeHead(Ctx(author_.token).get(), unsigned_size, &head)
          .error_code(),
      StatusCode::NOT_FOUND);
}

TEST_F(AuditIntegrityTest, ErasureKeepsTheLogVerifiableAndForgeriesFail) {
  MakeLog();
  const tpb::AuditTreeHead before = Head();
  tpb::ErasePersonalDataRequest erase;
  erase.set_staff_member(leaver_.name());
  tpb::ErasePersonalDataResponse erased;
  ASSERT_TRUE(
      transparency_
          ->ErasePersonalData(Ctx(org_.admin_token).get(), erase, &erased)
          .ok());
  EXPECT_EQ(FirstBad("after erasure"), 0);
  const std::vector<tpb::AuditEntry> log = Entries();
  std::string pseudonym;
  bool declared = false;
  for (const tpb::AuditEntry& e : log) {
    EXPECT_THAT(e.details(), ::testing::Not(HasSubstr("Hopper-Quinn")));
    EXPECT_NE(e.actor(), leaver_.name());
    if (e.action() == "audit.erase") {
      declared = true;
      EXPECT_EQ(e.subject(), leaver_.name());
      EXPECT_THAT(e.details(),
                  HasSubstr(transparency::ActorDigest(leaver_.name())));
    }
    if (e.subject() == leaver_.name() && e.action() == "staff.deactivate") {
      EXPECT_TRUE(e.details_redacted());
      EXPECT_EQ(e.details(), "");
    }
  }
  EXPECT_TRUE(declared);
  // The log still extends the head saved before the erasure: erasure
  // changes what entries show, never their hashes.
  const ClientVerdict client = ClientVerify();
  EXPECT_EQ(
      merkle::RootOf(
          absl::MakeConstSpan(client.leaves).subspan(0, before.tree_size())),
      RootOf(before));

  // A pseudonym nobody declared, on another actor's entry: a forgery.
  ASSERT_EQ(Sql("UPDATE audit_entries SET actor = 'erased-0123456789abcdef'" +
                Where(2)),
            1);
  EXPECT_EQ(FirstBad("undeclared pseudonym on entry 2"), 2);
}

TEST_F(AuditIntegrityTest, AnAdminErasingThemselfIsNotNamedByTheErasure) {
  MakeLog();
  TestPerson admin = MakePerson(org_, "S1", {staffpb::StaffMember::ADMIN});
  // Something the admin did, so the log names them.
  TestPerson other = MakePerson(org_, "X1");
  staffpb::DeactivateStaffMemberRequest deactivate;
  deactivate.set_name(other.name());
  deactivate.set_reason("moved on");
  staffpb::StaffMember out;
  ASSERT_TRUE(
      staff_->DeactivateStaffMember(Ctx(admin.token).get(), deactivate, &out)
          .ok());
  tpb::ErasePersonalDataRequest erase;
  erase.set_staff_member(admin.name());
  tpb::ErasePersonalDataResponse erased;
  ASSERT_TRUE(
      transparency_->ErasePersonalData(Ctx(admin.token).get(), erase, &erased)
          .ok());
  EXPECT_EQ(FirstBad("after an admin erased themself"), 0);
  bool declared = false;
  for (const tpb::AuditEntry& e : Entries()) {
    EXPECT_NE(e.actor(), admin.name()) << e.action();
    if (e.action() == "audit.erase" && e.subject() == admin.name()) {
      declared = true;
      EXPECT_THAT(e.actor(), ::testing::StartsWith("erased-"));
    }
  }
  EXPECT_TRUE(declared);
}

TEST_F(AuditIntegrityTest, AnOldLogVerifiesAndJoinsTheTree) {
  // A log written before chain version 2 and the tree: version-1 rows and
  // a head row without a tree, as migration V0004 leaves them.
  const std::string org = org_.id;
  std::string prev = transparency::kGenesisHash;
  for (int64_t sequence = 1; sequence <= 5; ++sequence) {
    AuditEntryRecord r;
    r.organization_id = org;
    r.sequence = sequence;
    r.time_us = 1000 * sequence;
    r.actor = sequence == 2 ? "organizations/x/staffMembers/gone" : "automatic";
    r.actor_digest = transparency::ActorDigest(r.actor);
    if (sequence == 2) {
      r.actor = transparency::LegacyErasedPseudonym(r.actor_digest);
    }
    r.action = "decision.create";
    r.subject = absl::StrCat(org_.name, "/posts/p/decisions/", sequence);
    r.details = "verdict APPROVED";
    r.chain_version = 1;
    r.prev_hash = prev;
    r.hash = transparency::ChainHash(prev, r);
    prev = r.hash;
    std::unique_ptr<sql::PreparedStatement> insert(db_->raw().prepareStatement(
        "INSERT INTO audit_entries (organization_id, sequence, time_us, actor, "
        "actor_digest, action, subject, details, prev_hash, hash) VALUES (?, "
        "?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->setString(1, r.organization_id);
    insert->setInt64(2, r.sequence);
    insert->setInt64(3, r.time_us);
    insert->setString(4, r.actor);
    insert->setString(5, r.actor_digest);
    insert->setString(6, r.action);
    insert->setString(7, r.subject);
    insert->setString(8, r.details);
    insert->setString(9, r.prev_hash);
    insert->setString(10, r.hash);
    ASSERT_EQ(insert->executeUpdate(), 1);
  }
  Sql("INSERT INTO organization_heads (organization_id, audit_sequence, "
      "audit_hash) VALUES ('" +
      org + "', 5, '" + prev + "')");
  author_ = MakePerson(org_, "A1");
  EXPECT_EQ(FirstBad("old log"), 0);
  const tpb::AuditTreeHead head = Head();
  EXPECT_EQ(head.tree_size(), 5);
  // New entries are version 2 and follow the old ones in chain and tree.
  MustSubmitPost(author_, org_.name,
                 absl::StrCat("I work at Test Company ", org_.id,
                              ". Our team shipped a release."));
  EXPECT_EQ(FirstBad("old log with new entries"), 0);
  const std::vector<tpb::AuditEntry> log = Entries();
  EXPECT_EQ(log.front().chain_version(), 1);
  EXPECT_EQ(log.back().chain_version(), 2);
  const ClientVerdict client = ClientVerify();
  const tpb::AuditTreeHead grown = Head();
  EXPECT_EQ(merkle::RootOf(client.leaves), RootOf(grown));
  EXPECT_EQ(merkle::RootOf(absl::MakeConstSpan(client.leaves).subspan(0, 5)),
            RootOf(head));
}

}  // namespace
}  // namespace candor::testing
