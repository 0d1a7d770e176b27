// A tiny RFC 4180 CSV writer for candorctl's reports: fields are quoted
// only when they must be (a comma, a double quote, CR or LF, leading or
// trailing spaces, a leading byte order mark, or a record's only field when
// it is empty), double quotes inside are doubled, records end in CRLF as the
// RFC says ("\r\n"; spreadsheets and csv readers accept it).
#ifndef CANDOR_CLIENTS_CLI_CSV_WRITER_H_
#define CANDOR_CLIENTS_CLI_CSV_WRITER_H_

#include <string>
#include <string_view>
#include <vector>

namespace candor::cli {

// One field, quoted when it needs to be.
std::string CsvQuote(std::string_view field);

// One record: the fields joined by ',' and ending in "\r\n".
std::string CsvLine(const std::vector<std::string>& fields);

// Records collected in order; the first is normally the header row.
class CsvWriter {
 public:
  void Add(const std::vector<std::string>& fields);
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_CSV_WRITER_H_
