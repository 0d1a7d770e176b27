#include "db/statement.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>

#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace candor::db {
namespace {

using ::testing::ElementsAre;

// Records each setter call as "setter(index, value)"; executeUpdate fails
// with `error_code` when it is set. Everything else is unused.
class RecordingStatement : public sql::PreparedStatement {
 public:
  std::vector<std::string> calls;
  int error_code = 0;

  void setBlob(unsigned int i, std::istream* blob) override {
    std::ostringstream bytes;
    bytes << blob->rdbuf();
    calls.push_back(absl::StrCat("setBlob(", i, ", ", bytes.str(), ")"));
  }
  void setBoolean(unsigned int i, bool value) override {
    calls.push_back(absl::StrCat("setBoolean(", i, ", ", value ? 1 : 0, ")"));
  }
  void setInt(unsigned int i, int32_t value) override {
    calls.push_back(absl::StrCat("setInt(", i, ", ", value, ")"));
  }
  void setUInt(unsigned int i, uint32_t value) override {
    calls.push_back(absl::StrCat("setUInt(", i, ", ", value, ")"));
  }
  void setInt64(unsigned int i, int64_t value) override {
    calls.push_back(absl::StrCat("setInt64(", i, ", ", value, ")"));
  }
  void setNull(unsigned int i, int type) override {
    calls.push_back(absl::StrCat("setNull(", i, ", ", type, ")"));
  }
  void setString(unsigned int i, const sql::SQLString& value) override {
    calls.push_back(
        absl::StrCat("setString(", i, ", ", value.asStdString(), ")"));
  }
  int executeUpdate() override {
    if (error_code != 0) throw sql::SQLException("failed", "23000", error_code);
    return 1;
  }

  void setBigInt(unsigned int, const sql::SQLString&) override {}
  void setDateTime(unsigned int, const sql::SQLString&) override {}
  void setDouble(unsigned int, double) override {}
  void setUInt64(unsigned int, uint64_t) override {}
  void clearParameters() override {}
  bool execute(const sql::SQLString&) override { return false; }
  bool execute() override { return false; }
  sql::ResultSet* executeQuery(const sql::SQLString&) override {
    return nullptr;
  }
  sql::ResultSet* executeQuery() override { return nullptr; }
  int executeUpdate(const sql::SQLString&) override { return 0; }
  sql::ResultSetMetaData* getMetaData() override { return nullptr; }
  sql::ParameterMetaData* getParameterMetaData() override { return nullptr; }
  bool getMoreResults() override { return false; }
  PreparedStatement* setResultSetType(sql::ResultSet::enum_type) override {
    return this;
  }
  sql::Connection* getConnection() override { return nullptr; }
  void cancel() override {}
  void clearWarnings() override {}
  void close() override {}
  size_t getFetchSize() override { return 0; }
  unsigned int getMaxFieldSize() override { return 0; }
  uint64_t getMaxRows() override { return 0; }
  unsigned int getQueryTimeout() override { return 0; }
  sql::ResultSet* getResultSet() override { return nullptr; }
  sql::ResultSet::enum_type getResultSetType() override {
    return sql::ResultSet::TYPE_FORWARD_ONLY;
  }
  uint64_t getUpdateCount() override { return 0; }
  const sql::SQLWarning* getWarnings() override { return nullptr; }
  void setCursorName(const sql::SQLString&) override {}
  void setEscapeProcessing(bool) override {}
  void setFetchSize(size_t) override {}
  void setMaxFieldSize(unsigned int) override {}
  void setMaxRows(unsigned int) override {}
  void setQueryTimeout(unsigned int) override {}
};

enum class Color : int { kRed = 2 };

TEST(BindTest, PicksTheSetterByType) {
  RecordingStatement s;
  const std::string text = "a";
  std::istringstream blob("bytes");
  Bind(s, text, absl::string_view("b"), "c", true, 7, uint32_t{8}, int64_t{9},
       Color::kRed, Blob{&blob});
  EXPECT_THAT(
      s.calls,
      ElementsAre("setString(1, a)", "setString(2, b)", "setString(3, c)",
                  "setBoolean(4, 1)", "setInt(5, 7)", "setUInt(6, 8)",
                  "setInt64(7, 9)", "setInt(8, 2)", "setBlob(9, bytes)"));
}

TEST(BindTest, EmptyOptionalsBindNullOfTheirType) {
  RecordingStatement s;
  Bind(s, std::optional<std::string>(), std::optional<int>(),
       std::optional<int64_t>(), std::optional<Color>(), std::optional<Blob>(),
       std::optional<std::string>("x"));
  EXPECT_THAT(
      s.calls,
      ElementsAre(
          absl::StrCat("setNull(1, ", sql::DataType::VARCHAR, ")"),
          absl::StrCat("setNull(2, ", sql::DataType::INTEGER, ")"),
          absl::StrCat("setNull(3, ", sql::DataType::BIGINT, ")"),
          absl::StrCat("setNull(4, ", sql::DataType::INTEGER, ")"),
          absl::StrCat("setNull(5, ", sql::DataType::LONGVARBINARY, ")"),
          "setString(6, x)"));
}

TEST(BindTest, BindAtContinuesFromAnIndex) {
  RecordingStatement s;
  int next = BindAt(s, 1, "org");
  for (int row = 0; row < 2; ++row) next = BindAt(s, next, row, "id");
  EXPECT_EQ(next, 6);
  EXPECT_THAT(s.calls, ElementsAre("setString(1, org)", "setInt(2, 0)",
                                   "setString(3, id)", "setInt(4, 1)",
                                   "setString(5, id)"));
}

TEST(ExecuteUniqueTest, DuplicateKeyBecomesTheCallersStatus) {
  RecordingStatement s;
  auto taken = [](const sql::SQLException&) {
    return absl::AlreadyExistsError("taken");
  };
  EXPECT_TRUE(ExecuteUnique(s, taken).ok());
  s.error_code = 1062;
  EXPECT_EQ(ExecuteUnique(s, taken), absl::AlreadyExistsError("taken"));
  s.error_code = 1213;
  EXPECT_THROW(ExecuteUnique(s, taken).IgnoreError(), sql::SQLException);
}

}  // namespace
}  // namespace candor::db
