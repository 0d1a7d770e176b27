#include "services/common/page_token.h"

#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor {
namespace {

TEST(PageTokenTest, RoundTripsTheCursor) {
  PageTokenCodec codec("secret-key");
  const std::string token = codec.Encode("list|acme|", "cursor-1");
  auto cursor = codec.Decode("list|acme|", token);
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_EQ(*cursor, "cursor-1");
}

TEST(PageTokenTest, RefusesAnotherQueryAnotherKeyAndTampering) {
  PageTokenCodec codec("secret-key");
  std::string token = codec.Encode("list|acme|", "cursor-1");
  EXPECT_THAT(codec.Decode("list|other|", token),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_FALSE(PageTokenCodec("other-key").Decode("list|acme|", token).ok());
  token[3] = token[3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(codec.Decode("list|acme|", token).ok());
  EXPECT_FALSE(codec.Decode("list|acme|", "").ok());
  EXPECT_FALSE(codec.Decode("list|acme|", "!!!").ok());
  EXPECT_FALSE(codec.Decode("list|acme|", std::string(5000, 'A')).ok());
}

TEST(PageTokenTest, StartPageChecksSizeAndToken) {
  PageTokenCodec codec("secret-key");
  auto first = codec.StartPage("q", 0, "");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->size, kDefaultPageSize);
  EXPECT_EQ(first->limit(), kDefaultPageSize + 1);
  EXPECT_TRUE(first->cursor.empty());
  EXPECT_THAT(codec.StartPage("q", -1, ""),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(codec.StartPage("q", kMaxPageSize + 1, ""),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(codec.StartPage("q", 5, "forged"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(PageTokenTest, FinishPageCutsTheExtraRowAndPointsAfterTheLastKept) {
  PageTokenCodec codec("secret-key");
  PageRequest page = *codec.StartPage("q", 2, "");
  std::vector<std::string> rows = {"a", "b", "c"};  // read with limit() = 3
  const std::string next =
      codec.FinishPage(page, rows, [](const std::string& row) { return row; });
  EXPECT_EQ(rows, (std::vector<std::string>{"a", "b"}));
  auto second = codec.StartPage("q", 2, next);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->cursor, "b");

  std::vector<std::string> last = {"c"};
  EXPECT_EQ(
      codec.FinishPage(*second, last, [](const std::string& r) { return r; }),
      "");
}

}  // namespace
}  // namespace candor
