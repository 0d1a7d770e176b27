#include "db/durability.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace candor::db {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::map<std::string, std::string> Durable() {
  return {{"innodb_flush_log_at_trx_commit", "1"},
          {"sync_binlog", "0"},
          {"log_bin", "OFF"},
          {"innodb_doublewrite", "ON"}};
}

TEST(DurabilityWarningsTest, NoneWhenDurable) {
  EXPECT_THAT(DurabilityWarnings(Durable()), IsEmpty());
  auto with_binlog = Durable();
  with_binlog["log_bin"] = "ON";
  with_binlog["sync_binlog"] = "1";
  EXPECT_THAT(DurabilityWarnings(with_binlog), IsEmpty());
  auto numeric = Durable();
  numeric["innodb_doublewrite"] = "1";
  EXPECT_THAT(DurabilityWarnings(numeric), IsEmpty());
}

TEST(DurabilityWarningsTest, NamesAWeakenedFlushSettingAndItsValue) {
  for (const char* value : {"0", "2"}) {
    auto variables = Durable();
    variables["innodb_flush_log_at_trx_commit"] = value;
    EXPECT_THAT(DurabilityWarnings(variables),
                ElementsAre(HasSubstr(
                    std::string("innodb_flush_log_at_trx_commit=") + value)));
  }
}

TEST(DurabilityWarningsTest, SyncBinlogMattersOnlyWithTheBinaryLog) {
  auto variables = Durable();
  variables["sync_binlog"] = "0";
  EXPECT_THAT(DurabilityWarnings(variables), IsEmpty());
  variables["log_bin"] = "ON";
  EXPECT_THAT(DurabilityWarnings(variables),
              ElementsAre(HasSubstr("sync_binlog=0 with log_bin=ON")));
}

TEST(DurabilityWarningsTest, NamesDoublewriteOff) {
  auto variables = Durable();
  variables["innodb_doublewrite"] = "OFF";
  EXPECT_THAT(DurabilityWarnings(variables),
              ElementsAre(HasSubstr("innodb_doublewrite=OFF")));
}

TEST(DurabilityWarningsTest, WarnsWhenASettingIsNotReported) {
  auto variables = Durable();
  variables.erase("innodb_doublewrite");
  EXPECT_THAT(DurabilityWarnings(variables),
              ElementsAre(HasSubstr("does not report innodb_doublewrite")));
}

TEST(DurabilityWarningsTest, ListsEveryWeakenedSetting) {
  const std::map<std::string, std::string> weak = {
      {"innodb_flush_log_at_trx_commit", "2"},
      {"sync_binlog", "0"},
      {"log_bin", "ON"},
      {"innodb_doublewrite", "OFF"}};
  EXPECT_EQ(DurabilityWarnings(weak).size(), 3u);
}

}  // namespace
}  // namespace candor::db
