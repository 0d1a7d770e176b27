#include "clients/cli/values_fields.h"

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace candor::cli {
namespace {

using ::candor::values::v1::Value;
using ::candor::values::v1::ValueFeedback;
using ::candor::values::v1::ValueRevision;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kName[] = "organizations/acme/values/clarity";

TEST(ValueNameTest, ShortIdIsResolvedInTheOrganization) {
  EXPECT_EQ(ValueName("organizations/acme", "clarity"), kName);
  EXPECT_EQ(ValueName("organizations/acme", kName), kName);
  EXPECT_EQ(ValueName("organizations/acme", "organizations/other/values/x"),
            "organizations/other/values/x");
}

TEST(BuildValueUpdateRequestTest, MaskNamesExactlyTheGivenFlags) {
  ValueUpdateFlags flags;
  flags.statement = "We say what we mean.";
  flags.etag = "W/3";
  absl::StatusOr<candor::values::v1::UpdateValueRequest> request =
      BuildValueUpdateRequest(kName, flags);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_THAT(request->update_mask().paths(), ElementsAre("statement"));
  EXPECT_EQ(request->value().name(), kName);
  EXPECT_EQ(request->value().statement(), "We say what we mean.");
  EXPECT_EQ(request->value().title(), "");
  EXPECT_EQ(request->value().etag(), "W/3");

  flags.title = "Clarity";
  request = BuildValueUpdateRequest(kName, flags);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_THAT(request->update_mask().paths(),
              ElementsAre("title", "statement"));
  EXPECT_EQ(request->value().title(), "Clarity");
}

TEST(BuildValueUpdateRequestTest, NothingToUpdateIsInvalid) {
  ValueUpdateFlags flags;
  flags.etag = "W/3";  // an etag alone changes nothing
  absl::StatusOr<candor::values::v1::UpdateValueRequest> request =
      BuildValueUpdateRequest(kName, flags);
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(request.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(request.status().message(), HasSubstr("--title"));
  EXPECT_THAT(request.status().message(), HasSubstr("--statement"));
}

TEST(ValueOutputTest, TableHasOneRowPerValue) {
  Value value;
  value.set_name(kName);
  value.set_title("Say it plainly");
  value.set_state(Value::ACTIVE);
  value.set_endorsement_count(12);
  value.set_revision_id("r2");
  Table table = ValueTable();
  AddValueRow(value, table);
  const std::vector<std::string> lines =
      absl::StrSplit(table.Render(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], HasSubstr("NAME"));
  EXPECT_THAT(lines[0], HasSubstr("ENDORSEMENTS"));
  EXPECT_THAT(lines[0], HasSubstr("REVISION"));
  EXPECT_THAT(lines[1], HasSubstr(kName));
  EXPECT_THAT(lines[1], HasSubstr("Say it plainly"));
  EXPECT_THAT(lines[1], HasSubstr("ACTIVE"));
  EXPECT_THAT(lines[1], HasSubstr(" 12 "));
  EXPECT_THAT(lines[1], HasSubstr("r2"));
}

TEST(ValueOutputTest, DescribeShowsCountAndCallerEndorsement) {
  Value value;
  value.set_name(kName);
  value.set_title("Clarity");
  value.set_statement("We say what we mean.");
  value.set_endorsed_by_caller(true);
  const std::string text = DescribeValue(value);
  EXPECT_THAT(text, HasSubstr("statement:"));
  EXPECT_THAT(text, HasSubstr("We say what we mean."));
  EXPECT_THAT(text, HasSubstr("endorsement_count:   0\n"));
  EXPECT_THAT(text, HasSubstr("endorsed_by_caller:  true\n"));
}

TEST(ValueOutputTest, RevisionRowEndsWithTheWholeStatement) {
  ValueRevision revision;
  revision.set_revision_id("r1");
  revision.set_title("Clarity");
  revision.set_statement("First line.\nSecond line.");
  revision.set_editor("organizations/acme/staffMembers/ada");
  revision.mutable_create_time()->set_seconds(1700000000);
  Table table = ValueRevisionTable();
  AddValueRevisionRow(revision, table);
  const std::vector<std::string> lines =
      absl::StrSplit(table.Render(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], HasSubstr("STATEMENT"));
  EXPECT_THAT(lines[1], HasSubstr("2023-11-14T22:13:20Z"));
  EXPECT_THAT(lines[1], HasSubstr("staffMembers/ada"));
  EXPECT_TRUE(absl::EndsWith(lines[1], "First line. Second line.")) << lines[1];
}

TEST(ValueOutputTest, AnonymousFeedbackShowsNoAuthor) {
  ValueFeedback anonymous;
  anonymous.set_text("Not in my team.");
  anonymous.set_anonymous(true);
  ValueFeedback signed_feedback;
  signed_feedback.set_text("Agreed!");
  signed_feedback.set_author("organizations/acme/staffMembers/ada");
  EXPECT_EQ(FeedbackAuthorText(anonymous), "anonymous");
  EXPECT_EQ(FeedbackAuthorText(signed_feedback),
            "organizations/acme/staffMembers/ada");
  // Even if a server sent an author with anonymous feedback, it is not shown.
  anonymous.set_author("organizations/acme/staffMembers/eve");
  EXPECT_EQ(FeedbackAuthorText(anonymous), "anonymous");
  EXPECT_THAT(DescribeValueFeedback(anonymous), Not(HasSubstr("eve")));

  Table table = ValueFeedbackTable();
  AddValueFeedbackRow(anonymous, table);
  AddValueFeedbackRow(signed_feedback, table);
  const std::string text = table.Render();
  EXPECT_THAT(text, ::testing::ContainsRegex("anonymous +Not in my team\\.\n"));
  EXPECT_THAT(text, HasSubstr("staffMembers/ada"));
  EXPECT_THAT(text, Not(HasSubstr("eve")));
}

}  // namespace
}  // namespace candor::cli
