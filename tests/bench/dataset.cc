#include "tests/bench/dataset.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace candor::bench {
namespace {

// One table drives both directions, so a field cannot be written and forgotten
// by the reader (or the other way round).
struct ScalarField {
  const char* key;
  uint64_t Dataset::*number;
};
struct TextField {
  const char* key;
  std::string Dataset::*text;
};
struct ListField {
  const char* key;
  std::vector<std::string> Dataset::*list;
};

constexpr ScalarField kScalars[] = {
    {"seed", &Dataset::seed},
    {"staff_count", &Dataset::staff_count},
    {"value_count", &Dataset::value_count},
    {"story_count", &Dataset::story_count},
    {"post_count", &Dataset::post_count},
    {"audit_entry_count", &Dataset::audit_entry_count},
    {"engagement_event_count", &Dataset::engagement_event_count},
};
constexpr TextField kTexts[] = {
    {"organization_id", &Dataset::organization_id},
    {"admin_staff_id", &Dataset::admin_staff_id},
};
constexpr ListField kLists[] = {
    {"reviewer_staff_id", &Dataset::reviewer_staff_ids},
    {"employee_staff_id", &Dataset::employee_staff_ids},
    {"value_id", &Dataset::value_ids},
    {"story_id", &Dataset::story_ids},
    {"share_id", &Dataset::share_ids},
};

}  // namespace

absl::Status WriteDataset(const Dataset& dataset, const std::string& path) {
  std::ostringstream out;
  for (const auto& f : kScalars)
    out << f.key << ' ' << dataset.*f.number << '\n';
  for (const auto& f : kTexts) out << f.key << ' ' << dataset.*f.text << '\n';
  for (const auto& f : kLists) {
    for (const auto& item : dataset.*f.list)
      out << f.key << ' ' << item << '\n';
  }
  // Written beside the target and renamed, so a reader never sees half.
  const std::string temp = path + ".tmp";
  {
    std::ofstream file(temp, std::ios::trunc);
    file << out.str();
    file.close();
    if (!file)
      return absl::UnavailableError(absl::StrCat("cannot write ", temp));
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot rename ", temp, " to ", path));
  }
  return absl::OkStatus();
}

absl::StatusOr<Dataset> ReadDataset(const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    return absl::NotFoundError(
        absl::StrCat(path, ": no dataset manifest (run candor_datagen first)"));
  }
  Dataset dataset;
  std::string line;
  for (int line_number = 1; std::getline(file, line); ++line_number) {
    if (line.empty()) continue;
    const size_t space = line.find(' ');
    const std::string key = line.substr(0, space);
    const std::string value =
        space == std::string::npos ? "" : line.substr(space + 1);
    const auto where = [&] {
      return absl::StrCat(path, ":", line_number, ": ");
    };
    bool known = false;
    for (const auto& f : kScalars) {
      if (key != f.key) continue;
      if (!absl::SimpleAtoi(value, &(dataset.*f.number))) {
        return absl::InvalidArgumentError(
            absl::StrCat(where(), key, " is not a number: ", value));
      }
      known = true;
    }
    for (const auto& f : kTexts) {
      if (key == f.key) dataset.*f.text = value, known = true;
    }
    for (const auto& f : kLists) {
      if (key == f.key) (dataset.*f.list).push_back(value), known = true;
    }
    if (!known) {
      return absl::InvalidArgumentError(
          absl::StrCat(where(), "unknown key ", key));
    }
  }
  if (dataset.organization_id.empty() || dataset.employee_staff_ids.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, ": incomplete manifest (no organization or employees)"));
  }
  return dataset;
}

}  // namespace candor::bench
