#include "services/common/call.h"

#include "gtest/gtest.h"

namespace candor {
namespace {

TEST(IsMutatingMethodTest, ReadVerbsAreNotChargedAsWrites) {
  for (const char* method :
       {"/candor.staff.v1.StaffService/GetStaffMember",
        "/candor.staff.v1.StaffService/ListStaffMembers",
        "/candor.engagement.v1.EngagementService/WatchNotifications",
        "/candor.transparency.v1.TransparencyService/VerifyAuditLog",
        "/candor.transparency.v1.TransparencyService/EvaluatePost",
        "/candor.engagement.v1.EngagementService/GetEngagementMetrics"}) {
    EXPECT_FALSE(IsMutatingMethod(method)) << method;
  }
}

TEST(IsMutatingMethodTest, EveryOtherVerbIsAWrite) {
  for (const char* method :
       {"/candor.staff.v1.StaffService/CreateStaffMember",
        "/candor.staff.v1.StaffService/UpdateStaffMember",
        "/candor.staff.v1.StaffService/ImportStaffMembers",
        "/candor.advocacy.v1.AdvocacyService/ApprovePost",
        "/candor.advocacy.v1.AdvocacyService/DeletePost",
        "/candor.values.v1.ValuesService/EndorseValue",
        "/candor.engagement.v1.EngagementService/MarkNotificationsRead",
        "/candor.engagement.v1.EngagementService/RecordEngagementEvents",
        "/candor.privacy.v1.PrivacyService/ExportStaffData"}) {
    EXPECT_TRUE(IsMutatingMethod(method)) << method;
  }
}

}  // namespace
}  // namespace candor
