#include "services/common/executor.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace candor {
namespace {

TEST(BoundedExecutorTest, RunsEveryAcceptedTask) {
  std::atomic<int> ran{0};
  {
    BoundedExecutor executor(2, 100);
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(executor.TrySubmit([&] { ++ran; }));
    }
  }  // the destructor drains the queue
  EXPECT_EQ(ran.load(), 50);
}

TEST(BoundedExecutorTest, RefusesWhenTheQueueIsFull) {
  absl::Notification release;
  absl::Notification started;
  BoundedExecutor executor(1, 2);
  ASSERT_TRUE(executor.TrySubmit([&] {
    started.Notify();
    release.WaitForNotification();
  }));
  started.WaitForNotification();
  EXPECT_TRUE(executor.TrySubmit([] {}));
  EXPECT_TRUE(executor.TrySubmit([] {}));
  EXPECT_FALSE(executor.TrySubmit([] {}));
  EXPECT_EQ(executor.queue_depth(), 2);
  release.Notify();
}

}  // namespace
}  // namespace candor
