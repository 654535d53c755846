// The history tells the truth on PostgreSQL: a script's own COMMIT, END or
// ROLLBACK, and group with callbacks.
#include <gtest/gtest.h>

#include "pg_test_util.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

class PgIntegrity : public ::testing::Test {
 protected:
  void SetUp() override {
    FLYRUN_SERVER_URL(url, "FLYRUN_TEST_PG_URL");
    db_ = std::make_unique<PgScratchDatabase>();
  }
  RunResult Flyrun(std::vector<std::string> args) {
    std::vector<std::string> full{"--url", db_->url(), "--locations", "sql"};
    full.insert(full.end(), args.begin(), args.end());
    return RunFlyrun(full, dir_.path());
  }
  std::string Q(const std::string& sql) const { return db_->Query(sql); }
  std::string Exists(const std::string& table) const {
    return Q("SELECT to_regclass('public." + table + "') IS NOT NULL");
  }
  std::string Rows(const std::string& where) const {
    return Q("SELECT count(*) FROM flyrun_schema_history WHERE " + where);
  }

  TempDir dir_;
  std::unique_ptr<PgScratchDatabase> db_;
};

TEST_F(PgIntegrity, AScriptsOwnRollbackIsNeverRecordedAsApplied) {
  dir_.Write("sql/V1__a.sql", "create table a(id int);\nrollback;\ncreate table b(id int);\n");
  auto pre = Flyrun({"migrate"});
  EXPECT_EQ(pre.exit_code, 3) << "the pre-flight finds it first\n" << pre.err;
  auto r = Flyrun({"migrate", "--validate-on-migrate=false"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("V1__a.sql:2"), std::string::npos) << r.err;
  EXPECT_EQ(Exists("a"), "f");
  EXPECT_EQ(Exists("b"), "f") << "nothing autocommits after it";
  EXPECT_EQ(Rows("true"), "0");
}

TEST_F(PgIntegrity, AScriptsOwnCommitOrEndStopsItAndLeavesAFailedRow) {
  dir_.Write("sql/V1__a.sql", "create table a(id int);\nend;\ncreate table b(id int);\n");
  auto r = Flyrun({"migrate", "--validate-on-migrate=false"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(Exists("a"), "t");
  EXPECT_EQ(Exists("b"), "f");
  EXPECT_EQ(Rows("success"), "0") << "never recorded as applied";
  EXPECT_EQ(Rows("NOT success"), "1");
  auto next = Flyrun({"migrate"});
  EXPECT_EQ(next.exit_code, 1) << next.err;
  EXPECT_NE(next.err.find("repair"), std::string::npos) << next.err;
}

TEST_F(PgIntegrity, GroupKeepsCallbacksInItsTransaction) {
  dir_.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir_.Write("sql/V2__b.sql", "CREATE TABLE b (id INT);\nINSERT INTO missing VALUES (1);\n");
  dir_.Write("sql/beforeEachMigrate.sql", "CREATE TABLE IF NOT EXISTS audit (n INT);\n");
  dir_.Write("sql/afterEachMigrate.sql", "INSERT INTO audit VALUES (1);\n");
  auto r = Flyrun({"migrate", "--group"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(Exists("a"), "f") << "a callback committed the group";
  EXPECT_EQ(Exists("audit"), "f");
  EXPECT_EQ(Q("SELECT to_regclass('public.flyrun_schema_history') IS NULL OR (SELECT count(*) "
              "= 0 FROM flyrun_schema_history)"),
            "t");
  dir_.Write("sql/V2__b.sql", "CREATE TABLE b (id INT);\n");
  r = Flyrun({"migrate", "--group"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Q("SELECT count(*) FROM audit"), "2");
  EXPECT_EQ(Rows("success"), "2");
}

}  // namespace
}  // namespace flyrun::test
