// Staff import files come from spreadsheets and HR systems, i.e. from
// anywhere. The CSV reader must take any bytes (errors name a line and a
// column inside the input), what it reads must survive being written back
// with the CSV writer, and a staff import that plans cleanly must be
// idempotent: importing the same file again changes nothing.
//
// Input: the CSV file itself.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/cli/csv_reader.h"
#include "clients/cli/csv_writer.h"
#include "clients/cli/staff_import.h"
#include "services/staff/staff_import.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using candor::cli::CsvReader;
using candor::cli::CsvRecord;

bool Before(const candor::cli::CsvPosition& a,
            const candor::cli::CsvPosition& b) {
  return a.line < b.line || (a.line == b.line && a.column <= b.column);
}

// Every record of `text`, checking positions; false on a reader error.
bool ReadAll(std::string_view text,
             std::vector<std::vector<std::string>>* out) {
  CsvReader reader(text, "fuzz.csv");
  CsvRecord record;
  candor::cli::CsvPosition last;
  while (reader.Next(&record)) {
    FUZZ_CHECK(!record.fields.empty());
    FUZZ_CHECK(Before(last, record.start) && Before(record.start, record.end));
    std::vector<std::string> values;
    for (const candor::cli::CsvField& field : record.fields) {
      FUZZ_CHECK(Before(record.start, field.start) &&
                 Before(field.start, record.end));
      values.push_back(field.value);
    }
    last = record.end;
    out->push_back(std::move(values));
  }
  if (reader.status().ok()) return true;
  FUZZ_CHECK(reader.status().code() == absl::StatusCode::kInvalidArgument);
  FUZZ_CHECK(reader.status().message().rfind("fuzz.csv:", 0) == 0);
  return false;
}

void CheckWriterRoundTrip(std::string_view text) {
  std::vector<std::vector<std::string>> records;
  if (!ReadAll(text, &records)) return;
  std::string written;
  for (const std::vector<std::string>& fields : records) {
    written += candor::cli::CsvLine(fields);
  }
  std::vector<std::vector<std::string>> again;
  FUZZ_CHECK(ReadAll(written, &again));
  FUZZ_CHECK(again == records);
}

void CheckStaffImport(std::string_view text) {
  absl::StatusOr<std::vector<candor::cli::ImportRow>> parsed =
      candor::cli::ReadStaffImportCsv(text, "fuzz.csv");
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.status().code() == absl::StatusCode::kInvalidArgument);
    return;
  }
  std::vector<candor::staff::ImportRow> rows;
  int64_t last_row = 1;  // the header
  for (const candor::cli::ImportRow& in : *parsed) {
    FUZZ_CHECK(in.row_number() > last_row);
    last_row = in.row_number();
    absl::StatusOr<candor::staff::ImportRow> row =
        candor::staff::ImportRowFromProto(in);
    FUZZ_CHECK(row.ok() && "the CLI produced an unknown role");
    rows.push_back(*std::move(row));
  }

  int next_id = 0;
  const auto new_id = [&next_id] { return absl::StrCat("id", next_id++); };
  constexpr int64_t kNow = 1700000000000000;
  const candor::staff::ImportPlan first =
      candor::staff::PlanImport(rows, {}, "org", kNow, new_id);
  for (const candor::staff::ImportError& error : first.errors) {
    FUZZ_CHECK(!error.reason.empty());
  }
  if (!first.errors.empty()) return;
  FUZZ_CHECK(first.creates.size() == rows.size() && first.updates.empty());

  // The same file again, against what the first import created.
  const candor::staff::ImportPlan second =
      candor::staff::PlanImport(rows, first.creates, "org", kNow + 1, new_id);
  FUZZ_CHECK(second.errors.empty());
  FUZZ_CHECK(second.creates.empty() && second.updates.empty());
  FUZZ_CHECK(second.unchanged == static_cast<int64_t>(rows.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckWriterRoundTrip(text);
  CheckStaffImport(text);
  return 0;
}
