#include "services/common/ids.h"

#include "absl/container/flat_hash_set.h"
#include "gtest/gtest.h"
#include "services/common/validation.h"

namespace candor {
namespace {

TEST(NewResourceIdTest, ValidUniqueAndTimeOrdered) {
  absl::flat_hash_set<std::string> seen;
  std::string previous;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = NewResourceId();
    ASSERT_EQ(id.size(), 16u);
    EXPECT_TRUE(CheckResourceId("id", id).ok()) << id;
    EXPECT_TRUE(seen.insert(id).second) << id;
    // Ids of one millisecond may come in any order; the first 9 characters
    // (45 of the 48 time bits) may not.
    EXPECT_GE(id.substr(0, 9),
              previous.substr(0, std::min<size_t>(9, previous.size())));
    previous = id;
  }
}

}  // namespace
}  // namespace candor
