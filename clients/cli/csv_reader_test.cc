#include "clients/cli/csv_reader.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace candor::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Values(const CsvRecord& record) {
  std::vector<std::string> values;
  for (const CsvField& field : record.fields) values.push_back(field.value);
  return values;
}

// Every record's values, or the error message.
struct ReadResult {
  std::vector<std::vector<std::string>> records;
  std::vector<int64_t> lines;
  std::string error;
};

ReadResult ReadAll(std::string_view text) {
  CsvReader reader(text, "people.csv");
  ReadResult result;
  CsvRecord record;
  while (reader.Next(&record)) {
    result.records.push_back(Values(record));
    result.lines.push_back(record.start.line);
  }
  if (!reader.status().ok()) {
    result.error = std::string(reader.status().message());
  }
  return result;
}

TEST(CsvReaderTest, ReadsPlainRecordsWithLineNumbers) {
  const ReadResult result = ReadAll("a,b,c\n1,2,3\n");
  EXPECT_EQ(result.error, "");
  EXPECT_THAT(result.records, ElementsAre(ElementsAre("a", "b", "c"),
                                          ElementsAre("1", "2", "3")));
  EXPECT_THAT(result.lines, ElementsAre(1, 2));
}

TEST(CsvReaderTest, LastLineNeedsNoLineEnd) {
  const ReadResult result = ReadAll("a,b\n1,2");
  EXPECT_THAT(result.records,
              ElementsAre(ElementsAre("a", "b"), ElementsAre("1", "2")));
}

TEST(CsvReaderTest, KeepsEmptyFieldsIncludingATrailingOne) {
  const ReadResult result = ReadAll(",x,\n,,");
  EXPECT_THAT(result.records,
              ElementsAre(ElementsAre("", "x", ""), ElementsAre("", "", "")));
}

TEST(CsvReaderTest, QuotedFieldsHoldCommasAndDoubledQuotes) {
  const ReadResult result =
      ReadAll("\"Lovelace, Ada\",\"say \"\"hi\"\"\",\"\"\n");
  EXPECT_EQ(result.error, "");
  EXPECT_THAT(result.records,
              ElementsAre(ElementsAre("Lovelace, Ada", "say \"hi\"", "")));
}

TEST(CsvReaderTest, EmbeddedNewlineKeepsLaterLineNumbersRight) {
  const ReadResult result =
      ReadAll("h1,h2\n\"two\nlines\",x\nnext,y\n\"a\r\nb\",z\nlast,w\n");
  EXPECT_EQ(result.error, "");
  EXPECT_THAT(
      result.records,
      ElementsAre(ElementsAre("h1", "h2"), ElementsAre("two\nlines", "x"),
                  ElementsAre("next", "y"), ElementsAre("a\r\nb", "z"),
                  ElementsAre("last", "w")));
  EXPECT_THAT(result.lines, ElementsAre(1, 2, 4, 5, 7));
}

TEST(CsvReaderTest, AcceptsCrlfLineEnds) {
  const ReadResult result = ReadAll("a,b\r\n1,2\r\n\r\n3,4\r\n");
  EXPECT_EQ(result.error, "");
  EXPECT_THAT(result.records,
              ElementsAre(ElementsAre("a", "b"), ElementsAre("1", "2"),
                          ElementsAre("3", "4")));
  EXPECT_THAT(result.lines, ElementsAre(1, 2, 4));
}

TEST(CsvReaderTest, SkipsByteOrderMark) {
  const ReadResult result = ReadAll(
      "\xEF\xBB\xBF"
      "employee_id,email\n");
  EXPECT_THAT(result.records, ElementsAre(ElementsAre("employee_id", "email")));
}

TEST(CsvReaderTest, SkipsBlankLines) {
  const ReadResult result = ReadAll("\n\na\n\nb\n\n");
  EXPECT_THAT(result.records, ElementsAre(ElementsAre("a"), ElementsAre("b")));
  EXPECT_THAT(result.lines, ElementsAre(3, 5));
}

TEST(CsvReaderTest, FieldPositionsCountCharactersNotBytes) {
  CsvReader reader("Zoë,Ünal,x\n", "people.csv");
  CsvRecord record;
  ASSERT_TRUE(reader.Next(&record));
  ASSERT_EQ(record.fields.size(), 3u);
  EXPECT_EQ(record.fields[1].start.column, 5);
  EXPECT_EQ(record.fields[2].start.column, 10);
  EXPECT_EQ(record.end.column, 11);
}

TEST(CsvReaderTest, UnterminatedQuoteNamesWhereTheQuoteOpened) {
  const ReadResult result = ReadAll("a,b\n1,\"never\nclosed\n");
  EXPECT_EQ(result.error, "people.csv:2:3: unterminated quoted field");
}

TEST(CsvReaderTest, TextAfterClosingQuoteIsAnError) {
  const ReadResult result = ReadAll("a,b\n\"x\"y,z\n");
  EXPECT_THAT(result.error, HasSubstr("people.csv:2:4: unexpected character "
                                      "after a closing quote"));
}

TEST(CsvReaderTest, QuoteInsideUnquotedFieldIsAnError) {
  const ReadResult result = ReadAll("a,b\nab\"c,d\n");
  EXPECT_THAT(result.error,
              HasSubstr("people.csv:2:3: quote inside an unquoted field"));
}

TEST(CsvReaderTest, LoneCarriageReturnIsAnError) {
  const ReadResult result = ReadAll("a\rb,c\n");
  EXPECT_THAT(result.error,
              HasSubstr("people.csv:1:2: carriage return without a line feed"));
}

TEST(CsvReaderTest, InvalidUtf8NamesLineAndColumn) {
  const ReadResult result = ReadAll("a,b\nZoë,\xE9t\xE9\n");
  EXPECT_TRUE(result.records.empty());
  EXPECT_THAT(result.error, HasSubstr("people.csv:2:5: invalid UTF-8"));
}

TEST(CsvReaderTest, InvalidUtf8AfterByteOrderMarkCountsFromColumnOne) {
  const ReadResult result = ReadAll("\xEF\xBB\xBF\xFF");
  EXPECT_THAT(result.error, HasSubstr("people.csv:1:1: invalid UTF-8"));
}

TEST(FindInvalidUtf8Test, AcceptsValidAndRejectsMalformedSequences) {
  EXPECT_EQ(FindInvalidUtf8("plain ascii"), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("Zoë 日本 \xF0\x9F\x98\x80"),
            std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("ab\x80"), 2u);            // stray continuation
  EXPECT_EQ(FindInvalidUtf8("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(FindInvalidUtf8("\xE0\x80\xAF"), 0u);      // overlong
  EXPECT_EQ(FindInvalidUtf8("\xED\xA0\x80"), 0u);      // surrogate
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);  // past U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("x\xE6\x97"), 1u);         // truncated
}

}  // namespace
}  // namespace candor::cli
