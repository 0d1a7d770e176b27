// An RFC 4180 CSV reader for files people export from spreadsheets and HR
// systems: quoted fields, doubled quotes, commas and line breaks inside
// quotes, CRLF or LF line ends, an optional UTF-8 byte order mark.
//
// The input must be valid UTF-8. Every record and field knows the line and
// column it starts at, so an error can point a person at the exact spot
// ("people.csv:17:23: unterminated quoted field"). Columns count characters
// (code points), 1-based, as an editor shows them. A line with nothing on it
// is skipped.
//
// A CsvReader reads one buffer from one thread; it is not thread-safe.
#ifndef CANDOR_CLIENTS_CLI_CSV_READER_H_
#define CANDOR_CLIENTS_CLI_CSV_READER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace candor::cli {

// Where something is in the input: 1-based line and character column.
struct CsvPosition {
  int64_t line = 1;
  int64_t column = 1;
};

struct CsvField {
  std::string value;  // quotes removed, doubled quotes undone
  CsvPosition start;  // the field's first character (its quote, if quoted)
};

struct CsvRecord {
  std::vector<CsvField> fields;
  CsvPosition start;  // where the record's first field starts
  CsvPosition end;    // just past the record's last character
};

class CsvReader {
 public:
  // Reads `text`, which must outlive the reader. `source_name` (usually the
  // file name) prefixes error messages.
  CsvReader(std::string_view text, std::string source_name);

  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Reads the next record into `*record`. Returns false at the end of the
  // input or on an error; status() tells which.
  bool Next(CsvRecord* record);

  // OK until an error; then INVALID_ARGUMENT with a message
  // "SOURCE:LINE:COLUMN: what is wrong". After an error Next() returns false.
  const absl::Status& status() const { return status_; }

  // Formats "SOURCE:LINE:COLUMN: message" for errors found by callers
  // about a record or field this reader produced.
  std::string Describe(const CsvPosition& at, std::string_view message) const;

 private:
  // Consumes one character (a whole UTF-8 sequence), keeping line/column.
  void Advance();
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }
  bool Fail(const CsvPosition& at, std::string_view message);
  bool ReadQuotedField(std::string* value);
  bool ReadUnquotedField(std::string* value);

  const std::string_view text_;
  const std::string source_name_;
  size_t pos_ = 0;
  CsvPosition here_;
  absl::Status status_;
};

// Returns the byte offset of the first invalid UTF-8 sequence in `text`
// (overlong forms, surrogates and code points past U+10FFFF are invalid),
// or std::string_view::npos when `text` is valid.
size_t FindInvalidUtf8(std::string_view text);

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_CSV_READER_H_
