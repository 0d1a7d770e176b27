#include "clients/cli/csv_reader.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace candor::cli {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the valid UTF-8 sequence starting at text[pos], or 0 when the
// bytes there are not one.
size_t ValidSequenceLength(std::string_view text, size_t pos) {
  const auto byte = [&](size_t i) -> unsigned char {
    return static_cast<unsigned char>(text[pos + i]);
  };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  size_t length;
  unsigned char min_second = 0x80;
  unsigned char max_second = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) min_second = 0xA0;  // overlong
    if (lead == 0xED) max_second = 0x9F;  // UTF-16 surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) min_second = 0x90;  // overlong
    if (lead == 0xF4) max_second = 0x8F;  // past U+10FFFF
  } else {
    return 0;  // a continuation byte, an overlong lead, or past U+10FFFF
  }
  if (pos + length > text.size()) return 0;
  if (byte(1) < min_second || byte(1) > max_second) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (!IsContinuation(byte(i))) return 0;
  }
  return length;
}

// The line and column of byte `offset`; the bytes before it are valid UTF-8.
CsvPosition PositionOf(std::string_view text, size_t offset) {
  CsvPosition at;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++at.line;
      at.column = 1;
    } else if (!IsContinuation(c)) {
      ++at.column;
    }
  }
  return at;
}

bool IsLineEnd(std::string_view text, size_t pos) {
  return text[pos] == '\n' ||
         (text[pos] == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n');
}

}  // namespace

size_t FindInvalidUtf8(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t length = ValidSequenceLength(text, pos);
    if (length == 0) return pos;
    pos += length;
  }
  return std::string_view::npos;
}

CsvReader::CsvReader(std::string_view text, std::string source_name)
    : text_(text), source_name_(std::move(source_name)) {
  if (text_.substr(0, kByteOrderMark.size()) == kByteOrderMark) {
    pos_ = kByteOrderMark.size();
  }
  const size_t invalid = FindInvalidUtf8(text_.substr(pos_));
  if (invalid != std::string_view::npos) {
    Fail(PositionOf(text_.substr(pos_), invalid),
         "invalid UTF-8 (save the file as UTF-8)");
  }
}

std::string CsvReader::Describe(const CsvPosition& at,
                                std::string_view message) const {
  // (Debian's Abseil has its own string_view, so std::string_view goes in as
  // a string.)
  return absl::StrCat(source_name_, ":", at.line, ":", at.column, ": ",
                      std::string(message));
}

bool CsvReader::Fail(const CsvPosition& at, std::string_view message) {
  status_ = absl::InvalidArgumentError(Describe(at, message));
  return false;
}

void CsvReader::Advance() {
  if (text_[pos_] == '\n') {
    ++here_.line;
    here_.column = 1;
    ++pos_;
    return;
  }
  // The input was validated, so the sequence length cannot be 0.
  pos_ += ValidSequenceLength(text_, pos_);
  ++here_.column;
}

bool CsvReader::Next(CsvRecord* record) {
  if (!status_.ok()) return false;
  // Skip lines with nothing on them (blank lines, the end of the file).
  while (!AtEnd() && IsLineEnd(text_, pos_)) {
    if (Peek() == '\r') Advance();
    Advance();
  }
  if (AtEnd()) return false;

  record->fields.clear();
  record->start = here_;
  while (true) {
    CsvField field;
    field.start = here_;
    const bool ok = Peek() == '"' ? ReadQuotedField(&field.value)
                                  : ReadUnquotedField(&field.value);
    if (!ok) return false;
    record->fields.push_back(std::move(field));
    if (AtEnd()) {
      record->end = here_;
      return true;
    }
    if (Peek() == ',') {
      Advance();
      // A record may end in an empty field ("a,b,").
      if (AtEnd()) {
        record->fields.push_back(CsvField{"", here_});
        record->end = here_;
        return true;
      }
      continue;
    }
    // The field readers stop only at ',', a line end or the end of input.
    record->end = here_;
    if (Peek() == '\r') Advance();
    Advance();
    return true;
  }
}

bool CsvReader::ReadUnquotedField(std::string* value) {
  const size_t begin = pos_;
  while (!AtEnd()) {
    const char c = Peek();
    if (c == ',' || IsLineEnd(text_, pos_)) break;
    if (c == '"') {
      return Fail(here_,
                  "quote inside an unquoted field (quote the whole field and "
                  "double the quotes inside it)");
    }
    if (c == '\r') {
      return Fail(here_, "carriage return without a line feed");
    }
    Advance();
  }
  value->assign(text_.substr(begin, pos_ - begin));
  return true;
}

bool CsvReader::ReadQuotedField(std::string* value) {
  const CsvPosition opening = here_;
  Advance();  // the opening quote
  value->clear();
  while (true) {
    if (AtEnd()) return Fail(opening, "unterminated quoted field");
    if (Peek() != '"') {
      const size_t begin = pos_;
      Advance();
      value->append(text_.substr(begin, pos_ - begin));
      continue;
    }
    Advance();  // a quote: doubled, or the closing one
    if (!AtEnd() && Peek() == '"') {
      value->push_back('"');
      Advance();
      continue;
    }
    if (AtEnd() || Peek() == ',' || IsLineEnd(text_, pos_)) return true;
    return Fail(here_,
                "unexpected character after a closing quote (double a quote "
                "inside a quoted field)");
  }
}

}  // namespace candor::cli
