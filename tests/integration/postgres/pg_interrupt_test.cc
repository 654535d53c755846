// SIGINT/SIGTERM against a real PostgreSQL server (SPEC 8, exit 130): the
// running statement is cancelled on the server in and out of a transaction,
// a wait for the migration lock ends at once, and exec never starts the app.
// Each test polls pg_stat_activity for the state it interrupts.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>

#include "pg_test_util.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr milliseconds kHang{30000};

class PgInterrupt : public ::testing::Test {
 protected:
  void SetUp() override {
    FLYRUN_SERVER_URL(url, "FLYRUN_TEST_PG_URL");
    db_ = std::make_unique<PgScratchDatabase>();
  }

  std::vector<std::string> Args(std::vector<std::string> command) const {
    std::vector<std::string> args{"--url", db_->url(), "--locations", "sql"};
    args.insert(args.end(), command.begin(), command.end());
    return args;
  }
  std::string Q(const std::string& sql) const { return db_->Query(sql); }
  bool Holds(const std::string& sql) const { return Q(sql) == "t"; }
  // Another backend of this database runs a statement whose text has `what`.
  std::string Running(const std::string& what) const {
    return "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = '" + db_->name() +
           "' AND query LIKE '%" + what + "%' AND state = 'active' AND pid <> pg_backend_pid())";
  }
  // A backend of this database whose last statement polled the lock.
  std::string PollingTheLock() const {
    return "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = '" + db_->name() +
           "' AND query LIKE '%pg_try_advisory_lock%' AND pid <> pg_backend_pid())";
  }
  std::string Regclass(const std::string& table) const {
    return Q("SELECT to_regclass('public." + table + "')");
  }
  std::string History(const std::string& where) const {
    if (Regclass("flyrun_schema_history") == "NULL") return "no table";
    return Q("SELECT count(*) FROM flyrun_schema_history WHERE " + where);
  }
  // Waits for `sql` to hold; kills `bg` and fails the test when it does not.
  ::testing::AssertionResult Reached(const Background& bg, const std::string& sql) const {
    return ReachedOrKill(
        bg, [&] { return Holds(sql); }, sql);
  }
  void ExpectTheSleepIsGone() const {
    EXPECT_TRUE(PollUntil([&] { return !Holds(Running("pg_sleep")); }, milliseconds(5000)))
        << "the statement still runs on the server";
  }

  TempDir dir_;
  std::unique_ptr<PgScratchDatabase> db_;
};

TEST_F(PgInterrupt, SigintDuringALongStatementOfATransactionalScriptRollsItBack) {
  dir_.Write("sql/V1__slow.sql",
             "CREATE TABLE half (id INT);\nSELECT pg_sleep(30);\nCREATE TABLE never (id INT);\n");
  Background bg = StartFlyrun(Args({"migrate"}), dir_.path());
  ASSERT_TRUE(Reached(bg, Running("pg_sleep")));
  long long ms = 0;
  RunResult r = SignalAndWait(bg, SIGINT, kHang, ms);
  std::cout << "PostgreSQL, SIGINT during pg_sleep(30) in a transaction: exit " << r.exit_code
            << " after " << ms << " ms\n";
  EXPECT_EQ(130, r.exit_code) << r.err;
  EXPECT_LT(ms, 5000);
  ExpectTheSleepIsGone();
  EXPECT_EQ("NULL", Regclass("half"));
  EXPECT_EQ("NULL", Regclass("never"));
  std::string rows = History("version = '1'");
  EXPECT_TRUE(rows == "0" || rows == "no table") << rows;
}

TEST_F(PgInterrupt, SigtermDuringALongStatementOutsideATransactionCancelsItOnTheServer) {
  dir_.Write("sql/V1__slow.sql",
             "-- flyrun:transaction=false\n"
             "CREATE TABLE x (id INT);\nSELECT pg_sleep(30);\nCREATE TABLE y (id INT);\n");
  Background bg = StartFlyrun(Args({"migrate"}), dir_.path());
  ASSERT_TRUE(Reached(bg, Running("pg_sleep")));
  long long ms = 0;
  RunResult r = SignalAndWait(bg, SIGTERM, kHang, ms);
  std::cout << "PostgreSQL, SIGTERM during pg_sleep(30) outside a transaction: exit " << r.exit_code
            << " after " << ms << " ms\n";
  EXPECT_EQ(130, r.exit_code) << r.err;
  EXPECT_LT(ms, 5000);
  ExpectTheSleepIsGone();
  EXPECT_EQ("NULL", Regclass("y"));
}

TEST_F(PgInterrupt, SignalOutsideATransactionRecordsAFailedRowAndMigrateAsksForRepair) {
  dir_.Write("sql/V1__slow.sql",
             "-- flyrun:transaction=false\n"
             "CREATE TABLE x (id INT);\nSELECT pg_sleep(30);\nCREATE TABLE y (id INT);\n");
  Background bg = StartFlyrun(Args({"migrate"}), dir_.path());
  ASSERT_TRUE(Reached(bg, Running("pg_sleep")));
  long long ms = 0;
  RunResult r = SignalAndWait(bg, SIGTERM, kHang, ms);
  ASSERT_EQ(130, r.exit_code) << r.err;
  EXPECT_EQ("NULL", Regclass("y"));
  EXPECT_EQ("1", History("version = '1'"));
  EXPECT_EQ("1", History("version = '1' AND NOT success"));
  RunResult next = RunFlyrun(Args({"migrate"}), dir_.path());
  EXPECT_NE(0, next.exit_code) << next.err;
  EXPECT_NE(std::string::npos, next.err.find("repair")) << next.err;
}

// COPY in both directions: data flowing to a slow table, and a query whose
// output is slow to come (libpq's blocking COPY reads would not see a signal).
TEST_F(PgInterrupt, SignalDuringACopyCancelsIt) {
  struct Case {
    const char* what;
    const char* script;
    const char* running;
  };
  for (const Case& c : {
           Case{"COPY FROM stdin into a slow table",
                "CREATE TABLE t (id INT);\n"
                "CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                "BEGIN PERFORM pg_sleep(30); RETURN NEW; END $$;\n"
                "CREATE TRIGGER t_slow BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION slow();\n"
                "COPY t (id) FROM stdin;\n1\n2\n\\.\n",
                "COPY t"},
           Case{"COPY TO STDOUT, a row out and the next one slow",
                "CREATE TABLE t (id INT);\n"
                // 100 kB fill the server's send buffer, so the first row
                // reaches flyrun before the second one sleeps.
                "COPY (SELECT repeat('x', CASE WHEN g = 1 THEN 100000 ELSE 1 END), "
                "pg_sleep(CASE WHEN g = 2 THEN 30 ELSE 0 END) "
                "FROM generate_series(1, 2) g) TO STDOUT;\n",
                "COPY ("},
       }) {
    SCOPED_TRACE(c.what);
    dir_.Write("sql/V1__copy.sql", c.script);
    Background bg = StartFlyrun(Args({"migrate"}), dir_.path());
    ASSERT_TRUE(Reached(bg, Running(c.running)));
    long long ms = 0;
    RunResult r = SignalAndWait(bg, SIGTERM, kHang, ms);
    std::cout << "PostgreSQL, SIGTERM during " << c.what << ": exit " << r.exit_code << " after "
              << ms << " ms\n";
    EXPECT_EQ(130, r.exit_code) << r.err;
    EXPECT_LT(ms, 5000);
    ExpectTheSleepIsGone();
    EXPECT_EQ("NULL", Regclass("t"));
  }
}

// A second flyrun waits while the first one holds the lock (busy in a long
// statement); a signal ends the wait at once and applies nothing.
TEST_F(PgInterrupt, SignalWhileWaitingForTheLockExits130AndAppliesNothing) {
  dir_.Write("sql/V1__slow.sql", "CREATE TABLE a (id INT);\nSELECT pg_sleep(30);\n");
  Background holder = StartFlyrun(Args({"migrate"}), dir_.path());
  ASSERT_TRUE(Reached(holder, Running("pg_sleep")));
  Background waiter = StartFlyrun(Args({"migrate", "--lock-timeout", "60s"}), dir_.path());
  ASSERT_TRUE(Reached(waiter, PollingTheLock()));
  long long ms = 0;
  RunResult r = SignalAndWait(waiter, SIGTERM, kHang, ms);
  std::cout << "PostgreSQL, SIGTERM while waiting for the lock: exit " << r.exit_code << " after "
            << ms << " ms\n";
  EXPECT_EQ(130, r.exit_code) << r.err;
  EXPECT_LT(ms, 5000);
  EXPECT_TRUE(Holds(Running("pg_sleep"))) << "the holder goes on";

  RunResult h = SignalAndWait(holder, SIGTERM, kHang, ms);
  EXPECT_EQ(130, h.exit_code) << h.err;
  ExpectTheSleepIsGone();
  EXPECT_EQ("NULL", Regclass("a"));
}

TEST_F(PgInterrupt, ExecInterruptedWhileWaitingForTheLockNeverStartsTheApp) {
  dir_.Write("sql/V1__slow.sql", "CREATE TABLE a (id INT);\nSELECT pg_sleep(30);\n");
  Background holder = StartFlyrun(Args({"migrate"}), dir_.path());
  ASSERT_TRUE(Reached(holder, Running("pg_sleep")));
  Background app = StartFlyrun(
      Args({"exec", "--lock-timeout", "60s", "--", "sh", "-c", "touch started"}), dir_.path());
  ASSERT_TRUE(Reached(app, PollingTheLock()));
  long long ms = 0;
  RunResult r = SignalAndWait(app, SIGINT, kHang, ms);
  EXPECT_EQ(130, r.exit_code) << r.err;
  EXPECT_LT(ms, 5000);
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "started"));

  RunResult h = SignalAndWait(holder, SIGTERM, kHang, ms);
  EXPECT_EQ(130, h.exit_code) << h.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "started"));
}

}  // namespace
}  // namespace flyrun::test
