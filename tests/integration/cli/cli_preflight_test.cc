// What migrate, undo and new refuse before anything runs (on SQLite): every
// script to run is split completely first, and history values that would not
// fit are found before connecting.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace flyrun::test {
namespace {

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class CliPreflight : public ::testing::Test {
 protected:
  std::string db_path() const { return (dir.path() / "app.db").string(); }
  RunResult Run(std::vector<std::string> args) {
    return RunFlyrun(args, dir.path(), {{"FLYRUN_URL", "sqlite:" + db_path()}});
  }
  long long Count(const std::string& sql) {
    SQLite::Database db(db_path());
    return db.execAndGet(sql).getInt64();
  }
  bool TableExists(const std::string& name) {
    return Count("SELECT count(*) FROM sqlite_master WHERE name='" + name + "'") > 0;
  }
  TempDir dir;
};

TEST_F(CliPreflight, UnknownPlaceholderInV2StopsMigrateBeforeV1Runs) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/V2__b.sql", "CREATE TABLE b (id INT);\n\nINSERT INTO b VALUES (${nope});\n");
  auto r = Run({"migrate"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  std::string all = r.out + r.err;
  EXPECT_TRUE(Has(all, "sql/V2__b.sql:3:23: error[unknown-placeholder]")) << all;
  EXPECT_TRUE(Has(all, "nothing was applied")) << all;
  EXPECT_FALSE(TableExists("a"));
  EXPECT_EQ(Count("SELECT count(*) FROM flyrun_schema_history"), 0);

  // validate_on_migrate: false leaves it to the run (V1 is applied, V2 fails).
  auto off =
      RunFlyrun({"migrate"}, dir.path(),
                {{"FLYRUN_URL", "sqlite:" + db_path()}, {"FLYRUN_VALIDATE_ON_MIGRATE", "false"}});
  EXPECT_EQ(off.exit_code, 3) << off.out << off.err;
  EXPECT_TRUE(TableExists("a"));
}

TEST_F(CliPreflight, EveryProblemOfEveryPendingScriptAtOnce) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/V2__b.sql", "BEGIN;\nCREATE TABLE b (id INT);\nCOMMIT;\n");
  dir.Write("sql/V3__c.sql", "SELECT 'open;\n");
  dir.Write("sql/beforeMigrate.sql", "SELECT ${missing};\n");
  auto r = Run({"migrate"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  std::string all = r.out + r.err;
  EXPECT_TRUE(Has(all, "1:1: error[transaction-control]: BEGIN in V2__b.sql")) << all;
  EXPECT_TRUE(Has(all, "3:1: error[transaction-control]: COMMIT in V2__b.sql")) << all;
  EXPECT_TRUE(Has(all, "sql/V3__c.sql:1:8: error[unterminated]")) << all;
  EXPECT_TRUE(Has(all, "sql/beforeMigrate.sql:1:8: error[unknown-placeholder]")) << all;
  EXPECT_TRUE(Has(all, "validation failed: 4 problem(s)")) << all;
  EXPECT_FALSE(TableExists("a"));

  // --dry-run refuses the same way.
  auto dry = Run({"migrate", "--dry-run"});
  EXPECT_EQ(dry.exit_code, 3) << dry.out << dry.err;

  // JSON output stays one document, the problems in the error's detail.
  auto json = Run({"--output", "json", "migrate"});
  EXPECT_EQ(json.exit_code, 3) << json.out << json.err;
  auto doc = nlohmann::json::parse(json.out);
  EXPECT_EQ(doc["success"], false);
  EXPECT_TRUE(Has(doc["error"]["detail"].get<std::string>(),
                  "sql/V3__c.sql:1:8: error[unterminated]: unterminated string '"))
      << json.out;
}

TEST_F(CliPreflight, OnlineValidateReportsTransactionControlToo) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\nCOMMIT;\n");
  auto r = Run({"validate"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "sql/V1__a.sql:2:1: error[transaction-control]: COMMIT")) << r.out;
  EXPECT_TRUE(Has(r.out, "1 problem found")) << r.out;
}

TEST_F(CliPreflight, TransactionControlIsAllowedWithTheDirective) {
  dir.Write("sql/V1__a.sql",
            "-- flyrun:transaction=false\nBEGIN;\nCREATE TABLE a (id INT);\nCOMMIT;\n");
  auto r = Run({"migrate"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(TableExists("a"));
}

TEST_F(CliPreflight, NulByteStopsMigrateAndNoRowIsDeleted) {
  dir.Write("sql/V1__t.sql", "CREATE TABLE t (id INT);\nINSERT INTO t VALUES (1), (5), (7);\n");
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  dir.Write("sql/V2__delete.sql", std::string("delete from t \0 where id = 5;\n", 31));
  auto r = Run({"migrate"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  std::string all = r.out + r.err;
  EXPECT_TRUE(Has(all, "sql/V2__delete.sql:1:15: error[nul-byte]: NUL byte")) << all;
  EXPECT_EQ(Count("SELECT count(*) FROM t"), 3);
  EXPECT_EQ(Count("SELECT count(*) FROM flyrun_schema_history WHERE version = '2'"), 0);

  // Without the pre-flight the splitter still refuses the statement.
  auto off =
      RunFlyrun({"migrate"}, dir.path(),
                {{"FLYRUN_URL", "sqlite:" + db_path()}, {"FLYRUN_VALIDATE_ON_MIGRATE", "false"}});
  EXPECT_EQ(off.exit_code, 3) << off.out << off.err;
  EXPECT_TRUE(Has(off.out + off.err, "V2__delete.sql:1:15")) << off.out << off.err;
  EXPECT_EQ(Count("SELECT count(*) FROM t"), 3);
}

TEST_F(CliPreflight, UndoChecksItsScriptsFirst) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/U1__a.sql", "DROP TABLE a;\nCOMMIT;\n");
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  auto r = Run({"undo"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(Has(r.out + r.err, "sql/U1__a.sql:2:1: error[transaction-control]: COMMIT"))
      << r.out << r.err;
  EXPECT_TRUE(TableExists("a"));
}

TEST_F(CliPreflight, TooLongDescriptionIsRefusedBeforeConnecting) {
  std::string name = "sql/V1__" + std::string(201, 'd') + ".sql";
  dir.Write(name, "CREATE TABLE a (id INT);\n");
  auto r = Run({"migrate"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(Has(r.out + r.err, name + ": the description is 201 characters long")) << r.out;
  EXPECT_FALSE(std::filesystem::exists(db_path()));
}

TEST_F(CliPreflight, NewRefusesADescriptionTheHistoryCannotHold) {
  auto r = RunFlyrun({"new", std::string(201, 'x')}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(Has(r.err, "the description is 201 characters long, and the history table holds 200"))
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "sql"));
  EXPECT_EQ(RunFlyrun({"new", std::string(200, 'x')}, dir.path()).exit_code, 0);
}

}  // namespace
}  // namespace flyrun::test
