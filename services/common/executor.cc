#include "services/common/executor.h"

namespace candor {

BoundedExecutor::BoundedExecutor(int threads, int queue_capacity,
                                 absl::Duration max_queue_wait)
    : capacity_(static_cast<size_t>(queue_capacity)),
      max_queue_wait_(max_queue_wait) {
  threads_.reserve(threads);
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

BoundedExecutor::~BoundedExecutor() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : threads_) t.join();
}

bool BoundedExecutor::TrySubmit(std::function<void()> task,
                                std::function<void()> shed) {
  const absl::Time now = absl::Now();
  absl::MutexLock lock(&mu_);
  if (stopping_ || queue_.size() >= capacity_) return false;
  queue_.push_back(Queued{std::move(task), std::move(shed), now});
  return true;
}

int BoundedExecutor::queue_depth() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(queue_.size());
}

void BoundedExecutor::Work() {
  while (true) {
    Queued next;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](BoundedExecutor* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
            return self->stopping_ || !self->queue_.empty();
          },
          this));
      if (queue_.empty()) return;  // stopping, and nothing left to run
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    if (next.shed && absl::Now() - next.enqueued > max_queue_wait_) {
      next.shed();
    } else {
      next.task();
    }
  }
}

}  // namespace candor
