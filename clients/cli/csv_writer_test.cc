#include "clients/cli/csv_writer.h"

#include <string>
#include <vector>

#include "clients/cli/csv_reader.h"
#include "gtest/gtest.h"

namespace candor::cli {
namespace {

TEST(CsvWriterTest, PlainFieldsAreNotQuoted) {
  EXPECT_EQ(CsvQuote("organizations/acme"), "organizations/acme");
  EXPECT_EQ(CsvQuote(""), "");
  EXPECT_EQ(CsvQuote("12"), "12");
}

TEST(CsvWriterTest, QuotesWhatMustBeQuoted) {
  EXPECT_EQ(CsvQuote("Acme, Inc."), "\"Acme, Inc.\"");
  EXPECT_EQ(CsvQuote("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvQuote("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvQuote("cr\rhere"), "\"cr\rhere\"");
  EXPECT_EQ(CsvQuote(" padded "), "\" padded \"");
  EXPECT_EQ(CsvQuote("\""), "\"\"\"\"");
}

TEST(CsvWriterTest, RecordsEndInCrLf) {
  CsvWriter writer;
  writer.Add({"a", "b,c", ""});
  writer.Add({"Zoë", "x"});
  EXPECT_EQ(writer.text(), "a,\"b,c\",\r\nZoë,x\r\n");
  EXPECT_EQ(CsvLine({}), "\r\n");
}

// Found by fuzz_csv_import (corpus: empty-quoted-field, bom-inside-field):
// both records were lost or changed on the way back through the reader.
TEST(CsvWriterTest, KeepsWhatAReaderWouldDrop) {
  // A bare empty field is a blank line, which readers skip.
  EXPECT_EQ(CsvLine({""}), "\"\"\r\n");
  EXPECT_EQ(CsvLine({"", ""}), ",\r\n");
  // A leading BOM at the start of a file is taken for the file's BOM.
  EXPECT_EQ(CsvQuote("\xEF\xBB\xBF"
                     "a"),
            "\"\xEF\xBB\xBF"
            "a\"");
  EXPECT_EQ(CsvQuote("a\xEF\xBB\xBF"), "a\xEF\xBB\xBF");

  CsvWriter writer;
  writer.Add({"\xEF\xBB\xBFid"});
  writer.Add({""});
  CsvReader reader(writer.text(), "report.csv");
  CsvRecord record;
  ASSERT_TRUE(reader.Next(&record));
  ASSERT_EQ(record.fields.size(), 1u);
  EXPECT_EQ(record.fields[0].value, "\xEF\xBB\xBFid");
  ASSERT_TRUE(reader.Next(&record));
  ASSERT_EQ(record.fields.size(), 1u);
  EXPECT_EQ(record.fields[0].value, "");
  EXPECT_FALSE(reader.Next(&record));
  EXPECT_TRUE(reader.status().ok());
}

// What the writer writes, candorctl's own CSV reader reads back.
TEST(CsvWriterTest, RoundTripsThroughTheReader) {
  const std::vector<std::string> fields = {"plain",       "a,b",  "q\"uote",
                                           "multi\nline", " sp ", ""};
  CsvWriter writer;
  writer.Add(fields);
  writer.Add({"x", "y", "z", "1", "2", "3"});
  CsvReader reader(writer.text(), "test.csv");
  CsvRecord record;
  ASSERT_TRUE(reader.Next(&record)) << reader.status();
  ASSERT_EQ(record.fields.size(), fields.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    EXPECT_EQ(record.fields[i].value, fields[i]) << i;
  }
  ASSERT_TRUE(reader.Next(&record)) << reader.status();
  EXPECT_EQ(record.fields[2].value, "z");
  EXPECT_FALSE(reader.Next(&record));
  EXPECT_TRUE(reader.status().ok()) << reader.status();
}

}  // namespace
}  // namespace candor::cli
