// Resource names arrive in every request, so parsing must take any bytes:
// a name parses or is INVALID_ARGUMENT, and what parses is made only of
// valid ids that rebuild the very same name.
//
// Input: name NUL pattern (the pattern is fuzzed too, as services write
// many; an empty one means only the fixed patterns are tried).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/ids.h"
#include "services/common/resource_name.h"
#include "services/common/validation.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

// `pattern` with its {variables} replaced by `values`, in order.
std::string Fill(const std::string& pattern,
                 const std::vector<std::string>& values) {
  std::vector<std::string> segments = absl::StrSplit(pattern, '/');
  size_t next = 0;
  for (std::string& segment : segments) {
    if (!segment.empty() && segment[0] == '{') segment = values.at(next++);
  }
  FUZZ_CHECK(next == values.size());
  return absl::StrJoin(segments, "/");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  candor::fuzz::FuzzInput input(data, size);
  const std::string name = input.Field();
  const std::string pattern = input.Rest();

  absl::StatusOr<std::string> org = candor::ParseOrganizationName("name", name);
  if (org.ok()) {
    FUZZ_CHECK(candor::CheckResourceId("id", *org).ok());
    FUZZ_CHECK(candor::OrganizationName(*org) == name);
  } else {
    FUZZ_CHECK(absl::IsInvalidArgument(org.status()));
  }

  absl::StatusOr<std::vector<std::string>> staff =
      candor::ParseResourceName("name", name, candor::kStaffMemberPattern);
  if (staff.ok()) {
    FUZZ_CHECK(staff->size() == 2);
    FUZZ_CHECK(candor::StaffMemberName((*staff)[0], (*staff)[1]) == name);
  } else {
    FUZZ_CHECK(absl::IsInvalidArgument(staff.status()));
  }

  if (!pattern.empty()) {
    absl::StatusOr<std::vector<std::string>> values =
        candor::ParseResourceName("name", name, pattern);
    if (values.ok()) {
      for (const std::string& value : *values) {
        FUZZ_CHECK(candor::CheckResourceId("id", value).ok());
      }
      FUZZ_CHECK(Fill(pattern, *values) == name);
    } else {
      FUZZ_CHECK(absl::IsInvalidArgument(values.status()));
    }
  }

  // Server-made ids are valid ids, and names made from them parse back.
  const std::string id = candor::NewResourceId();
  FUZZ_CHECK(id.size() == 16 && candor::CheckResourceId("id", id).ok());
  absl::StatusOr<std::vector<std::string>> made = candor::ParseResourceName(
      "name", candor::StaffMemberName(id, id), candor::kStaffMemberPattern);
  FUZZ_CHECK(made.ok() && (*made)[0] == id && (*made)[1] == id);
  return 0;
}
