#include "clients/cli/health_codec.h"

#include <string>

#include "gtest/gtest.h"

namespace candor::cli {
namespace {

TEST(HealthCodecTest, EmptyServiceIsAnEmptyMessage) {
  EXPECT_EQ(EncodeHealthCheckRequest(""), "");
}

TEST(HealthCodecTest, EncodesServiceAsField1) {
  EXPECT_EQ(EncodeHealthCheckRequest("candor.staff.v1.StaffService"),
            std::string("\x0A\x1C") + "candor.staff.v1.StaffService");
}

TEST(HealthCodecTest, DecodesStatus) {
  EXPECT_EQ(*DecodeHealthCheckResponse(std::string("\x08\x01", 2)),
            ServingStatus::kServing);
  EXPECT_EQ(*DecodeHealthCheckResponse(std::string("\x08\x02", 2)),
            ServingStatus::kNotServing);
  EXPECT_EQ(*DecodeHealthCheckResponse(""), ServingStatus::kUnknown);
}

TEST(HealthCodecTest, SkipsOtherFields) {
  // field 2 (string "ab"), field 3 (fixed32), then status SERVING.
  const std::string bytes(
      "\x12\x02"
      "ab"
      "\x1D\x01\x02\x03\x04"
      "\x08\x01",
      11);
  EXPECT_EQ(*DecodeHealthCheckResponse(bytes), ServingStatus::kServing);
}

TEST(HealthCodecTest, RejectsTruncatedMessages) {
  EXPECT_FALSE(DecodeHealthCheckResponse("\x08").ok());
  EXPECT_FALSE(DecodeHealthCheckResponse("\x12\x05"
                                         "ab")
                   .ok());
}

TEST(HealthCodecTest, NamesStatuses) {
  EXPECT_EQ(ServingStatusName(ServingStatus::kServing), "SERVING");
  EXPECT_EQ(ServingStatusName(ServingStatus::kNotServing), "NOT_SERVING");
}

}  // namespace
}  // namespace candor::cli
