// SIGINT/SIGTERM against a real MariaDB server (SPEC 8, exit 130): the running
// statement is killed on the server (KILL QUERY from a second connection), a
// wait for the migration lock ends at once. Each test polls the processlist
// for the state it interrupts.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>

#include "mysql_test_util.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr milliseconds kHang{40000};

std::string TestName() { return ::testing::UnitTest::GetInstance()->current_test_info()->name(); }

class MysqlInterrupt : public ::testing::Test {
 protected:
  void SetUp() override {
    FLYRUN_SERVER_URL(url, "FLYRUN_TEST_MYSQL_URL");
    db_ = std::make_unique<ScratchDatabase>(url, TestName());
  }

  std::vector<std::string> Args(std::vector<std::string> command) const {
    std::vector<std::string> args{"--url", db_->url(), "--locations", "sql"};
    args.insert(args.end(), command.begin(), command.end());
    return args;
  }
  // Whether a session of this database runs a statement starting with `prefix`.
  bool Running(const std::string& prefix) const {
    return MysqlScalar(db_->url(),
                       "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = '" +
                           db_->name() + "' AND INFO LIKE '" + prefix +
                           "%' AND ID <> CONNECTION_ID()") != "0";
  }
  bool TableExists(const std::string& table) const {
    return MysqlScalar(db_->url(),
                       "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" +
                           db_->name() + "' AND TABLE_NAME = '" + table + "'") != "0";
  }
  ::testing::AssertionResult Reached(const Background& bg, const std::string& prefix) const {
    return ReachedOrKill(
        bg, [&] { return Running(prefix); }, prefix);
  }
  void ExpectTheSleepIsGone() const {
    EXPECT_TRUE(PollUntil([&] { return !Running("SELECT SLEEP"); }, milliseconds(5000)))
        << "the statement still runs on the server";
  }

  TempDir dir_;
  std::unique_ptr<ScratchDatabase> db_;
};

constexpr char kSlowScript[] =
    "CREATE TABLE x (id INT);\nSELECT SLEEP(30);\nCREATE TABLE y (id INT);\n";

TEST_F(MysqlInterrupt, SigtermDuringALongStatementKillsItOnTheServer) {
  dir_.Write("sql/V1__slow.sql", kSlowScript);
  Background bg = StartFlyrun(Args({"migrate"}), dir_.path());
  ASSERT_TRUE(Reached(bg, "SELECT SLEEP"));
  long long ms = 0;
  RunResult r = SignalAndWait(bg, SIGTERM, kHang, ms);
  std::cout << "MariaDB, SIGTERM during SLEEP(30): exit " << r.exit_code << " after " << ms
            << " ms\n";
  RecordProperty("sigterm_during_sleep_ms", std::to_string(ms));
  EXPECT_EQ(130, r.exit_code) << r.err;
  EXPECT_LT(ms, 5000);
  ExpectTheSleepIsGone();
  EXPECT_TRUE(TableExists("x"));  // MySQL committed it: DDL is not transactional
  EXPECT_FALSE(TableExists("y"));
  EXPECT_EQ(std::string::npos, (r.out + r.err).find(MysqlUrlPassword(db_->url())));
}

TEST_F(MysqlInterrupt, SigintDuringALongStatementOfATransactionalScriptKillsIt) {
  dir_.Write("sql/V1__slow.sql",
             "CREATE TABLE x (id INT);\nINSERT INTO x VALUES (1);\nSELECT SLEEP(30);\n"
             "INSERT INTO x VALUES (2);\n");
  Background bg = StartFlyrun(Args({"migrate"}), dir_.path());
  ASSERT_TRUE(Reached(bg, "SELECT SLEEP"));
  long long ms = 0;
  RunResult r = SignalAndWait(bg, SIGINT, kHang, ms);
  std::cout << "MariaDB, SIGINT during SLEEP(30) after an INSERT: exit " << r.exit_code << " after "
            << ms << " ms\n";
  EXPECT_EQ(130, r.exit_code) << r.err;
  EXPECT_LT(ms, 5000);
  ExpectTheSleepIsGone();
  // The INSERT after the last implicit commit is rolled back.
  EXPECT_EQ("0", MysqlScalar(db_->url(), "SELECT COUNT(*) FROM x"));
}

TEST_F(MysqlInterrupt, SignalDuringALongStatementRecordsAFailedRowAndMigrateAsksForRepair) {
  dir_.Write("sql/V1__slow.sql", kSlowScript);
  Background bg = StartFlyrun(Args({"migrate"}), dir_.path());
  ASSERT_TRUE(Reached(bg, "SELECT SLEEP"));
  long long ms = 0;
  RunResult r = SignalAndWait(bg, SIGTERM, kHang, ms);
  ASSERT_EQ(130, r.exit_code) << r.err;
  EXPECT_FALSE(TableExists("y"));
  auto rows = MysqlQuery(db_->url(),
                         "SELECT version, success FROM flyrun_schema_history ORDER BY "
                         "installed_rank");
  ASSERT_EQ(1u, rows.size());
  EXPECT_EQ("1", rows[0][0].value_or("NULL"));
  EXPECT_EQ("0", rows[0][1].value_or("NULL"));
  RunResult next = RunFlyrun(Args({"migrate"}), dir_.path());
  EXPECT_NE(0, next.exit_code) << next.err;
  EXPECT_NE(std::string::npos, next.err.find("repair")) << next.err;
}

// A second flyrun waits in GET_LOCK while the first one holds the lock (busy
// in a long statement); a signal ends the wait at once and applies nothing.
TEST_F(MysqlInterrupt, SignalWhileWaitingForTheLockExits130AndAppliesNothing) {
  dir_.Write("sql/V1__slow.sql", "SELECT SLEEP(30);\nCREATE TABLE a (id INT);\n");
  Background holder = StartFlyrun(Args({"migrate"}), dir_.path());
  ASSERT_TRUE(Reached(holder, "SELECT SLEEP"));
  Background waiter = StartFlyrun(Args({"migrate", "--lock-timeout", "60s"}), dir_.path());
  ASSERT_TRUE(Reached(waiter, "SELECT GET_LOCK"));
  long long ms = 0;
  RunResult r = SignalAndWait(waiter, SIGTERM, kHang, ms);
  std::cout << "MariaDB, SIGTERM while waiting in GET_LOCK: exit " << r.exit_code << " after " << ms
            << " ms\n";
  EXPECT_EQ(130, r.exit_code) << r.err;
  EXPECT_LT(ms, 5000);
  EXPECT_TRUE(Running("SELECT SLEEP")) << "the holder goes on";

  RunResult h = SignalAndWait(holder, SIGTERM, kHang, ms);
  EXPECT_EQ(130, h.exit_code) << h.err;
  ExpectTheSleepIsGone();
  EXPECT_FALSE(TableExists("a"));
}

}  // namespace
}  // namespace flyrun::test
