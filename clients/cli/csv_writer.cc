#include "clients/cli/csv_writer.h"

namespace candor::cli {

std::string CsvQuote(std::string_view field) {
  const bool quote =
      field.find_first_of(",\"\r\n") != std::string_view::npos ||
      (!field.empty() && (field.front() == ' ' || field.back() == ' '));
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
