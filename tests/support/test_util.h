// Small helpers for building test input and running it.
#ifndef CANDOR_TESTS_SUPPORT_TEST_UTIL_H_
#define CANDOR_TESTS_SUPPORT_TEST_UTIL_H_

#include <functional>
#include <string>
#include <vector>

namespace candor::testing {

// `s` repeated `n` times ("" when n <= 0).
std::string Repeat(const std::string& s, int n);

// Runs `tasks` on `threads` threads, each task once; returns when all ran.
void RunConcurrently(std::vector<std::function<void()>> tasks, int threads);

}  // namespace candor::testing

#endif  // CANDOR_TESTS_SUPPORT_TEST_UTIL_H_
