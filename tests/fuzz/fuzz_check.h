// FUZZ_CHECK for the fuzz targets: an invariant that does not hold aborts
// with a message, which libFuzzer (and the corpus replay test) report as a
// crash together with the input. assert() would vanish in Release builds.
#ifndef CANDOR_TESTS_FUZZ_FUZZ_CHECK_H_
#define CANDOR_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                \
  do {                                                                       \
    if (!(condition)) {                                                      \
      std::fprintf(stderr, "%s:%d: invariant does not hold: %s\n", __FILE__, \
                   __LINE__, #condition);                                    \
      std::abort();                                                          \
    }                                                                        \
  } while (false)

#endif  // CANDOR_TESTS_FUZZ_FUZZ_CHECK_H_
