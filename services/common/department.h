// How departments are compared wherever a service matches one (a story's
// audience in advocacy, the people a new story notifies in engagement): both
// must agree, so the rule lives here. A pure function; thread-safe.
#ifndef CANDOR_SERVICES_COMMON_DEPARTMENT_H_
#define CANDOR_SERVICES_COMMON_DEPARTMENT_H_

#include <string>

#include "absl/strings/string_view.h"

namespace candor {

// The key departments are matched by: without surrounding white space, ASCII
// letters lowercased ("  Sales " and "sales" are one department).
std::string DepartmentKey(absl::string_view department);

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_DEPARTMENT_H_
