#include "tests/support/test_util.h"

namespace candor::testing {

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace candor::testing
