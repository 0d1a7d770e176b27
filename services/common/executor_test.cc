#include "services/common/executor.h"

#include <atomic>
#include <cstdlib>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
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

TEST(BoundedExecutorTest, ShedsTasksThatWaitedTooLong) {
  absl::Notification release;
  absl::Notification started;
  std::atomic<int> ran{0};
  std::atomic<int> shed{0};
  {
    BoundedExecutor executor(1, 10, absl::Milliseconds(20));
    ASSERT_TRUE(executor.TrySubmit([&] {
      started.Notify();
      release.WaitForNotification();
    }));
    started.WaitForNotification();
    // Queued behind a busy worker for longer than 20 ms: shed, not run.
    ASSERT_TRUE(executor.TrySubmit([&] { ++ran; }, [&] { ++shed; }));
    // Without a shed callback a task always runs.
    ASSERT_TRUE(executor.TrySubmit([&] { ++ran; }));
    absl::SleepFor(absl::Milliseconds(50));
    release.Notify();
  }
  EXPECT_EQ(shed.load(), 1);
  EXPECT_EQ(ran.load(), 1);

  // A task that did not wait long runs.
  std::atomic<int> fresh{0};
  {
    BoundedExecutor executor(1, 10, absl::Seconds(10));
    ASSERT_TRUE(executor.TrySubmit([&] { ++fresh; }, [] { std::abort(); }));
  }
  EXPECT_EQ(fresh.load(), 1);
}

}  // namespace
}  // namespace candor
