#include "services/common/department.h"

#include "gtest/gtest.h"

namespace candor {
namespace {

TEST(DepartmentKeyTest, TrimsAndLowercases) {
  EXPECT_EQ(DepartmentKey("  R&D Europe "), "r&d europe");
  EXPECT_EQ(DepartmentKey("Sales"), DepartmentKey("\tsales\n"));
  EXPECT_EQ(DepartmentKey("   "), "");
}

TEST(DepartmentKeyTest, LowercasesAsciiOnly) {
  // Non-ASCII letters stay as they are: "Ü" and "ü" are two departments.
  EXPECT_EQ(DepartmentKey("ÜBER Ops"), "Über ops");
}

}  // namespace
}  // namespace candor
