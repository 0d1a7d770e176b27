#include "clients/cli/csv_writer.h"

namespace candor::cli {

namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

}  // namespace

std::string CsvQuote(std::string_view field) {
  // A leading byte order mark is quoted too: unquoted at the start of a
  // file, readers (ours included) take it for the file's BOM and drop it.
  const bool quote =
      field.find_first_of(",\"\r\n") != std::string_view::npos ||
      (!field.empty() && (field.front() == ' ' || field.back() == ' ')) ||
      field.substr(0, kByteOrderMark.size()) == kByteOrderMark;
  if (!quote) return std::string(field);
  std::string out = "\"";
  for (const char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string CsvLine(const std::vector<std::string>& fields) {
  // One empty field written bare would be a blank line, which readers skip:
  // the record would vanish.
  if (fields.size() == 1 && fields[0].empty()) return "\"\"\r\n";
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += CsvQuote(fields[i]);
  }
  out += "\r\n";
  return out;
}

void CsvWriter::Add(const std::vector<std::string>& fields) {
  text_ += CsvLine(fields);
}

}  // namespace candor::cli
