// flyrun through PgBouncer in transaction pooling mode (scripts/lib/pgbouncer.sh,
// FLYRUN_TEST_PGBOUNCER_URL): the pooler is detected, so `lock: auto` takes the
// lease lock; concurrent runs apply each migration once and leave no advisory
// lock behind; a migration's SET does not reach the next migration.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "driver/factory.h"
#include "pg_test_util.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

std::unique_ptr<Driver> Open(const std::string& url) {
  ConnectionOptions o;
  o.url = url;
  return OpenDriver(o);
}

TEST(PgBouncer, APoolerIsDetectedAndPlainPostgresIsNot) {
  FLYRUN_SERVER_URL(bouncer, "FLYRUN_TEST_PGBOUNCER_URL");
  FLYRUN_SERVER_URL(plain, "FLYRUN_TEST_PG_URL");
  std::string caveat = Open(bouncer)->NativeLockCaveat();
  EXPECT_NE(std::string::npos, caveat.find("connection pooler")) << caveat;
  EXPECT_NE(std::string::npos, caveat.find("advisory locks are not reliable")) << caveat;
  EXPECT_EQ("", Open(plain)->NativeLockCaveat());
  EXPECT_EQ("", Open(plain)->ReadOnlyReason());
}

class PgBouncerRun : public ::testing::Test {
 protected:
  void SetUp() override {
    bouncer_ = EnvOr("FLYRUN_TEST_PGBOUNCER_URL");
    if (bouncer_.empty()) {
      if (EnvOr("FLYRUN_REQUIRE_SERVERS") == "1")
        FAIL() << "FLYRUN_TEST_PGBOUNCER_URL is not set but FLYRUN_REQUIRE_SERVERS=1";
      GTEST_SKIP() << "set FLYRUN_TEST_PGBOUNCER_URL (scripts/test.sh does) to run this test";
    }
    db_ = std::make_unique<PgScratchDatabase>();
    url_ = WithDatabase(bouncer_, db_->name());
  }

  std::string bouncer_;
  std::unique_ptr<PgScratchDatabase> db_;
  std::string url_;
  TempDir dir_;
};

TEST_F(PgBouncerRun, EightConcurrentMigratesApplyEachMigrationOnceAndLeaveNoLock) {
  constexpr int kMigrations = 6;
  for (int v = 1; v <= kMigrations; ++v) {
    dir_.Write("sql/V" + std::to_string(v) + "__step.sql",
               "CREATE TABLE IF NOT EXISTS applied (v int);\n"
               "INSERT INTO applied VALUES (" +
                   std::to_string(v) + ");\nCREATE TABLE t" + std::to_string(v) + " (id int);\n");
  }
  std::vector<Background> runs;
  for (int i = 0; i < 8; ++i) {
    runs.push_back(StartFlyrun({"--url", url_, "--locations", "sql", "--lock-lease", "2s",
                                "--lock-timeout", "60s", "migrate"},
                               dir_.path()));
  }
  for (const Background& run : runs) {
    RunResult r = WaitAtMost(run, std::chrono::seconds(90));
    EXPECT_EQ(0, r.exit_code) << r.out << r.err;
  }
  EXPECT_EQ(std::to_string(kMigrations), db_->Query("SELECT count(*) FROM applied"));
  EXPECT_EQ(std::to_string(kMigrations), db_->Query("SELECT count(DISTINCT v) FROM applied"));
  EXPECT_EQ(std::to_string(kMigrations),
            db_->Query("SELECT count(*) FROM flyrun_schema_history WHERE version IS NOT NULL "
                       "AND success"));
  // No session advisory lock stays on a pooled server connection.
  EXPECT_EQ("0", db_->Query("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND "
                            "database = (SELECT oid FROM pg_database WHERE datname = "
                            "current_database())"));
}

TEST_F(PgBouncerRun, ASetInOneMigrationDoesNotReachTheNext) {
  db_->Query("CREATE SCHEMA app AUTHORIZATION flyrun");
  dir_.Write("sql/V1__elsewhere.sql",
             "CREATE SCHEMA other;\n"
             "SET search_path = other;\n"
             "SET TIME ZONE 'Pacific/Chatham';\n"
             "SET SESSION statement_timeout = '4321s';\n"
             "CREATE TABLE t1 (id int);\n");
  dir_.Write("sql/V2__next.sql",
             "CREATE TABLE t2 AS SELECT current_setting('TimeZone') AS tz, "
             "current_setting('statement_timeout') AS st;\n");
  RunResult r = RunAgainst(url_, dir_, {"--schema", "app", "migrate"});
  ASSERT_EQ(0, r.exit_code) << r.out << r.err;
  EXPECT_EQ("other", db_->Query("SELECT relnamespace::regnamespace::text FROM pg_class "
                                "WHERE relname = 't1'"));
  // The next migration's unqualified CREATE TABLE lands in the configured schema.
  EXPECT_EQ("app", db_->Query("SELECT relnamespace::regnamespace::text FROM pg_class "
                              "WHERE relname = 't2'"));
  EXPECT_NE("Pacific/Chatham", db_->Query("SELECT tz FROM app.t2"));
  EXPECT_NE("4321s", db_->Query("SELECT st FROM app.t2"));
  // Nor does it reach the pool's next client.
  for (int i = 0; i < 4; ++i) {
    EXPECT_NE("Pacific/Chatham", PgQuery(url_, "SHOW TimeZone"));
    EXPECT_NE("4321s", PgQuery(url_, "SHOW statement_timeout"));
  }
}

TEST_F(PgBouncerRun, InitSqlAppliesToEveryTransactionAndStaysInIt) {
  // statement_timeout: PgBouncer does not carry it from one server connection
  // to another for its client (as it does TimeZone).
  dir_.Write("sql/V1__a.sql",
             "CREATE TABLE a AS SELECT current_setting('statement_timeout') AS st;\n");
  dir_.Write("sql/V2__b.sql",
             "CREATE TABLE b AS SELECT current_setting('statement_timeout') AS st;\n");
  RunResult r =
      RunAgainst(url_, dir_, {"--init-sql", "SET statement_timeout = '1234s'", "migrate"});
  ASSERT_EQ(0, r.exit_code) << r.out << r.err;
  EXPECT_EQ("1234s", db_->Query("SELECT st FROM a"));
  EXPECT_EQ("1234s", db_->Query("SELECT st FROM b"));
  for (int i = 0; i < 4; ++i) EXPECT_NE("1234s", PgQuery(url_, "SHOW statement_timeout"));
}

}  // namespace
}  // namespace flyrun::test
