// gMock matchers on absl::Status and absl::StatusOr<T> for the unit tests:
//
//   EXPECT_THAT(CheckStoryUrl("story.url", url),
//               StatusIs(absl::StatusCode::kInvalidArgument));
//   EXPECT_THAT(ParseStoryFilter("state"),
//               StatusIs(absl::StatusCode::kInvalidArgument,
//                        HasSubstr("filter")));
//
// Header only, so a unit test needs nothing but gMock to use it. In namespace
// candor rather than candor::testing: unit tests live in candor::<service>
// and name ::testing unqualified, which a candor::testing would hide.
#ifndef CANDOR_TESTS_SUPPORT_STATUS_MATCHERS_H_
#define CANDOR_TESTS_SUPPORT_STATUS_MATCHERS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"

namespace candor {
namespace status_matchers_internal {

inline const absl::Status& StatusOf(const absl::Status& status) {
  return status;
}

template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

}  // namespace status_matchers_internal

// Matches an absl::Status or absl::StatusOr<T> whose code is `code`.
MATCHER_P(StatusIs, code,
          std::string(negation ? "has a code other than " : "has code ") +
              absl::StatusCodeToString(code)) {
  const absl::Status& status = status_matchers_internal::StatusOf(arg);
  *result_listener << "whose status is " << status;
  return status.code() == code;
}

// Matches an absl::Status or absl::StatusOr<T> whose code is `code` and whose
// message matches `message_matcher` (a string means: exactly that message).
MATCHER_P2(StatusIs, code, message_matcher,
           std::string(negation ? "not (" : "(") + "has code " +
               absl::StatusCodeToString(code) + " and a message that " +
               ::testing::DescribeMatcher<std::string>(message_matcher) + ")") {
  const absl::Status& status = status_matchers_internal::StatusOf(arg);
  *result_listener << "whose status is " << status;
  return status.code() == code &&
         ::testing::Matches(::testing::SafeMatcherCast<const std::string&>(
             message_matcher))(std::string(status.message()));
}

}  // namespace candor

#endif  // CANDOR_TESTS_SUPPORT_STATUS_MATCHERS_H_
