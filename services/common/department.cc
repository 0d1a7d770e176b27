#include "services/common/department.h"

#include "absl/strings/ascii.h"

namespace candor {

std::string DepartmentKey(absl::string_view department) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(department));
}

}  // namespace candor
