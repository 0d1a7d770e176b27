#include "services/common/etag.h"

#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor {
namespace {

TEST(EtagTest, CurrentOrNoEtagPassesAStaleOneIsAborted) {
  EXPECT_EQ(EtagOf(3), "\"3\"");
  EXPECT_TRUE(CheckEtag("", 3, "value").ok());
  EXPECT_TRUE(CheckEtag("\"3\"", 3, "value").ok());
  absl::Status stale = CheckEtag("\"2\"", 3, "value");
  EXPECT_THAT(stale,
              StatusIs(absl::StatusCode::kAborted,
                       "etag: the value changed since it was read; read it "
                       "again"));
}

}  // namespace
}  // namespace candor
