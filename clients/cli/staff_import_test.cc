#include "clients/cli/staff_import.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace candor::cli {
namespace {

using ::candor::staff::v1::ImportStaffMembersResponse;
using ::candor::staff::v1::StaffMember;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ErrorOf(std::string_view csv) {
  absl::StatusOr<std::vector<ImportRow>> rows =
      ReadStaffImportCsv(csv, "people.csv");
  EXPECT_FALSE(rows.ok());
  return rows.ok() ? "" : std::string(rows.status().message());
}

TEST(ReadStaffImportCsvTest, ColumnsFollowTheHeaderOrder) {
  absl::StatusOr<std::vector<ImportRow>> rows = ReadStaffImportCsv(
      "\xEF\xBB\xBF"
      "email,Employee_ID,display_name,roles,manager_employee_id\r\n"
      "ada@example.com,E1,\"Lovelace, Ada\",employee;admin,\r\n"
      "grace@example.com,E2,Grace,,E1\r\n",
      "people.csv");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  const ImportRow& ada = (*rows)[0];
  EXPECT_EQ(ada.row_number(), 2);
  EXPECT_EQ(ada.employee_id(), "E1");
  EXPECT_EQ(ada.display_name(), "Lovelace, Ada");
  EXPECT_EQ(ada.email(), "ada@example.com");
  EXPECT_THAT(ada.roles(),
              ElementsAre(StaffMember::EMPLOYEE, StaffMember::ADMIN));
  const ImportRow& grace = (*rows)[1];
  EXPECT_EQ(grace.row_number(), 3);
  EXPECT_EQ(grace.manager_employee_id(), "E1");
  EXPECT_TRUE(grace.roles().empty());
}

TEST(ReadStaffImportCsvTest, RowNumbersAreFileLinesAcrossEmbeddedNewlines) {
  absl::StatusOr<std::vector<ImportRow>> rows = ReadStaffImportCsv(
      "employee_id,display_name,email,title\n"
      "E1,Ada,ada@example.com,\"Head of\nEngines\"\n"
      "\n"
      "E2,Grace,grace@example.com,Admiral\n",
      "people.csv");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].title(), "Head of\nEngines");
  EXPECT_EQ((*rows)[0].row_number(), 2);
  EXPECT_EQ((*rows)[1].row_number(), 5);
}

TEST(ReadStaffImportCsvTest, HeaderOnlyIsNoRows) {
  absl::StatusOr<std::vector<ImportRow>> rows =
      ReadStaffImportCsv("employee_id,display_name,email\n", "people.csv");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_TRUE(rows->empty());
}

TEST(ReadStaffImportCsvTest, UnknownColumnIsNamed) {
  EXPECT_THAT(ErrorOf("employee_id,display_name,email,dept\n"),
              HasSubstr("people.csv:1:32: unknown column \"dept\""));
}

TEST(ReadStaffImportCsvTest, MissingAndRepeatedColumnsAreNamed) {
  const std::string error = ErrorOf("employee_id,display_name,title,title\n");
  EXPECT_THAT(error,
              HasSubstr("people.csv:1:32: column \"title\" given twice"));
  EXPECT_THAT(error, HasSubstr("missing required column \"email\""));
}

TEST(ReadStaffImportCsvTest, EmptyFileIsAnError) {
  EXPECT_THAT(ErrorOf(""), HasSubstr("people.csv: empty file"));
}

TEST(ReadStaffImportCsvTest, WrongFieldCountNamesTheLine) {
  const std::string error = ErrorOf(
      "employee_id,display_name,email\n"
      "E1,Ada,ada@example.com\n"
      "E2,Grace\n"
      "E3,Edsger,e@example.com,extra\n");
  EXPECT_THAT(
      error,
      HasSubstr("people.csv:3:9: 2 fields, but the header has 3 columns"));
  EXPECT_THAT(error, HasSubstr("people.csv:4:25: 4 fields, but the header has "
                               "3 columns"));
}

TEST(ReadStaffImportCsvTest, UnknownRoleNamesItsField) {
  EXPECT_THAT(ErrorOf("employee_id,display_name,email,roles\n"
                      "E1,Ada,ada@example.com,employee;boss\n"),
              HasSubstr("people.csv:2:24: roles: unknown role \"boss\""));
}

TEST(ReadStaffImportCsvTest, CsvErrorsNameLineAndColumn) {
  EXPECT_THAT(ErrorOf("employee_id,display_name,email\n"
                      "E1,\"Ada,ada@example.com\n"),
              HasSubstr("people.csv:2:4: unterminated quoted field"));
  EXPECT_THAT(ErrorOf("employee_id,display_name,email\nE1,\xFF,x\n"),
              HasSubstr("people.csv:2:4: invalid UTF-8"));
}

TEST(ReadStaffImportCsvTest, ListsAtMostThirtyProblems) {
  std::string csv = "employee_id,display_name,email\n";
  for (int i = 0; i < 40; ++i) csv += "too,few\n";
  EXPECT_THAT(ErrorOf(csv), HasSubstr("... and 10 more problems"));
}

TEST(BuildImportRequestsTest, FirstMessageCarriesOptionsAndRowsAreBatched) {
  std::vector<ImportRow> rows(5);
  for (int i = 0; i < 5; ++i) rows[i].set_row_number(i + 2);
  std::vector<candor::staff::v1::ImportStaffMembersRequest> requests =
      BuildImportRequests("organizations/acme", true, rows, 2);
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].parent(), "organizations/acme");
  EXPECT_TRUE(requests[0].validate_only());
  EXPECT_EQ(requests[0].rows_size(), 2);
  EXPECT_EQ(requests[1].parent(), "");
  EXPECT_EQ(requests[2].rows_size(), 1);
  EXPECT_EQ(requests[2].rows(0).row_number(), 6);
}

TEST(BuildImportRequestsTest, NoRowsIsStillOneMessage) {
  std::vector<candor::staff::v1::ImportStaffMembersRequest> requests =
      BuildImportRequests("organizations/acme", false, {}, 500);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].parent(), "organizations/acme");
}

TEST(FormatImportRowErrorTest, NamesFileLineAndField) {
  ImportStaffMembersResponse::RowError error;
  error.set_row_number(17);
  error.set_field("email");
  error.set_reason("already used by E9");
  EXPECT_EQ(FormatImportRowError("people.csv", error),
            "people.csv:17: email: already used by E9");
  error.clear_field();
  EXPECT_EQ(FormatImportRowError("people.csv", error),
            "people.csv:17: already used by E9");
}

}  // namespace
}  // namespace candor::cli
