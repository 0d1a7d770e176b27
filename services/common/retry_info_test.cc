#include "services/common/retry_info.h"

#include "gtest/gtest.h"
#include "services/common/grpc_status.h"

namespace candor {
namespace {

TEST(RetryInfoTest, TheDelayTravelsThroughTheGrpcDetailsTrailer) {
  const absl::Status status = WithRetryDelay(
      absl::ResourceExhaustedError("slow down"), absl::Milliseconds(1500));
  EXPECT_EQ(RetryDelayOf(status), absl::Milliseconds(1500));

  const grpc::Status wire = ToGrpcStatus(status);
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(wire.error_message(), "slow down");
  EXPECT_EQ(RetryDelayFromDetails(wire.error_details()),
            absl::Milliseconds(1500));
}

TEST(RetryInfoTest, DelaysRoundUpToWholeMilliseconds) {
  const absl::Status status =
      WithRetryDelay(absl::ResourceExhaustedError("x"), absl::Microseconds(1));
  EXPECT_EQ(RetryDelayOf(status), absl::Milliseconds(1));
}

TEST(RetryInfoTest, NoDetailsWithoutADelay) {
  EXPECT_EQ(StatusDetailsBin(absl::NotFoundError("gone")), "");
  EXPECT_EQ(ToGrpcStatus(absl::NotFoundError("gone")).error_details(), "");
  EXPECT_FALSE(RetryDelayOf(absl::NotFoundError("gone")).has_value());
}

TEST(RetryInfoTest, GarbageDetailsYieldNoDelay) {
  EXPECT_FALSE(RetryDelayFromDetails("").has_value());
  EXPECT_FALSE(RetryDelayFromDetails("\xff\xff\xff").has_value());
  EXPECT_FALSE(
      RetryDelayFromDetails(std::string("\x1a\x05\x0a\x03", 4)).has_value());
}

}  // namespace
}  // namespace candor
