#include "tests/support/matchers.h"

#include "absl/strings/match.h"
#include "services/common/grpc_status.h"

namespace candor::testing {

::testing::AssertionResult IsInvalidField(const grpc::Status& status,
                                          const std::string& field) {
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT &&
      absl::StartsWith(status.error_message(), field)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "expected INVALID_ARGUMENT starting with \"" << field << "\", got "
         << GrpcCodeName(status.error_code()) << " \"" << status.error_message()
         << "\"";
}

}  // namespace candor::testing
