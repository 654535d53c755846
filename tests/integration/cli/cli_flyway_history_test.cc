// A history table Flyway left in a SQLite file, continued in Flyway's format by
// the real binary; and the table flyrun creates in that format, compared with
// the one Flyway's own statements create.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/error.h"
#include "driver/factory.h"
#include "sqlite_cli.h"

namespace flyrun::test {
namespace {

// Flyway's statements for its table on SQLite (FLYWAY-FACTS section 2).
const char* const kFlywayTable[] = {
    "CREATE TABLE \"main\".\"flyway_schema_history\" (\"installed_rank\" INT NOT NULL PRIMARY "
    "KEY, \"version\" VARCHAR(50), \"description\" VARCHAR(200) NOT NULL, \"type\" VARCHAR(20) "
    "NOT NULL, \"script\" VARCHAR(1000) NOT NULL, \"checksum\" INT, \"installed_by\" "
    "VARCHAR(100) NOT NULL, \"installed_on\" TEXT NOT NULL DEFAULT "
    "(strftime('%Y-%m-%d %H:%M:%f','now')), \"execution_time\" INT NOT NULL, \"success\" "
    "BOOLEAN NOT NULL)",
    "CREATE INDEX \"main\".\"flyway_schema_history_s_idx\" ON \"flyway_schema_history\" "
    "(\"success\")"};

constexpr const char* kInsert =
    "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
    "checksum, installed_by, execution_time, success) VALUES ";

class SqliteFlywayHistory : public SqliteCli {
 protected:
  void Exec(const std::string& sql) {
    SQLite::Database db(db_path(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(sql);
  }
  std::string Q(const std::string& sql) {
    SQLite::Database db(db_path());
    SQLite::Statement q(db, sql);
    if (!q.executeStep() || q.getColumn(0).isNull()) return "";
    return q.getColumn(0).getString();
  }
  std::string Row(const std::string& what, int rank) {
    return Q("SELECT " + what +
             " FROM flyway_schema_history WHERE installed_rank = " + std::to_string(rank));
  }
  RunResult Flyrun(std::vector<std::string> args) {
    args.insert(args.end(), {"--locations", "sql", "--table", "flyway_schema_history"});
    return Run(args);
  }
  void CreateFlywayTable() {
    for (const char* sql : kFlywayTable) Exec(sql);
  }
  /// Columns (name, type, not null, default, pk) and indexes of the table.
  std::string Definition() {
    SQLite::Database db(db_path());
    std::string out;
    SQLite::Statement c(db,
                        "SELECT name || ' ' || type || ' ' || \"notnull\" || ' ' || "
                        "coalesce(dflt_value, '-') || ' ' || pk FROM "
                        "pragma_table_info('flyway_schema_history') ORDER BY cid");
    while (c.executeStep()) out += c.getColumn(0).getString() + "\n";
    SQLite::Statement i(db,
                        "SELECT name || ' ' || \"unique\" || ' ' || origin FROM "
                        "pragma_index_list('flyway_schema_history') ORDER BY name");
    while (i.executeStep()) out += "index " + i.getColumn(0).getString() + "\n";
    return out;
  }
};

std::string Show(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST_F(SqliteFlywayHistory, IsContinuedInFlywaysFormat) {
  CreateFlywayTable();
  Exec(std::string(kInsert) +
       "(1, '1', '<< Flyway Baseline >>', 'BASELINE', '<< Flyway Baseline >>', NULL, '', 0, 1)");
  Exec(std::string(kInsert) + "(2, '2', 'one', 'SQL', 'V2__one.sql', 78787420, '', 3, 1)");
  Exec(std::string(kInsert) + "(3, NULL, 'one', 'SQL', 'R__one.sql', 78787420, '', 1, 1)");
  Exec(std::string(kInsert) + "(-100, 'a1b2c3', 'flyway-lock', '', '', 0, '', 0, 1)");
  dir.Write("sql/V2__one.sql", "SELECT 1;\n");
  dir.Write("sql/R__one.sql", "SELECT 1;");
  dir.Write("sql/V3_01__t.sql", "CREATE TABLE t (id INT);\n");
  dir.Write("sql/U3_01__t.sql", "DROP TABLE t;\n");

  auto r = Flyrun({"info", "--output", "json"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  std::vector<std::string> states;
  auto doc = nlohmann::json::parse(r.out);
  for (const auto& m : doc["migrations"])
    states.push_back(m["version"].get<std::string>() + ":" + m["state"].get<std::string>());
  EXPECT_EQ(states,
            (std::vector<std::string>{"1:Baseline", "2:Success", "3.1:Pending", ":Success"}));

  r = Flyrun({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(TableExists("t"));
  EXPECT_FALSE(TableExists("flyrun_schema_history"));
  EXPECT_EQ(Row("version", 4), "3.01");
  EXPECT_EQ(Row("checksum", 4), "1556295178");
  EXPECT_EQ(Row("typeof(checksum)", 4), "integer");
  EXPECT_EQ(Row("installed_by", 4), "") << "Flyway records no user on SQLite";
  EXPECT_EQ(Row("length(installed_on)", 4), "23") << "its default, with milliseconds";
  EXPECT_EQ(Count("SELECT count(*) FROM flyway_schema_history"), 5);

  dir.Write("sql/V2__one.sql", "SELECT 1;\n-- reviewed\n");
  r = Flyrun({"validate"});
  EXPECT_EQ(r.exit_code, 3) << Show(r);
  EXPECT_TRUE(Contains(r.out + r.err, "V2__one.sql")) << Show(r);
  r = Flyrun({"repair"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_NE(Row("checksum", 2), "78787420");
  EXPECT_EQ(Row("typeof(checksum)", 2), "integer");
  EXPECT_EQ(Flyrun({"validate"}).exit_code, 0);

  r = Flyrun({"undo"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_FALSE(TableExists("t"));
  EXPECT_EQ(Row("type", 5), "UNDO_SQL");
  EXPECT_EQ(Row("version", 5), "3.01");

  // The dry run prints the row it would write, with the integer checksum.
  r = Run({"migrate", "--locations", "sql", "--table", "flyway_schema_history", "--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "1556295178")) << Show(r);
}

TEST_F(SqliteFlywayHistory, AFreshTableInFlywaysFormatHasFlywaysDefinition) {
  CreateFlywayTable();
  std::string flyways = Definition();
  EXPECT_TRUE(Contains(flyways, "checksum INT 0 - 0")) << flyways;
  EXPECT_TRUE(Contains(flyways, "index flyway_schema_history_s_idx")) << flyways;
  Exec("DROP TABLE flyway_schema_history");

  ConnectionOptions options;
  options.url = url();
  options.table = "flyway_schema_history";
  options.history_format = HistoryFormat::kFlyway;
  auto driver = OpenDriver(options);
  driver->EnsureHistoryTable();
  AppliedMigration row;
  row.version = "1";
  row.description = std::string(250, 'd');
  row.type = "SQL";
  row.script = "V1__d.sql";
  row.checksum = "-133051733";
  driver->InsertHistory(row);
  driver.reset();
  EXPECT_EQ(Definition(), flyways);
  EXPECT_EQ(Row("installed_rank", 1), "1");
  EXPECT_EQ(Row("checksum", 1), "-133051733");
  EXPECT_EQ(Row("length(description)", 1), "200");
  EXPECT_EQ(Row("substr(description, 196)", 1), "dd...");
}

TEST_F(SqliteFlywayHistory, TheFlywayCorpusGetsFlywaysChecksums) {
  FLYRUN_REQUIRE_CORPUS("flyway/generic/sql");
  CreateFlywayTable();
  for (const char* name : {"V1__First.sql", "V1.1__View.sql"}) {
    std::ifstream in(CorpusDir() / "flyway" / "generic" / "sql" / name, std::ios::binary);
    ASSERT_TRUE(in) << name;
    std::ostringstream text;
    text << in.rdbuf();
    dir.Write(std::string("sql/") + name, text.str());
  }
  auto r = Flyrun({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(Q("SELECT checksum FROM flyway_schema_history WHERE version = '1'"), "454910647");
  EXPECT_EQ(Q("SELECT checksum FROM flyway_schema_history WHERE version = '1.1'"), "-133051733");
}

// The index Flyway's definition adds belongs to the history table: a fresh
// database is still empty, not one that "already held objects".
TEST_F(SqliteFlywayHistory, TheHistoryIndexDoesNotMakeAFreshDatabaseLookUsed) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  auto r = Run({"-locations=filesystem:sql", "-baselineOnMigrate=true", "migrate"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(Q("SELECT count(*) FROM sqlite_master WHERE name = 'flyway_schema_history_s_idx'"),
            "1");
  EXPECT_FALSE(Contains(r.err, "already held objects")) << Show(r);
  // baselineOnMigrate baselines only a schema that held objects.
  EXPECT_EQ(Q("SELECT group_concat(type) FROM flyway_schema_history"), "SQL");
}

// Flyway runs script and Java migrations; flyrun cannot. An applied one counts
// as applied, a pending one is refused by name instead of being skipped.
TEST_F(SqliteFlywayHistory, ScriptMigrationsCountWhenAppliedAndAreRefusedWhenPending) {
  dir.Write("sql/V2__fix.sh", "#!/bin/sh\necho fixing\n");
  dir.Write("sql/V3__b.sql", "CREATE TABLE b (id INT);\n");
  auto r = Run({"-locations=filesystem:sql", "migrate"});
  EXPECT_NE(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out + r.err, "V2__fix.sh")) << Show(r);
  EXPECT_TRUE(Contains(r.out + r.err, "shell script migration")) << Show(r);
  EXPECT_EQ(Q("SELECT count(*) FROM sqlite_master WHERE name = 'b'"), "0");

  // Flyway applied it: flyrun goes on from there.
  Exec(std::string(kInsert) + "(1, '2', 'fix', 'SCRIPT', 'V2__fix.sh', 12345, '', 5, 1)");
  r = Run({"-locations=filesystem:sql", "migrate"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(Q("SELECT count(*) FROM sqlite_master WHERE name = 'b'"), "1");
  r = Run({"-locations=filesystem:sql", "validate"});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
}

}  // namespace
}  // namespace flyrun::test
