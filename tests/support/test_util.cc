#include "tests/support/test_util.h"

#include <atomic>
#include <thread>

namespace candor::testing {

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

void RunConcurrently(std::vector<std::function<void()>> tasks, int threads) {
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (size_t i = next++; i < tasks.size(); i = next++) tasks[i]();
    });
  }
  for (std::thread& worker : workers) worker.join();
}

}  // namespace candor::testing
