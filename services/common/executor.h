// A fixed pool of threads with a bounded queue, for blocking work (database
// calls) that must not run on gRPC's callback threads.
//
// When the queue is full TrySubmit() refuses instead of growing: the caller
// answers RESOURCE_EXHAUSTED and the client backs off, so overload costs a
// fast error rather than unbounded threads or memory. A task that waited in
// the queue longer than `max_queue_wait` is shed (its `shed` callback runs
// instead): under sustained overload a full queue would otherwise hold only
// calls whose clients are about to give up, and the workers would spend
// themselves on answers nobody waits for; shedding the stale ones keeps the
// queue young, so admitted calls still finish in time. Thread-safe.
#ifndef CANDOR_SERVICES_COMMON_EXECUTOR_H_
#define CANDOR_SERVICES_COMMON_EXECUTOR_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace candor {

class BoundedExecutor {
 public:
  BoundedExecutor(int threads, int queue_capacity,
                  absl::Duration max_queue_wait = absl::InfiniteDuration());
  // Runs every queued task, then joins the threads.
  ~BoundedExecutor();
  BoundedExecutor(const BoundedExecutor&) = delete;
  BoundedExecutor& operator=(const BoundedExecutor&) = delete;

  // Queues `task`; false (and `task` dropped) when the queue is full or the
  // executor is shutting down. When the task waits longer than
  // max_queue_wait, `shed` runs in its place (or the task, when `shed` is
  // empty).
  bool TrySubmit(std::function<void()> task,
                 std::function<void()> shed = nullptr);

  int queue_depth() const;
  int thread_count() const { return static_cast<int>(threads_.size()); }

 private:
  void Work();

  struct Queued {
    std::function<void()> task;
    std::function<void()> shed;
    absl::Time enqueued;
  };
  const size_t capacity_;
  const absl::Duration max_queue_wait_;
  mutable absl::Mutex mu_;
  std::deque<Queued> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_EXECUTOR_H_
