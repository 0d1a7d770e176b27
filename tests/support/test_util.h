// Small helpers for building test input.
#ifndef CANDOR_TESTS_SUPPORT_TEST_UTIL_H_
#define CANDOR_TESTS_SUPPORT_TEST_UTIL_H_

#include <string>

namespace candor::testing {

// `s` repeated `n` times ("" when n <= 0).
std::string Repeat(const std::string& s, int n);

}  // namespace candor::testing

#endif  // CANDOR_TESTS_SUPPORT_TEST_UTIL_H_
