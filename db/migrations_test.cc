#include "db/migrations.h"

#include "gtest/gtest.h"

namespace candor::db {
namespace {

TEST(SplitSqlStatementsTest, SplitsAtSemicolonsThatEndLines) {
  EXPECT_EQ(SplitSqlStatements("CREATE TABLE a (x INT);\n"
                               "-- a comment; with a semicolon;\n"
                               "CREATE TABLE b (\n  y INT\n);\n"),
            (std::vector<std::string>{"CREATE TABLE a (x INT)",
                                      "CREATE TABLE b (\n  y INT\n)"}));
}

TEST(SplitSqlStatementsTest, KeepsSemicolonsInsideQuotes) {
  EXPECT_EQ(SplitSqlStatements("INSERT INTO t VALUES ('a;\nb;');\n"
                               "INSERT INTO t VALUES ('it\\'s;');"),
            (std::vector<std::string>{"INSERT INTO t VALUES ('a;\nb;')",
                                      "INSERT INTO t VALUES ('it\\'s;')"}));
}

TEST(SplitSqlStatementsTest, EmptyTextHasNoStatements) {
  EXPECT_TRUE(SplitSqlStatements("\n-- nothing\n\n").empty());
}

TEST(EmbeddedMigrationsTest, EveryServiceStartsAtVersionOneWithoutGaps) {
  std::string service;
  int expected = 0;
  for (const Migration& m : EmbeddedMigrations()) {
    if (m.service != service) {
      service = std::string(m.service);
      expected = 1;
    }
    EXPECT_EQ(m.version, expected) << m.service << "/" << m.file_name;
    ++expected;
  }
  EXPECT_FALSE(MigrationsFor("staff").empty());
}

}  // namespace
}  // namespace candor::db
