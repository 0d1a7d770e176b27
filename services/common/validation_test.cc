#include "services/common/validation.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor {
namespace {

using ::testing::HasSubstr;

TEST(Utf8Test, AcceptsWellFormedAndRejectsMalformed) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("Zoë 東京 🙂"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_EQ(Utf8Length("Zoë🙂"), 4u);
}

TEST(CheckTextTest, NamesTheFieldAndTheProblem) {
  EXPECT_TRUE(CheckText("f", "Ada", 10, Presence::kRequired).ok());
  EXPECT_THAT(
      CheckText("staff_member.display_name", "", 10, Presence::kRequired)
          .message(),
      HasSubstr("staff_member.display_name: required"));
  EXPECT_THAT(CheckText("f", "   ", 10, Presence::kRequired).message(),
              HasSubstr("required"));
  EXPECT_THAT(CheckText("f", "abcdefghijk", 10, Presence::kOptional).message(),
              HasSubstr("at most 10"));
  EXPECT_TRUE(
      CheckText("f", "東京東京東京東京東京", 10, Presence::kOptional).ok());
  EXPECT_THAT(CheckText("f", "a\x01", 10, Presence::kOptional).message(),
              HasSubstr("control"));
  EXPECT_THAT(CheckText("f", "a\nb", 10, Presence::kOptional).message(),
              HasSubstr("control"));
  EXPECT_TRUE(CheckText("f", "a\nb", 10, Presence::kOptional, true).ok());
  EXPECT_THAT(CheckText("f", "\xff", 10, Presence::kOptional).message(),
              HasSubstr("UTF-8"));
}

TEST(CheckEmailTest, AcceptsAddressesAndRejectsOthers) {
  EXPECT_TRUE(CheckEmail("email", "ada@example.com").ok());
  EXPECT_TRUE(CheckEmail("email", "a.b+tag@sub.example.co").ok());
  for (const char* bad :
       {"", "ada", "@example.com", "ada@", "ada@example", "a@b@c.com",
        "ada @example.com", "ada@.com", "ada@example..com", "ada@example.com.",
        "x'; DROP TABLE staff_members; --@a.com"}) {
    EXPECT_THAT(CheckEmail("email", bad),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << bad;
  }
}

TEST(CheckResourceIdTest, LowercaseLettersDigitsAndDashes) {
  EXPECT_TRUE(CheckResourceId("id", "acme-2").ok());
  EXPECT_FALSE(CheckResourceId("id", "").ok());
  EXPECT_FALSE(CheckResourceId("id", "Acme").ok());
  EXPECT_FALSE(CheckResourceId("id", "-acme").ok());
  EXPECT_FALSE(CheckResourceId("id", "acme-").ok());
  EXPECT_FALSE(CheckResourceId("id", "a/b").ok());
  EXPECT_FALSE(CheckResourceId("id", std::string(64, 'a')).ok());
}

TEST(CheckRequestIdTest, AllowsUuidsAndRejectsOthers) {
  EXPECT_TRUE(CheckRequestId("").ok());
  EXPECT_TRUE(CheckRequestId("0b9c5a3e-8a61-4a0e-9d7c-0a4b8f1f2e11").ok());
  EXPECT_FALSE(CheckRequestId("with space").ok());
  EXPECT_FALSE(CheckRequestId(std::string(65, 'a')).ok());
}

TEST(CheckPageSizeTest, DefaultsAndBounds) {
  int size = 0;
  EXPECT_TRUE(CheckPageSize(0, 50, 1000, &size).ok());
  EXPECT_EQ(size, 50);
  EXPECT_TRUE(CheckPageSize(7, 50, 1000, &size).ok());
  EXPECT_EQ(size, 7);
  EXPECT_THAT(CheckPageSize(-1, 50, 1000, &size).message(),
              HasSubstr("page_size"));
  EXPECT_FALSE(CheckPageSize(1001, 50, 1000, &size).ok());
}

}  // namespace
}  // namespace candor
