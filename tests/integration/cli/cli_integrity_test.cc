// The history tells the truth on SQLite: a script's own transaction control,
// group with callbacks.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "sqlite_cli.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

class CliIntegrity : public SqliteCli {
 protected:
  /// Adds a history row as another tool would: `values` lists rank, version,
  /// description, type, script and checksum as SQL literals.
  void InsertRow(const std::string& values) {
    SQLite::Database db(db_path(), SQLite::OPEN_READWRITE);
    db.exec(
        "INSERT INTO flyrun_schema_history (installed_rank, version, description, type, script, "
        "checksum, installed_by, installed_on, execution_time, success) VALUES (" +
        values + ", '', '2026-01-01 00:00:00', 0, 1)");
  }
};

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

// A migration that cannot be read must stop the run: going on without it
// would apply the versions around it and never this one.
TEST_F(CliIntegrity, AnUnreadableMigrationStopsValidateAndMigrate) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/V3__c.sql", "CREATE TABLE c (id INT);\n");
  std::filesystem::create_symlink(dir.path() / "gone.sql", dir.path() / "sql/V2__b.sql");
  auto v = Run({"validate"});
  EXPECT_EQ(v.exit_code, 3) << v.out << v.err;
  EXPECT_NE(v.out.find("sql/V2__b.sql: error[migration-unreadable]: sql/V2__b.sql is a dangling "
                       "symbolic link"),
            std::string::npos)
      << v.out;
  auto m = Run({"migrate"});
  EXPECT_EQ(m.exit_code, 3) << m.out << m.err;
  EXPECT_NE((m.out + m.err).find("sql/V2__b.sql"), std::string::npos) << m.out << m.err;
  EXPECT_FALSE(TableExists("a"));
  EXPECT_FALSE(TableExists("c"));
}

// Rows that flyrun did not write and cannot read (another tool's, or edited by
// hand) must stop validate and migrate: counting the version as not applied
// would run the migration a second time.
TEST_F(CliIntegrity, HistoryRowsFlyrunCannotReadStopValidateAndMigrate) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/V2__b.sql", "CREATE TABLE b (id INT);\n");
  ASSERT_EQ(Run({"migrate", "--target", "1"}).exit_code, 0);
  struct Row {
    const char* version;
    const char* type;
    const char* script;
    const char* shown;
  };
  for (const Row& row : {Row{"'2.x'", "'SQL'", "V2__b.sql", "version '2.x'"},
                         Row{"'abc'", "'SQL'", "V2__b.sql", "version 'abc'"},
                         Row{"'2'", "'JAVA'", "V2__B.class", "type 'JAVA'"},
                         Row{"'2'", "'sql'", "V2__b.sql", "type 'sql'"},
                         Row{"'2'", "'FOO'", "V2__b.sql", "type 'FOO'"}}) {
    {
      SQLite::Database db(db_path(), SQLite::OPEN_READWRITE);
      db.exec("DELETE FROM flyrun_schema_history WHERE installed_rank > 1");
    }
    InsertRow(std::string("7, ") + row.version + ", 'b', " + row.type + ", '" + row.script +
              "', NULL");
    auto v = Run({"validate"});
    EXPECT_EQ(v.exit_code, 3) << row.shown << v.out << v.err;
    EXPECT_TRUE(v.out.find("error[history-row-not-understood]: history row installed_rank 7 (") !=
                std::string::npos)
        << v.out;
    EXPECT_TRUE(v.out.find(row.shown) != std::string::npos) << v.out;
    EXPECT_TRUE(v.out.find(row.script) != std::string::npos) << v.out;
    EXPECT_TRUE(v.out.find("  hint: ") != std::string::npos) << v.out;

    for (const char* validate_on_migrate : {"true", "false"}) {
      auto m = Run({"migrate"}, {{"FLYRUN_VALIDATE_ON_MIGRATE", validate_on_migrate}});
      EXPECT_EQ(m.exit_code, 3) << row.shown << m.out << m.err;
      EXPECT_TRUE((m.out + m.err).find("installed_rank 7") != std::string::npos) << m.out << m.err;
      EXPECT_FALSE(TableExists("b")) << row.shown;
    }
    EXPECT_EQ(Run({"undo"}).exit_code, 3) << row.shown;
    EXPECT_TRUE(TableExists("a"));
  }
}

// A Java migration Flyway applied has no file here: its row counts as applied,
// so the version is neither missing nor run again, and later files still run.
TEST_F(CliIntegrity, FlywaysJavaMigrationRowsCountAsApplied) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  InsertRow("2, '2', 'java', 'JDBC', 'db.migration.V2__java', NULL");
  dir.Write("sql/V3__c.sql", "CREATE TABLE c (id INT);\n");
  auto v = Run({"validate"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  auto m = Run({"migrate"});
  EXPECT_EQ(m.exit_code, 0) << m.out << m.err;
  EXPECT_TRUE(TableExists("c"));
  auto i = Run({"info"});
  EXPECT_EQ(i.exit_code, 0) << i.err;
  EXPECT_NE(i.out.find("JDBC"), std::string::npos) << i.out;
  EXPECT_EQ(i.out.find("Missing"), std::string::npos) << i.out;
}

// Flyway's own marker row of a schema it created is history flyrun understands.
TEST_F(CliIntegrity, FlywaysSchemaMarkerRowIsFine) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  InsertRow("0, NULL, '<< Flyway Schema Creation >>', 'SCHEMA', '\"main\"', NULL");
  dir.Write("sql/V2__b.sql", "CREATE TABLE b (id INT);\n");
  auto v = Run({"validate"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  auto m = Run({"migrate"});
  EXPECT_EQ(m.exit_code, 0) << m.out << m.err;
  EXPECT_TRUE(TableExists("b"));
}

}  // namespace
}  // namespace flyrun::test
