#include "services/common/page_token.h"

#include "gtest/gtest.h"

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
  EXPECT_EQ(codec.Decode("list|other|", token).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(PageTokenCodec("other-key").Decode("list|acme|", token).ok());
  token[3] = token[3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(codec.Decode("list|acme|", token).ok());
  EXPECT_FALSE(codec.Decode("list|acme|", "").ok());
  EXPECT_FALSE(codec.Decode("list|acme|", "!!!").ok());
  EXPECT_FALSE(codec.Decode("list|acme|", std::string(5000, 'A')).ok());
}

}  // namespace
}  // namespace candor
