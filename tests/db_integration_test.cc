// The db library against a real MariaDB: pool limits, transactions, error
// mapping and the migration runner.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "db/migrations.h"
#include "db/pool.h"
#include "db/transaction.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/test_database.h"

namespace candor::db {
namespace {

using ::candor::testing::TestDatabase;
using ::testing::HasSubstr;

// A scratch schema for these tests, made with the migration runner itself.
constexpr absl::string_view kService = "dbtest";

constexpr absl::string_view kInsertItem =
    "INSERT INTO items (id, label) VALUES (?, ?)";
constexpr absl::string_view kCountItems =
    "SELECT COUNT(*) FROM items WHERE id = ?";

const std::vector<Migration>& TestMigrations() {
  static const auto* const kMigrations = new std::vector<Migration>{
      {kService, 1, "V0001__items.sql",
       "CREATE TABLE items (id VARCHAR(40) PRIMARY KEY, label VARCHAR(40));\n"},
  };
  return *kMigrations;
}

PoolOptions TestPoolOptions(int max_connections = 2) {
  PoolOptions options;
  options.connection = TestDatabase::Get().options();
  options.connection.schema = SchemaFor(kService);
  options.max_connections = max_connections;
  options.borrow_timeout = absl::Milliseconds(300);
  return options;
}

class DbIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(
        Migrate(TestDatabase::Get().options(), kService, TestMigrations())
            .ok());
  }

  static int64_t CountItems(Pool& pool, const std::string& id) {
    auto connection = pool.Borrow();
    EXPECT_TRUE(connection.ok());
    auto count = db::Run(
        "count", *connection, [&](Connection& c) -> absl::StatusOr<int64_t> {
          auto& select = c.Prepare(kCountItems);
          select.setString(1, id);
          std::unique_ptr<sql::ResultSet> row(select.executeQuery());
          row->next();
          return row->getInt64(1);
        });
    EXPECT_TRUE(count.ok()) << count.status();
    return count.value_or(-1);
  }

  static absl::Status InsertItem(Transaction& tx, const std::string& id) {
    return db::Run("insert item", tx, [&](Connection& c) {
      auto& insert = c.Prepare(kInsertItem);
      insert.setString(1, id);
      insert.setString(2, "label");
      insert.executeUpdate();
      return absl::OkStatus();
    });
  }
};

TEST_F(DbIntegrationTest, BorrowTimesOutWithUnavailableWhenPoolIsExhausted) {
  Pool pool(TestPoolOptions(2));
  auto first = pool.Borrow();
  auto second = pool.Borrow();
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(pool.stats().in_use, 2);
  auto third = pool.Borrow();
  EXPECT_EQ(third.status().code(), absl::StatusCode::kUnavailable);
  { PooledConnection released = *std::move(first); }
  auto fourth = pool.Borrow();
  EXPECT_TRUE(fourth.ok()) << fourth.status();
  EXPECT_EQ(pool.stats().open, 2);
}

TEST_F(DbIntegrationTest, WaitingBorrowerGetsAReturnedConnection) {
  Pool pool(TestPoolOptions(1));
  auto held = pool.Borrow();
  ASSERT_TRUE(held.ok());
  std::thread returner([&] {
    absl::SleepFor(absl::Milliseconds(50));
    PooledConnection released = *std::move(held);
  });
  auto waited = pool.Borrow();
  returner.join();
  EXPECT_TRUE(waited.ok()) << waited.status();
}

TEST_F(DbIntegrationTest, TransactionRollsBackUnlessCommitted) {
  Pool pool(TestPoolOptions());
  const std::string id = testing::UniqueId("rollback");
  {
    auto tx = Transaction::Begin(pool);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(InsertItem(*tx, id).ok());
  }  // destroyed without Commit
  EXPECT_EQ(CountItems(pool, id), 0);
  {
    auto tx = Transaction::Begin(pool);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(InsertItem(*tx, id).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(CountItems(pool, id), 1);
}

TEST_F(DbIntegrationTest, DuplicateKeyMapsToAlreadyExistsWithoutSqlText) {
  Pool pool(TestPoolOptions());
  const std::string id = testing::UniqueId("dup");
  auto tx = Transaction::Begin(pool);
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE(InsertItem(*tx, id).ok());
  absl::Status again = InsertItem(*tx, id);
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(again.message(), HasSubstr("insert item"));
  EXPECT_THAT(std::string(again.message()),
              ::testing::Not(HasSubstr("INSERT")));
}

TEST_F(DbIntegrationTest, SyntaxErrorMapsToInternalWithoutSqlText) {
  Pool pool(TestPoolOptions());
  auto connection = pool.Borrow();
  ASSERT_TRUE(connection.ok());
  absl::Status status = db::Run("broken", *connection, [](Connection& c) {
    c.Execute("SELEKT secret_column FROM items");
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(status.message()),
              ::testing::Not(HasSubstr("secret_column")));
}

TEST_F(DbIntegrationTest, UnreachableDatabaseIsUnavailable) {
  PoolOptions options = TestPoolOptions();
  options.connection.unix_socket = "/nonexistent/mysqld.sock";
  Pool pool(options);
  EXPECT_EQ(pool.Borrow().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(pool.stats().open, 0);
}

// The session id of `connection`'s server session, through a prepared
// statement (so the statement cache is exercised too); -1 on failure.
absl::StatusOr<int64_t> SessionId(Connection& connection) {
  return db::Run("session id", connection,
                 [](Connection& c) -> absl::StatusOr<int64_t> {
                   auto& select = c.Prepare("SELECT CONNECTION_ID()");
                   std::unique_ptr<sql::ResultSet> row(select.executeQuery());
                   row->next();
                   return row->getInt64(1);
                 });
}

TEST_F(DbIntegrationTest, LostConnectionMarksDownAndThePoolRebuildsFresh) {
  Pool pool(TestPoolOptions(3));
  auto victim = pool.Borrow();
  auto bystander = pool.Borrow();
  ASSERT_TRUE(victim.ok() && bystander.ok());
  const auto victim_id = SessionId(**victim);
  const auto bystander_id = SessionId(**bystander);
  ASSERT_TRUE(victim_id.ok() && bystander_id.ok());

  // The server ends the victim's session, as a restart or an operator would.
  ASSERT_TRUE(db::Run("kill", *bystander, [&](Connection& c) {
                c.Execute(absl::StrCat("KILL CONNECTION ", *victim_id));
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(SessionId(**victim).status().code(),
            absl::StatusCode::kUnavailable);
  { PooledConnection returned = *std::move(victim); }
  EXPECT_TRUE(pool.stats().database_down);
  // Connections from before the failure are closed, not reused: only the
  // probe's fresh connection, if it is back already, is left open.
  { PooledConnection returned = *std::move(bystander); }
  EXPECT_LE(pool.stats().open, 1);

  // Meanwhile borrowers fail fast; the pool's probe reconnects at once.
  for (int i = 0; i < 100 && pool.stats().database_down; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_FALSE(pool.stats().database_down);
  auto fresh = pool.Borrow();
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  const auto fresh_id = SessionId(**fresh);
  ASSERT_TRUE(fresh_id.ok()) << fresh_id.status();
  EXPECT_NE(*fresh_id, *victim_id);
  EXPECT_NE(*fresh_id, *bystander_id);
}

TEST_F(DbIntegrationTest, BorrowFailsFastWhileTheDatabaseIsUnreachable) {
  PoolOptions options = TestPoolOptions();
  options.connection.unix_socket = "/nonexistent/mysqld.sock";
  options.probe_interval = absl::Seconds(60);
  Pool pool(options);
  EXPECT_EQ(pool.Borrow().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(pool.stats().database_down);
  // The probe thread waits a minute before it tries again; meanwhile
  // every borrower gets UNAVAILABLE at once.
  const absl::Status again = pool.Borrow().status();
  EXPECT_EQ(again.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(again.message(), HasSubstr("unreachable"));
  EXPECT_EQ(pool.CheckHealth().code(), absl::StatusCode::kUnavailable);
}

TEST_F(DbIntegrationTest, MigrationsApplyOnceAndRefuseEditedFiles) {
  const std::string service = "dbmigrate";
  std::vector<Migration> migrations = {
      {service, 1, "V0001__a.sql", "CREATE TABLE a (x INT);\n"},
  };
  const ConnectionOptions& server = TestDatabase::Get().options();
  ASSERT_TRUE(Migrate(server, service, migrations).ok());
  // Running again applies nothing new and succeeds.
  ASSERT_TRUE(Migrate(server, service, migrations).ok());
  // A new file is applied after the old one.
  migrations.push_back(
      {service, 2, "V0002__b.sql", "CREATE TABLE b (y INT);\n"});
  ASSERT_TRUE(Migrate(server, service, migrations).ok());

  std::vector<Migration> edited = migrations;
  edited[0].sql = "CREATE TABLE a (x BIGINT);\n";
  absl::Status refused = Migrate(server, service, edited);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.message(), HasSubstr("V0001__a.sql was edited"));

  // A database newer than the binary is refused too.
  std::vector<Migration> older(migrations.begin(), migrations.begin() + 1);
  EXPECT_THAT(Migrate(server, service, older).message(),
              HasSubstr("V0002__b.sql"));
}

TEST_F(DbIntegrationTest, FailedMigrationNamesTheFileAndIsNotRecorded) {
  const std::string service = "dbbroken";
  const ConnectionOptions& server = TestDatabase::Get().options();
  std::vector<Migration> broken = {
      {service, 1, "V0001__broken.sql", "CREATE TABLE (;\n"}};
  absl::Status status = Migrate(server, service, broken);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("dbbroken/V0001__broken.sql"));
  std::vector<Migration> fixed = {
      {service, 1, "V0001__broken.sql", "CREATE TABLE c (z INT);\n"}};
  EXPECT_TRUE(Migrate(server, service, fixed).ok());
}

TEST_F(DbIntegrationTest, EmbeddedStaffMigrationsApply) {
  EXPECT_TRUE(
      Migrate(TestDatabase::Get().options(), "staff", MigrationsFor("staff"))
          .ok());
}

}  // namespace
}  // namespace candor::db
