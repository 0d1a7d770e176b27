// A fixed pool of threads with a bounded queue, for blocking work (database
// calls) that must not run on gRPC's callback threads.
//
// When the queue is full TrySubmit() refuses instead of growing: the caller
// answers RESOURCE_EXHAUSTED and the client backs off, so overload costs a
// fast error rather than unbounded threads or memory. Thread-safe.
#ifndef CANDOR_SERVICES_COMMON_EXECUTOR_H_
#define CANDOR_SERVICES_COMMON_EXECUTOR_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace candor {

class BoundedExecutor {
 public:
  BoundedExecutor(int threads, int queue_capacity);
  // Runs every queued task, then joins the threads.
  ~BoundedExecutor();
  BoundedExecutor(const BoundedExecutor&) = delete;
  BoundedExecutor& operator=(const BoundedExecutor&) = delete;

  // Queues `task`; false (and `task` dropped) when the queue is full or the
  // executor is shutting down.
  bool TrySubmit(std::function<void()> task);

  int queue_depth() const;
  int thread_count() const { return static_cast<int>(threads_.size()); }

 private:
  void Work();

  const size_t capacity_;
  mutable absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_EXECUTOR_H_
