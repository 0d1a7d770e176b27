// Assertions on grpc::Status for the integration tests: gMock matchers on
// the code and message, and IsInvalidField for the validation contract
// (INVALID_ARGUMENT whose message starts with the field's path).
#ifndef CANDOR_TESTS_SUPPORT_MATCHERS_H_
#define CANDOR_TESTS_SUPPORT_MATCHERS_H_

#include <grpcpp/grpcpp.h>

#include <ostream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace candor::testing {

// Matches a grpc::Status with `code` and a message containing `substring`.
MATCHER_P2(GrpcStatusIs, code, substring,
           "has code " + std::to_string(static_cast<int>(code)) +
               " and a message containing \"" + std::string(substring) + "\"") {
  *result_listener << "code " << static_cast<int>(arg.error_code())
                   << ", message \"" << arg.error_message() << "\"";
  return arg.error_code() == code &&
         arg.error_message().find(substring) != std::string::npos;
}

// Matches a grpc::Status with `code`.
MATCHER_P(GrpcCodeIs, code,
          "has code " + std::to_string(static_cast<int>(code))) {
  *result_listener << "code " << static_cast<int>(arg.error_code())
                   << ", message \"" << arg.error_message() << "\"";
  return arg.error_code() == code;
}

// INVALID_ARGUMENT with a message that starts with `field`.
::testing::AssertionResult IsInvalidField(const grpc::Status& status,
                                          const std::string& field);

}  // namespace candor::testing

namespace grpc {
// Lets GoogleTest print statuses readably in failure messages.
inline void PrintTo(const Status& status, std::ostream* os) {
  *os << "grpc::Status(" << static_cast<int>(status.error_code()) << ", \""
      << status.error_message() << "\")";
}
}  // namespace grpc

#endif  // CANDOR_TESTS_SUPPORT_MATCHERS_H_
