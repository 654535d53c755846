// The history tells the truth on MariaDB: a script's own ROLLBACK, group,
// procedures that do not commit, and tables that cannot roll back.
#include <gtest/gtest.h>

#include "mysql_test_util.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

std::string TestName() { return ::testing::UnitTest::GetInstance()->current_test_info()->name(); }

class MysqlIntegrity : public ::testing::Test {
 protected:
  void SetUp() override {
    FLYRUN_SERVER_URL(url, "FLYRUN_TEST_MYSQL_URL");
    db_ = std::make_unique<ScratchDatabase>(url, TestName());
  }
  RunResult Flyrun(std::vector<std::string> args) {
    std::vector<std::string> full{"--url", db_->url(), "--locations",
                                  (dir_.path() / "sql").string()};
    full.insert(full.end(), args.begin(), args.end());
    return RunFlyrun(full, dir_.path());
  }
  std::string Q(const std::string& sql) { return MysqlScalar(db_->url(), sql); }
  std::string Rows(const std::string& where) {
    return Q("SELECT COUNT(*) FROM flyrun_schema_history WHERE " + where);
  }

  TempDir dir_;
  std::unique_ptr<ScratchDatabase> db_;
};

TEST_F(MysqlIntegrity, AScriptsOwnRollbackIsNeverRecordedAsApplied) {
  dir_.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir_.Write("sql/V2__b.sql", "INSERT INTO a VALUES (1);\nROLLBACK;\nINSERT INTO a VALUES (2);\n");
  auto pre = Flyrun({"migrate"});
  EXPECT_EQ(pre.exit_code, 3) << "the pre-flight finds it first\n" << pre.err;
  EXPECT_EQ(Rows("true"), "0") << "nothing was applied";
  auto r = Flyrun({"migrate", "--validate-on-migrate=false"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("V2__b.sql:2"), std::string::npos) << r.err;
  EXPECT_EQ(Q("SELECT COUNT(*) FROM a"), "0");
  EXPECT_EQ(Rows("version = '2'"), "0") << "nothing stayed, nothing recorded";
}

TEST_F(MysqlIntegrity, GroupIsRefusedWithTheReason) {
  dir_.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  auto r = Flyrun({"migrate", "--group"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("commits every DDL statement"), std::string::npos) << r.err;
  EXPECT_EQ(Q("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
              "AND TABLE_NAME = 'a'"),
            "0");
}

TEST_F(MysqlIntegrity, AProcedureThatDoesNotCommitIsReportedAsRolledBack) {
  dir_.Write("sql/V1__proc.sql",
             "CREATE TABLE d (id INT);\n"
             "DELIMITER //\n"
             "CREATE PROCEDURE p()\nBEGIN\n  INSERT INTO d VALUES (1);\nEND//\n"
             "DELIMITER ;\n"
             "CALL p();\n"
             "INSERT INTO missing VALUES (1);\n");
  auto r = Flyrun({"migrate"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(Q("SELECT COUNT(*) FROM d"), "0") << "the CALL's row was rolled back";
  EXPECT_NE(r.err.find("statements 1-2 were committed (MySQL commits DDL implicitly); statement "
                       "3 was rolled back"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Rows("NOT success"), "1");
}

TEST_F(MysqlIntegrity, ChangesToTablesThatCannotRollBackMakeTheOutcomeUnknown) {
  dir_.Write("sql/V1__m.sql", "CREATE TABLE m (id INT) ENGINE=MyISAM;\n");
  ASSERT_EQ(Flyrun({"migrate"}).exit_code, 0);
  dir_.Write("sql/V2__dml.sql", "INSERT INTO m VALUES (1);\nINSERT INTO missing VALUES (1);\n");
  auto r = Flyrun({"migrate"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(Q("SELECT COUNT(*) FROM m"), "1") << "MyISAM kept the row";
  EXPECT_NE(r.err.find("unknown"), std::string::npos) << r.err;
  EXPECT_EQ(Rows("NOT success AND version = '2'"), "1") << "the next migrate must refuse";
}

}  // namespace
}  // namespace flyrun::test
