// The history tells the truth on SQLite: a script's own transaction control,
// group with callbacks.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "sqlite_cli.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

class CliIntegrity : public SqliteCli {};

TEST_F(CliIntegrity, AScriptsOwnRollbackIsNeverRecordedAsApplied) {
  dir.Write("sql/V1__a.sql", "create table a(id int);\nrollback;\n");
  // The pre-flight finds it before anything runs...
  auto pre = Run({"migrate"});
  EXPECT_EQ(pre.exit_code, 3) << pre.err;
  EXPECT_NE((pre.out + pre.err).find("2:1: error[transaction-control]: ROLLBACK"),
            std::string::npos)
      << pre.out << pre.err;
  EXPECT_FALSE(TableExists("a"));
  // ...and without it, the run stops at the statement.
  auto r = Run({"migrate", "--validate-on-migrate=false"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("V1__a.sql:2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("transaction=false"), std::string::npos) << r.err;
  EXPECT_FALSE(TableExists("a"));
  EXPECT_EQ(Count("SELECT count(*) FROM flyrun_schema_history"), 0) << "nothing stayed";
}

TEST_F(CliIntegrity, AScriptsOwnCommitStopsItAndLeavesAFailedRow) {
  dir.Write("sql/V1__a.sql", "create table a(id int);\ncommit;\ncreate table b(id int);\n");
  auto r = Run({"migrate", "--validate-on-migrate=false"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(TableExists("a")) << "the script's COMMIT made it durable";
  EXPECT_FALSE(TableExists("b")) << "nothing runs after it";
  EXPECT_EQ(Count("SELECT count(*) FROM flyrun_schema_history WHERE success"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM flyrun_schema_history WHERE NOT success AND description "
                  "LIKE '%failed at statement 2%'"),
            1);
  auto next = Run({"migrate"});
  EXPECT_EQ(next.exit_code, 1) << next.err;
  EXPECT_NE(next.err.find("repair"), std::string::npos) << next.err;
}

TEST_F(CliIntegrity, TransactionControlIsFineOutsideFlyrunsTransaction) {
  dir.Write("sql/V1__a.sql",
            "-- flyrun:transaction=false\nbegin;\ncreate table a(id int);\ncommit;\n");
  auto r = Run({"migrate"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(TableExists("a"));
  EXPECT_EQ(Count("SELECT count(*) FROM flyrun_schema_history WHERE success"), 1);
}

TEST_F(CliIntegrity, GroupKeepsCallbacksInItsTransaction) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/V2__b.sql", "CREATE TABLE b (id INT);\nINSERT INTO missing VALUES (1);\n");
  dir.Write("sql/beforeEachMigrate.sql", "CREATE TABLE IF NOT EXISTS audit (n INT);\n");
  dir.Write("sql/afterEachMigrate.sql", "INSERT INTO audit VALUES (1);\n");
  auto r = Run({"migrate", "--group"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_FALSE(TableExists("a")) << "the callback must not have committed the group";
  EXPECT_FALSE(TableExists("audit"));
  EXPECT_EQ(Count("SELECT count(*) FROM flyrun_schema_history"), 0);
  dir.Write("sql/V2__b.sql", "CREATE TABLE b (id INT);\n");
  r = Run({"migrate", "--group"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Count("SELECT count(*) FROM audit"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM flyrun_schema_history WHERE success"), 2);
}

// A big first script is not read twice: it runs atomically, so a problem the
// splitter finds while it runs rolls it back whole, and nothing is applied.
TEST_F(CliIntegrity, AProblemLateInABigFirstScriptStillAppliesNothing) {
  std::string big = "CREATE TABLE big (id INT, name TEXT);\n";
  std::string row = "INSERT INTO big VALUES (1, '" + std::string(200, 'x') + "');\n";
  while (big.size() < (9u << 20)) big += row;
  big += "INSERT INTO big VALUES (2, '${no_such_placeholder}');\n";
  dir.Write("sql/V1__big.sql", big);
  dir.Write("sql/V2__next.sql", "CREATE TABLE next (id INT);\n");
  auto r = Run({"migrate"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("no_such_placeholder"), std::string::npos) << r.err;
  EXPECT_FALSE(TableExists("big"));
  EXPECT_FALSE(TableExists("next"));
  EXPECT_EQ(Count("SELECT count(*) FROM flyrun_schema_history"), 0);
}

}  // namespace
}  // namespace flyrun::test
