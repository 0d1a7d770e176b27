#include "clients/cli/output.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace candor::cli {
namespace {

using ::candor::staff::v1::StaffMember;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(TableTest, AlignsColumnsByCharacters) {
  Table table({"NAME", "CITY"});
  table.AddRow({"Zoë", "Zürich"});
  table.AddRow({"Alexander", ""});
  EXPECT_EQ(table.Render(),
            "NAME       CITY\n"
            "Zoë        Zürich\n"
            "Alexander  -\n");
}

TEST(TableTest, LineBreaksInCellsBecomeSpaces) {
  Table table({"TITLE"});
  table.AddRow({"Head of\nEngines"});
  EXPECT_EQ(table.Render(), "TITLE\nHead of Engines\n");
}

TEST(RenderFieldsTest, AlignsValuesAndSkipsEmptyOnes) {
  EXPECT_EQ(RenderFields({{"name", "a"}, {"display_name", "b"}, {"bio", ""}}),
            "name:          a\n"
            "display_name:  b\n");
}

TEST(JsonTest, PrintsProtoJsonWithDefaults) {
  StaffMember member;
  member.set_name("organizations/acme/staffMembers/ada");
  member.add_roles(StaffMember::REVIEWER);
  const std::string json = ToJson(member);
  EXPECT_THAT(json,
              HasSubstr("\"name\": \"organizations/acme/staffMembers/ada\""));
  EXPECT_THAT(json, HasSubstr("\"REVIEWER\""));
  EXPECT_THAT(json, HasSubstr("\"advocacyConsent\": false"));
  EXPECT_EQ(json.back(), '\n');
}

TEST(JsonTest, ArrayOfMessages) {
  EXPECT_EQ(ToJsonArray({}), "[]\n");
  StaffMember a;
  a.set_name("a");
  StaffMember b;
  b.set_name("b");
  const std::string json = ToJsonArray({&a, &b});
  EXPECT_EQ(json.substr(0, 5), "[\n {\n");
  EXPECT_THAT(json, HasSubstr("\n  \"name\": \"a\""));
  EXPECT_THAT(json, HasSubstr("\n },\n {\n"));
  EXPECT_EQ(json.substr(json.size() - 5), " }\n]\n");
}

TEST(StaffTableTest, ShowsRolesAndState) {
  StaffMember member;
  member.set_name("organizations/acme/staffMembers/ada");
  member.set_employee_id("E1");
  member.set_display_name("Ada");
  member.add_roles(StaffMember::EMPLOYEE);
  member.add_roles(StaffMember::ADMIN);
  member.set_state(StaffMember::ACTIVE);
  Table table = StaffMemberTable();
  AddStaffMemberRow(member, table);
  const std::string text = table.Render();
  EXPECT_THAT(text, HasSubstr("NAME"));
  EXPECT_THAT(text, HasSubstr("employee,admin  ACTIVE"));
}

TEST(DescribeStaffMemberTest, ShowsSocialAccounts) {
  StaffMember member;
  member.set_name("organizations/acme/staffMembers/ada");
  auto* account = member.add_social_accounts();
  account->set_network(candor::common::v1::LINKEDIN);
  account->set_handle("ada-l");
  EXPECT_THAT(DescribeStaffMember(member),
              HasSubstr("social_accounts:   linkedin:ada-l\n"));
}

TEST(DescribeCallErrorTest, NamesCommandCodeAndServerMessage) {
  const std::string text =
      DescribeCallError("staff create",
                        grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                                     "only admins can create staff members"),
                        "127.0.0.1:50051", absl::Seconds(10), true);
  EXPECT_EQ(text,
            "candorctl: staff create: PERMISSION_DENIED: only admins can "
            "create staff members\n");
}

TEST(DescribeCallErrorTest, UnavailableHintsAtTheAddress) {
  const std::string text = DescribeCallError(
      "health",
      grpc::Status(grpc::StatusCode::UNAVAILABLE, "failed to connect"),
      "db.example:50051", absl::Seconds(10), false);
  EXPECT_THAT(text, HasSubstr("health: UNAVAILABLE: failed to connect\n"));
  EXPECT_THAT(text,
              HasSubstr("the server at db.example:50051 is not reachable"));
}

TEST(DescribeCallErrorTest, UnauthenticatedWithoutTokenSaysSo) {
  EXPECT_THAT(DescribeCallError(
                  "org get",
                  grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "no token"),
                  "a:1", absl::Seconds(10), false),
              HasSubstr("pass --token or set CANDOR_TOKEN"));
  EXPECT_THAT(
      DescribeCallError(
          "org get", grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "expired"),
          "a:1", absl::Seconds(10), true),
      Not(HasSubstr("pass --token")));
}

TEST(DescribeCallErrorTest, DeadlineNamesTheTimeout) {
  EXPECT_THAT(DescribeCallError(
                  "staff import",
                  grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "late"),
                  "a:1", absl::Seconds(120), true),
              HasSubstr("no answer within 2m"));
}

// Messages as gRPC 1.51 reports them (from tests/tls_e2e_test.cc runs).
constexpr char kSocketClosed[] =
    "failed to connect to all addresses; last error: UNAVAILABLE: "
    "ipv4:127.0.0.1:47313: Socket closed";

TEST(TransportHintTest, PlaintextClientClosedOnIsToldAboutTls) {
  EXPECT_THAT(TransportHint(kSocketClosed, false, false),
              HasSubstr("if the server uses TLS, connect with --tls-ca-file"));
  EXPECT_EQ(TransportHint("failed to connect to all addresses; last error: "
                          "UNAVAILABLE: ipv4:127.0.0.1:1: Connection refused",
                          false, false),
            "");
}

TEST(TransportHintTest, TlsClientClosedOnNeedsAGoodClientCertificate) {
  EXPECT_THAT(TransportHint(kSocketClosed, true, false),
              HasSubstr("requires a client certificate"));
  EXPECT_THAT(TransportHint(kSocketClosed, true, true),
              HasSubstr("refused the client certificate"));
}

TEST(TransportHintTest, NamesTheCertificateProblem) {
  EXPECT_THAT(TransportHint("last error: UNKNOWN: ipv4:127.0.0.1:1: Ssl "
                            "handshake failed: SSL_ERROR_SSL: error:0A000086:"
                            "SSL routines::certificate verify failed",
                            true, false),
              HasSubstr("not trusted: give the CA that signed it"));
  EXPECT_THAT(TransportHint("last error: UNKNOWN: ipv4:127.0.0.1:1: Peer name "
                            "a.example is not in peer certificate",
                            true, false),
              HasSubstr("--tls-server-name"));
  EXPECT_THAT(TransportHint("Ssl handshake failed: SSL_ERROR_SSL: "
                            "error:0A00010B:SSL routines::wrong version number",
                            true, false),
              HasSubstr("does not speak TLS"));
}

TEST(DescribeCallErrorTest, TransportHintReplacesNotReachable) {
  const std::string text = DescribeCallError(
      "health", grpc::Status(grpc::StatusCode::UNAVAILABLE, kSocketClosed),
      "a:1", absl::Seconds(10), false, "candorctl: hint: TLS?\n");
  EXPECT_THAT(text, HasSubstr("candorctl: hint: TLS?\n"));
  EXPECT_THAT(text, Not(HasSubstr("not reachable")));
}

}  // namespace
}  // namespace candor::cli
