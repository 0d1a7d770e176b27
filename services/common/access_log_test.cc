#include "services/common/access_log.h"

#include "gtest/gtest.h"

namespace candor {
namespace {

TEST(AccessLogTest, FormatsOneJsonLine) {
  const std::string line = AccessLog::Format(
      AccessRecord{"/candor.staff.v1.StaffService/GetStaffMember", "NOT_FOUND",
                   absl::Microseconds(1500), "organizations/a/staffMembers/b",
                   "req-1", "name: \"x\"\n"},
      absl::FromUnixSeconds(0));
  EXPECT_EQ(
      line,
      "{\"time\":\"1970-01-01T00:00:00.000Z\","
      "\"method\":\"/candor.staff.v1.StaffService/GetStaffMember\","
      "\"code\":\"NOT_FOUND\",\"latency_ms\":1.500,"
      "\"caller\":\"organizations/a/staffMembers/b\",\"request_id\":\"req-1\","
      "\"message\":\"name: \\\"x\\\"\\n\"}");
}

}  // namespace
}  // namespace candor
