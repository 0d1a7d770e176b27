#include "clients/cli/staff_import.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cli/csv_reader.h"
#include "clients/cli/staff_fields.h"

namespace candor::cli {
namespace {

using ::candor::staff::v1::ImportStaffMembersRequest;
using ::candor::staff::v1::ImportStaffMembersResponse;

enum class Column {
  kEmployeeId,
  kDisplayName,
  kEmail,
  kDepartment,
  kTitle,
  kLocation,
  kManagerEmployeeId,
  kRoles,
};

struct ColumnSpec {
  std::string_view header;
  Column column;
  bool required;
};

constexpr ColumnSpec kColumns[] = {
    {"employee_id", Column::kEmployeeId, true},
    {"display_name", Column::kDisplayName, true},
    {"email", Column::kEmail, true},
    {"department", Column::kDepartment, false},
    {"title", Column::kTitle, false},
    {"location", Column::kLocation, false},
    {"manager_employee_id", Column::kManagerEmployeeId, false},
    {"roles", Column::kRoles, false},
};
constexpr size_t kColumnCount = sizeof(kColumns) / sizeof(kColumns[0]);

// Past this many, more problems are counted rather than listed.
constexpr size_t kMaxListedProblems = 30;

std::string KnownColumns() {
  std::string known;
  for (const ColumnSpec& spec : kColumns) {
    if (!known.empty()) known += ", ";
    known += spec.header;
  }
  return known;
}

std::optional<size_t> FindColumn(const std::string& header) {
  for (size_t i = 0; i < kColumnCount; ++i) {
    if (kColumns[i].header == header) return i;
  }
  return std::nullopt;
}

absl::Status Problems(std::vector<std::string> problems) {
  if (problems.size() > kMaxListedProblems) {
    const size_t more = problems.size() - kMaxListedProblems;
    problems.resize(kMaxListedProblems);
    problems.push_back(absl::StrCat("... and ", more, " more problems"));
  }
  return absl::InvalidArgumentError(absl::StrJoin(problems, "\n"));
}

// The header's columns as indexes into kColumns.
absl::StatusOr<std::vector<size_t>> ReadHeader(CsvReader& reader,
                                               const std::string& file_name) {
  CsvRecord header;
  if (!reader.Next(&header)) {
    if (!reader.status().ok()) return reader.status();
    return absl::InvalidArgumentError(
        file_name + ": empty file; its first line must name the columns (" +
        KnownColumns() + ")");
  }
  std::vector<std::string> problems;
  std::vector<size_t> layout;
  bool seen[kColumnCount] = {};
  for (const CsvField& field : header.fields) {
    const std::string name =
        absl::AsciiStrToLower(absl::StripAsciiWhitespace(field.value));
    const std::optional<size_t> index = FindColumn(name);
    if (!index) {
      problems.push_back(reader.Describe(
          field.start, "unknown column \"" + field.value +
                           "\" (known columns: " + KnownColumns() + ")"));
      continue;
    }
    if (seen[*index]) {
      problems.push_back(
          reader.Describe(field.start, "column \"" + name + "\" given twice"));
    }
    seen[*index] = true;
    layout.push_back(*index);
  }
  for (size_t i = 0; i < kColumnCount; ++i) {
    if (kColumns[i].required && !seen[i]) {
      problems.push_back(reader.Describe(
          header.start, absl::StrCat("missing required column \"",
                                     std::string(kColumns[i].header), "\"")));
    }
  }
  if (!problems.empty()) return Problems(std::move(problems));
  return layout;
}

}  // namespace

absl::StatusOr<std::vector<ImportRow>> ReadStaffImportCsv(
    std::string_view text, const std::string& file_name) {
  CsvReader reader(text, file_name);
  absl::StatusOr<std::vector<size_t>> layout = ReadHeader(reader, file_name);
  if (!layout.ok()) return layout.status();

  std::vector<ImportRow> rows;
  std::vector<std::string> problems;
  CsvRecord record;
  while (reader.Next(&record)) {
    if (record.fields.size() != layout->size()) {
      // Point at the first extra field, or where the missing ones should be.
      const CsvPosition at = record.fields.size() > layout->size()
                                 ? record.fields[layout->size()].start
                                 : record.end;
      problems.push_back(reader.Describe(
          at, absl::StrCat(record.fields.size(), " fields, but the header has ",
                           layout->size(), " columns")));
      continue;
    }
    ImportRow row;
    row.set_row_number(record.start.line);
    for (size_t i = 0; i < layout->size(); ++i) {
      CsvField& field = record.fields[i];
      switch (kColumns[(*layout)[i]].column) {
        case Column::kEmployeeId:
          row.set_employee_id(std::move(field.value));
          break;
        case Column::kDisplayName:
          row.set_display_name(std::move(field.value));
          break;
        case Column::kEmail:
          row.set_email(std::move(field.value));
          break;
        case Column::kDepartment:
          row.set_department(std::move(field.value));
          break;
        case Column::kTitle:
          row.set_title(std::move(field.value));
          break;
        case Column::kLocation:
          row.set_location(std::move(field.value));
          break;
        case Column::kManagerEmployeeId:
          row.set_manager_employee_id(std::move(field.value));
          break;
        case Column::kRoles: {
          absl::StatusOr<std::vector<StaffMember::Role>> roles =
              ParseStaffRoles(field.value, ';');
          if (!roles.ok()) {
            problems.push_back(reader.Describe(
                field.start,
                "roles: " + std::string(roles.status().message())));
            break;
          }
          for (StaffMember::Role role : *roles) row.add_roles(role);
          break;
        }
      }
    }
    rows.push_back(std::move(row));
  }
  if (!reader.status().ok()) {
    problems.push_back(std::string(reader.status().message()));
  }
  if (!problems.empty()) return Problems(std::move(problems));
  return rows;
}

std::vector<ImportStaffMembersRequest> BuildImportRequests(
    const std::string& parent, bool validate_only, std::vector<ImportRow> rows,
    size_t rows_per_message) {
  rows_per_message = std::max<size_t>(rows_per_message, 1);
  std::vector<ImportStaffMembersRequest> requests(1);
  requests[0].set_parent(parent);
  requests[0].set_validate_only(validate_only);
  for (ImportRow& row : rows) {
    if (requests.back().rows_size() >= static_cast<int>(rows_per_message)) {
      requests.emplace_back();
    }
    *requests.back().add_rows() = std::move(row);
  }
  return requests;
}

std::string FormatImportRowError(
    const std::string& file_name,
    const ImportStaffMembersResponse::RowError& error) {
  if (error.field().empty()) {
    return absl::StrCat(file_name, ":", error.row_number(), ": ",
                        error.reason());
  }
  return absl::StrCat(file_name, ":", error.row_number(), ": ", error.field(),
                      ": ", error.reason());
}

}  // namespace candor::cli
