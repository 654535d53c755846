// The scenarios shared by every server; each server's file supplies the
// example migrations in its dialect and the hooks that look into its database.
#include "commands_suite.h"

#include "core/error.h"
#include "driver/factory.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace flyrun::test {

std::string CommandsServerName(const ::testing::TestParamInfo<CommandsServer>& info) {
  return info.param.name;
}

std::string Show(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

void Commands::SetUp() {
  FLYRUN_SERVER_URL(url, GetParam().url_variable);
  db_ = GetParam().create();
}

RunResult Commands::Run(std::vector<std::string> args,
                        const std::map<std::string, std::string>& env) {
  return RunAgainst(db_->url(), dir_, std::move(args), env);
}

bool Commands::TableExists(const std::string& table) const {
  return Q("SELECT count(*) FROM information_schema.tables WHERE table_schema = " +
           db_->CurrentSchemaSql() + " AND table_name = '" + table + "'") != "0";
}

bool Commands::ColumnExists(const std::string& table, const std::string& column) const {
  return Q("SELECT count(*) FROM information_schema.columns WHERE table_schema = " +
           db_->CurrentSchemaSql() + " AND table_name = '" + table + "' AND column_name = '" +
           column + "'") != "0";
}

std::vector<std::string> Commands::States() {
  auto r = Run({"info", "--output", "json"});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  std::vector<std::string> out;
  auto doc = nlohmann::json::parse(r.out);
  for (const auto& m : doc["migrations"])
    out.push_back(m["version"].get<std::string>() + ":" + m["state"].get<std::string>());
  return out;
}

std::vector<std::string> Commands::History() const {
  std::vector<std::string> out;
  std::string last = Q("SELECT max(installed_rank) FROM flyrun_schema_history");
  int n = last.empty() || last == "NULL" ? 0 : std::stoi(last);
  for (int rank = 1; rank <= n; ++rank) {
    std::string row =
        Q("SELECT concat(installed_rank, ' ', coalesce(version, ''), ' ', type, ' ', CASE WHEN "
          "success THEN 1 ELSE 0 END) FROM flyrun_schema_history WHERE installed_rank = " +
          std::to_string(rank));
    if (!row.empty()) out.push_back(row);
  }
  return out;
}

void Commands::WriteExample() {
  dir_.Write("sql/V1__users.sql", example().v1);
  dir_.Write("sql/U1__users.sql", example().u1);
  dir_.Write("sql/V2__orders.sql", example().v2);
  dir_.Write("sql/U2__orders.sql", example().u2);
  dir_.Write("sql/V3__status.sql", example().v3);
  dir_.Write("sql/U3__status.sql", example().u3);
}

TEST_P(Commands, UndoLatestThenDownToTargetRecordsUndoRows) {
  WriteExample();
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  auto r = Run({"undo"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "Undid version 3")) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Success", "3:Undone"}));
  EXPECT_FALSE(ColumnExists("users", "status"));

  r = Run({"undo", "--target", "1"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "Undid version 2")) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Undone", "3:Undone"}));
  EXPECT_FALSE(TableExists("orders"));
  EXPECT_FALSE(TableExists("order_counts"));
  EXPECT_EQ(History(), (std::vector<std::string>{"1 1 SQL 1", "2 2 SQL 1", "3 3 SQL 1",
                                                 "4 3 UNDO_SQL 1", "5 2 UNDO_SQL 1"}));
  EXPECT_EQ(Q("SELECT script FROM flyrun_schema_history WHERE installed_rank = 5"),
            "U2__orders.sql");
  EXPECT_EQ(Q("SELECT count(*) FROM users"), "2");

  // A version without an undo file is a clear error that changes nothing.
  dir_.Write("sql/V4__plain.sql", "CREATE TABLE plain (id INT);\n");
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  std::string before = Dump(true);
  r = Run({"undo"});
  EXPECT_EQ(r.exit_code, 3) << Show(r);
  EXPECT_TRUE(Contains(r.err, "no undo file")) << Show(r);
  EXPECT_TRUE(Contains(r.err, "U4__plain.sql")) << Show(r);
  EXPECT_EQ(Dump(true), before);
}

TEST_P(Commands, UndoRevertsTheMostRecentlyAppliedAfterAnOutOfOrderMigration) {
  WriteTableMigrations(dir_, {{1, "a"}, {3, "c"}});
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  WriteTableMigrations(dir_, {{2, "b"}});
  ASSERT_EQ(Run({"migrate", "--out-of-order"}).exit_code, 0);

  auto r = Run({"undo"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "Undid version 2")) << Show(r);
  EXPECT_FALSE(TableExists("b"));
  EXPECT_TRUE(TableExists("c"));

  ASSERT_EQ(Run({"migrate", "--out-of-order"}).exit_code, 0);
  r = Run({"undo", "--target", "1"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(History(),
            (std::vector<std::string>{"1 1 SQL 1", "2 3 SQL 1", "3 2 SQL 1", "4 2 UNDO_SQL 1",
                                      "5 2 SQL 1", "6 2 UNDO_SQL 1", "7 3 UNDO_SQL 1"}));
  EXPECT_TRUE(TableExists("a"));
  EXPECT_FALSE(TableExists("b"));
  EXPECT_FALSE(TableExists("c"));
}

TEST_P(Commands, MigrateUndoMigrateRoundTripsToTheSameSchema) {
  WriteExample();
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  std::string migrated = Dump(false);
  for (const auto& marker : example().migrated_markers)
    ASSERT_TRUE(Contains(migrated, marker)) << marker << " in\n" << migrated;

  auto r = Run({"undo", "--target", "1"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_FALSE(Contains(Dump(false), "orders")) << Dump(false);
  r = Run({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Success", "3:Success"}));
  EXPECT_EQ(Dump(false), migrated);

  // All the way down (V1 too) and back up.
  r = Run({"undo", "--target", "0"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Undone", "2:Undone", "3:Undone"}));
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  EXPECT_EQ(Dump(false), migrated);
}

TEST_P(Commands, DryRunLeavesSchemaDataAndHistoryUnchanged) {
  WriteExample();
  // On an empty database: not even the history table may appear.
  std::string empty = Dump(true);
  auto r = Run({"migrate", "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "CREATE TABLE users")) << Show(r);
  EXPECT_EQ(Dump(true), empty);
  EXPECT_FALSE(TableExists("flyrun_schema_history"));

  ASSERT_EQ(Run({"migrate", "--target", "1"}).exit_code, 0);
  std::string before = Dump(true);
  ASSERT_TRUE(Contains(before, "flyrun_schema_history")) << before;
  ASSERT_EQ(History(), (std::vector<std::string>{"1 1 SQL 1"}));
  r = Run({"migrate", "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "CREATE TABLE orders")) << Show(r);
  EXPECT_TRUE(Contains(r.out, example().dry_run_marker)) << Show(r);
  EXPECT_TRUE(Contains(r.out, "INSERT INTO")) << Show(r);
  EXPECT_TRUE(Contains(r.out, "flyrun_schema_history")) << Show(r);
  EXPECT_EQ(Dump(true), before);

  r = Run({"undo", "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "DROP TABLE users")) << Show(r);
  EXPECT_EQ(Dump(true), before);

  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  before = Dump(true);
  r = Run({"undo", "--dry-run", "--target", "1", "--output", "json"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["migrations_undone"], 2) << r.out;
  EXPECT_TRUE(Contains(doc["sql"].get<std::string>(), example().undo_dry_run_marker)) << r.out;
  EXPECT_TRUE(Contains(doc["sql"].get<std::string>(), "UNDO_SQL")) << r.out;
  EXPECT_EQ(Dump(true), before);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Success", "3:Success"}));
}

TEST_P(Commands, BaselineOnMigrateMarksOlderVersionsBelowBaseline) {
  WriteExample();
  Exec(example().legacy_users);
  Exec(example().legacy_orders);
  auto r = Run({"migrate", "--baseline-on-migrate", "--baseline-version", "2"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Below Baseline", "2:Baseline", "3:Success"}));
  EXPECT_EQ(Q("SELECT type FROM flyrun_schema_history WHERE version = '2'"), "BASELINE");
  EXPECT_TRUE(ColumnExists("users", "status"));
  r = Run({"baseline"});
  EXPECT_EQ(r.exit_code, 3) << Show(r);
  EXPECT_TRUE(Contains(r.err, "already baselined")) << Show(r);
}

TEST_P(Commands, BaselineCommandThenMigrateAppliesTheRest) {
  WriteExample();
  Exec(example().legacy_users);
  auto r = Run({"baseline", "--baseline-version", "2", "--baseline-description", "legacy"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "version 2")) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Below Baseline", "2:Baseline", "3:Pending"}));
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Below Baseline", "2:Baseline", "3:Success"}));
  EXPECT_EQ(Q("SELECT description FROM flyrun_schema_history WHERE type = 'BASELINE'"), "legacy");
}

TEST_P(Commands, RepairAfterAFailedScriptThatCommittedPartOfIt) {
  dir_.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir_.Write("sql/V2__b.sql", example().failing_v2);
  auto r = Run({"migrate"});
  ASSERT_EQ(r.exit_code, 1) << Show(r);
  for (const auto& s : example().failure_report) EXPECT_TRUE(Contains(r.err, s)) << s << Show(r);
  EXPECT_TRUE(TableExists("b")) << "committed on its own";
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Failed"}));
  EXPECT_EQ(Q("SELECT count(*) FROM flyrun_schema_history WHERE NOT success"), "1");
  r = Run({"migrate"});
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  EXPECT_TRUE(Contains(r.err, "repair")) << Show(r);
  EXPECT_EQ(Run({"validate"}).exit_code, 3);

  // Fixed so that it can run again over what was committed, then repaired.
  dir_.Write("sql/V2__b.sql", example().fixed_v2);
  r = Run({"repair"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "removed failed row of version 2 (V2__b.sql)")) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Pending"}));
  r = Run({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Success"}));
  EXPECT_EQ(Q("SELECT count(*) FROM flyrun_schema_history"), "2");

  // An edited applied file: repair realigns the checksum.
  dir_.Write("sql/V1__a.sql", "CREATE TABLE a (id INT); -- reviewed\n");
  EXPECT_EQ(Run({"validate"}).exit_code, 3);
  r = Run({"repair"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "realigned version 1")) << Show(r);
  EXPECT_EQ(Run({"validate"}).exit_code, 0);
}

TEST_P(Commands, RepairMarkAppliedRecordsAHandFinishedMigration) {
  dir_.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir_.Write("sql/V2__b.sql", example().failing_v2);
  ASSERT_EQ(Run({"migrate"}).exit_code, 1);
  ASSERT_EQ(Q("SELECT installed_rank FROM flyrun_schema_history WHERE NOT success"), "2");

  auto r = Run({"repair", "--mark-applied", "1"});
  EXPECT_EQ(r.exit_code, 3) << Show(r);
  EXPECT_TRUE(Contains(r.err, "version 1 has no failed history row")) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Failed"})) << "nothing changed";

  // Finished by hand; the file now says what was done.
  Exec("CREATE TABLE c (id INT)");
  dir_.Write("sql/V2__b.sql", example().finished_v2);
  r = Run({"repair", "--mark-applied", "2"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "marked the failed row of version 2 (V2__b.sql) as applied"))
      << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Success"}));
  EXPECT_EQ(History(), (std::vector<std::string>{"1 1 SQL 1", "2 2 SQL 1"}));
  EXPECT_EQ(Run({"validate"}).exit_code, 0) << "the row holds the file's checksum";

  r = Run({"repair", "--mark-applied", "2"});
  EXPECT_EQ(r.exit_code, 3) << Show(r);
  dir_.Write("sql/V3__d.sql", "CREATE TABLE d (id INT);\n");
  r = Run({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Success", "3:Success"}));
}

TEST_P(Commands, RepairMarksAMissingMigrationDeletedAndKeepsItsRow) {
  dir_.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir_.Write("sql/V2__b.sql", "CREATE TABLE b (id INT);\n");
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  dir_.Write("sql/V3__c.sql", "CREATE TABLE c (id INT);\n");
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  std::filesystem::remove(dir_.path() / "sql/V2__b.sql");
  auto r = Run({"validate"});
  EXPECT_EQ(r.exit_code, 3) << Show(r);
  EXPECT_TRUE(Contains(r.out + r.err, "V2__b.sql")) << Show(r);

  r = Run({"repair"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "marked version 2 (V2__b.sql) as deleted")) << Show(r);
  r = Run({"validate"});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Deleted", "3:Success"}));
  EXPECT_EQ(History(),
            (std::vector<std::string>{"1 1 SQL 1", "2 2 SQL 1", "3 3 SQL 1", "4 2 DELETE 1"}));
  EXPECT_EQ(Q("SELECT script FROM flyrun_schema_history WHERE installed_rank = 4"), "V2__b.sql");
  EXPECT_EQ(Run({"migrate"}).exit_code, 0);
  EXPECT_EQ(Q("SELECT count(*) FROM flyrun_schema_history"), "4");
}

TEST_P(Commands, CleanIsRefusedUnlessEnabled) {
  WriteExample();
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  std::string migrated = Dump(false);
  auto r = Run({"clean"});
  EXPECT_EQ(r.exit_code, 2) << Show(r);
  EXPECT_TRUE(Contains(r.err, "clean_enabled")) << Show(r);
  EXPECT_EQ(Dump(false), migrated);

  r = Run({"clean"}, {{"FLYRUN_CLEAN_ENABLED", "true"}});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(db_->Empty()) << Dump(true);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Pending", "2:Pending", "3:Pending"}));
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  EXPECT_EQ(Dump(false), migrated);
}

}  // namespace flyrun::test

namespace flyrun::test {

// A table of the history table's columns (SPEC 7) with `checksum_type` for
// the checksum (Flyway's is INT), and without `success` when `with_success`
// is false.
std::string HistoryTableLike(const std::string& checksum_type, bool with_success) {
  return "CREATE TABLE flyrun_schema_history (installed_rank INT NOT NULL PRIMARY KEY, "
         "version VARCHAR(50), description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, "
         "script VARCHAR(1000) NOT NULL, checksum " +
         checksum_type +
         ", installed_by VARCHAR(100) NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT "
         "CURRENT_TIMESTAMP, execution_time INT NOT NULL" +
         (with_success ? ", success BOOLEAN NOT NULL)" : ")");
}

TEST_P(Commands, AHistoryTableOfAnotherToolIsNamedWithTheColumnsFlyrunExpects) {
  WriteExample();
  Exec(
      "CREATE TABLE flyrun_schema_history (version BIGINT NOT NULL PRIMARY KEY, "
      "dirty BOOLEAN NOT NULL)");
  for (const char* command : {"migrate", "info", "validate"}) {
    auto r = Run({command});
    EXPECT_EQ(r.exit_code, 2) << command << "\n" << Show(r);
    EXPECT_TRUE(Contains(r.err, "flyrun_schema_history")) << Show(r);
    EXPECT_TRUE(Contains(r.err, "is not a flyrun history table")) << Show(r);
    EXPECT_TRUE(Contains(r.err, "golang-migrate")) << Show(r);
    EXPECT_TRUE(Contains(r.err,
                         "installed_rank, version, description, type, script, checksum, "
                         "installed_by, installed_on, execution_time, success"))
        << Show(r);
    EXPECT_TRUE(Contains(r.err, "hint: ")) << Show(r);
  }
  EXPECT_FALSE(TableExists("users")) << "nothing applied";
}

TEST_P(Commands, AHistoryTableMissingAColumnNamesIt) {
  WriteExample();
  Exec(HistoryTableLike("VARCHAR(64)", false));
  auto r = Run({"migrate"});
  EXPECT_EQ(r.exit_code, 2) << Show(r);
  EXPECT_TRUE(Contains(r.err, "has no column success")) << Show(r);
  EXPECT_FALSE(TableExists("users")) << "nothing applied";
}

// A history as Flyway leaves it: its table definition, a baseline row, a
// versioned and a repeatable row with the real CRC-32 of their files, and a
// lock lease row with a negative rank. Known checksums (FLYWAY-FACTS 1):
// "SELECT 1;" with or without a newline is 78787420, "CREATE TABLE t (id
// INT);\n" is 1556295178.
class FlywayHistory {
 public:
  static constexpr const char* kInsert =
      "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
      "checksum, installed_by, execution_time, success) VALUES ";
  static void Create(const CommandsExample& e,
                     const std::function<void(const std::string&)>& exec) {
    for (const auto& sql : e.flyway_table) exec(sql);
    exec(std::string(kInsert) +
         "(1, '1', '<< Flyway Baseline >>', 'BASELINE', '<< Flyway Baseline >>', NULL, "
         "'flyway', 0, TRUE)");
    exec(std::string(kInsert) +
         "(2, '2', 'one', 'SQL', 'V2__one.sql', 78787420, 'flyway', 3, TRUE)");
    exec(std::string(kInsert) +
         "(3, NULL, 'one', 'SQL', 'R__one.sql', 78787420, 'flyway', 1, TRUE)");
    exec(std::string(kInsert) + "(-100, 'a1b2c3d4', 'flyway-lock', '', '', 0, 'flyway', 0, TRUE)");
  }
  static void WriteFiles(TempDir& dir) {
    dir.Write("sql/V2__one.sql", "SELECT 1;\n");
    dir.Write("sql/R__one.sql", "SELECT 1;");
    dir.Write("sql/V3_01__t.sql", "CREATE TABLE t (id INT);\n");
    dir.Write("sql/U3_01__t.sql", "DROP TABLE t;\n");
  }
};

TEST_P(Commands, AFlywayHistoryIsContinuedInFlywaysFormat) {
  FlywayHistory::Create(example(), [this](const std::string& sql) { Exec(sql); });
  FlywayHistory::WriteFiles(dir_);
  auto run = [this](std::vector<std::string> args) {
    args.insert(args.end(), {"--table", "flyway_schema_history"});
    return Run(args);
  };
  auto row = [this](const std::string& what, int rank) {
    return Q("SELECT " + what +
             " FROM flyway_schema_history WHERE installed_rank = " + std::to_string(rank));
  };

  // info: Flyway's rows in Flyway's states; the lock row is not shown.
  auto r = run({"info", "--output", "json"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  std::vector<std::string> states;
  for (const auto& m : nlohmann::json::parse(r.out)["migrations"])
    states.push_back(m["version"].get<std::string>() + ":" + m["state"].get<std::string>());
  EXPECT_EQ(states,
            (std::vector<std::string>{"1:Baseline", "2:Success", "3.1:Pending", ":Success"}));
  r = run({"validate"});
  EXPECT_EQ(r.exit_code, 0) << Show(r);

  // migrate continues: rank max + 1 (not after the lock row), the version as
  // written, Flyway's CRC-32 as an integer, no second table.
  r = run({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(TableExists("t"));
  EXPECT_FALSE(TableExists("flyrun_schema_history"));
  EXPECT_EQ(row("version", 4), "3.01");
  EXPECT_EQ(row("checksum", 4), "1556295178");
  EXPECT_EQ(row("type", 4), "SQL");
  EXPECT_EQ(row("script", 4), "V3_01__t.sql");
  EXPECT_EQ(Q("SELECT count(*) FROM flyway_schema_history"), "5");
  EXPECT_EQ(row("description", -100), "flyway-lock");
  r = run({"migrate"});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(Q("SELECT count(*) FROM flyway_schema_history"), "5") << "the repeatable is current";

  // An applied file edited: validate names it, repair realigns its checksum.
  dir_.Write("sql/V2__one.sql", "SELECT 1;\n-- reviewed\n");
  r = run({"validate"});
  EXPECT_EQ(r.exit_code, 3) << Show(r);
  EXPECT_TRUE(Contains(r.out + r.err, "V2__one.sql")) << Show(r);
  EXPECT_TRUE(Contains(r.out + r.err, "78787420")) << Show(r);
  r = run({"repair"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  std::string realigned = row("checksum", 2);
  EXPECT_NE(realigned, "78787420");
  EXPECT_EQ(realigned.find_first_not_of("-0123456789"), std::string::npos) << realigned;
  EXPECT_EQ(run({"validate"}).exit_code, 0);

  // undo writes an UNDO_SQL row of the same shape.
  r = run({"undo"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_FALSE(TableExists("t"));
  EXPECT_EQ(row("type", 5), "UNDO_SQL");
  EXPECT_EQ(row("version", 5), "3.01");
  EXPECT_EQ(row("script", 5), "U3_01__t.sql");
  EXPECT_EQ(row("checksum", 5).find_first_not_of("-0123456789"), std::string::npos);
}

TEST_P(Commands, AFailedRowInAFlywayHistoryBlocksMigrateUntilRepair) {
  FlywayHistory::Create(example(), [this](const std::string& sql) { Exec(sql); });
  FlywayHistory::WriteFiles(dir_);
  // Flyway on MySQL leaves such a row when a migration fails.
  Exec(std::string(FlywayHistory::kInsert) +
       "(4, '3.01', 't', 'SQL', 'V3_01__t.sql', 1556295178, 'flyway', 2, FALSE)");
  auto run = [this](std::vector<std::string> args) {
    args.insert(args.end(), {"--table", "flyway_schema_history"});
    return Run(args);
  };
  auto r = run({"migrate"});
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  EXPECT_TRUE(Contains(r.err, "failed earlier")) << Show(r);
  EXPECT_TRUE(Contains(r.err, "repair")) << Show(r);
  EXPECT_FALSE(TableExists("t"));
  r = run({"repair"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(Q("SELECT count(*) FROM flyway_schema_history WHERE installed_rank = 4"), "0");
  r = run({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(TableExists("t"));
  // Ranks have a gap where the failed row was: the next is max + 1.
  EXPECT_EQ(Q("SELECT installed_rank FROM flyway_schema_history WHERE version = '3.01'"), "4");
}

// Columns (name, type, nullability, default, length), the primary key's
// constraint name and the index names of flyway_schema_history.
std::string FlywayTableDefinition(const CommandsDatabase& db, const CommandsExample& e,
                                  const std::function<std::string(const std::string&)>& q) {
  std::string out;
  for (int i = 1; i <= 11; ++i) {
    out +=
        q("SELECT concat(column_name, ' ', data_type, ' ', is_nullable, ' ', "
          "coalesce(column_default, '-'), ' ', coalesce(character_maximum_length, 0)) FROM "
          "information_schema.columns WHERE table_schema = " +
          db.CurrentSchemaSql() +
          " AND table_name = 'flyway_schema_history' AND ordinal_position = " + std::to_string(i)) +
        "\n";
  }
  out += "pk " +
         q("SELECT constraint_name FROM information_schema.table_constraints WHERE "
           "table_schema = " +
           db.CurrentSchemaSql() +
           " AND table_name = 'flyway_schema_history' AND constraint_type = 'PRIMARY KEY'") +
         "\n";
  out += "indexes " + q(e.flyway_indexes_sql) + "\n";
  return out;
}

TEST_P(Commands, AHistoryTableCreatedInFlywaysFormatHasFlywaysDefinition) {
  auto q = [this](const std::string& sql) { return Q(sql); };
  for (const auto& sql : example().flyway_table) Exec(sql);
  std::string flyways = FlywayTableDefinition(*db_, example(), q);
  EXPECT_TRUE(Contains(flyways, "checksum integer") || Contains(flyways, "checksum int "))
      << flyways;
  EXPECT_TRUE(Contains(flyways, "flyway_schema_history_s_idx")) << flyways;
  Exec("DROP TABLE flyway_schema_history");

  ConnectionOptions options;
  options.url = db_->url();
  options.table = "flyway_schema_history";
  options.history_format = HistoryFormat::kFlyway;
  auto driver = OpenDriver(options);
  EXPECT_EQ(driver->history_format(), HistoryFormat::kFlyway);
  driver->EnsureHistoryTable();
  EXPECT_EQ(FlywayTableDefinition(*db_, example(), q), flyways);

  // Opened again without asking for it, the table's layout decides.
  options.history_format = HistoryFormat::kFlyrun;
  EXPECT_EQ(OpenDriver(options)->history_format(), HistoryFormat::kFlyway);
  options.table = "flyrun_schema_history";
  auto own = OpenDriver(options);
  EXPECT_EQ(own->history_format(), HistoryFormat::kFlyrun);
  own->EnsureHistoryTable();
  EXPECT_EQ(OpenDriver(options)->history_format(), HistoryFormat::kFlyrun);
}

TEST_P(Commands, FlywaysFormatRefusesToCreateATableBesideItsOldSchemaVersionTable) {
  for (std::string sql : example().flyway_table) {
    for (size_t at; (at = sql.find("flyway_schema_history")) != std::string::npos;)
      sql.replace(at, 21, "schema_version");
    Exec(sql);
  }
  ConnectionOptions options;
  options.url = db_->url();
  options.table = "flyway_schema_history";
  options.history_format = HistoryFormat::kFlyway;
  auto driver = OpenDriver(options);
  try {
    driver->EnsureHistoryTable();
    ADD_FAILURE() << "created a second history table";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_TRUE(Contains(e.what(), "schema_version")) << e.what();
    EXPECT_TRUE(Contains(e.hint(), "table=schema_version")) << e.hint();
    EXPECT_TRUE(Contains(e.hint(), "RENAME TO flyway_schema_history")) << e.hint();
  }
  EXPECT_FALSE(TableExists("flyway_schema_history"));
  // With table=schema_version it is the history table.
  options.table = "schema_version";
  EXPECT_EQ(OpenDriver(options)->history_format(), HistoryFormat::kFlyway);
  EXPECT_NO_THROW(OpenDriver(options)->EnsureHistoryTable());
}

TEST_P(Commands, TheFlywayCorpusIsMigratedWithFlywaysChecksums) {
  FLYRUN_REQUIRE_CORPUS("flyway/generic/sql");
  // An empty history table of Flyway's definition is enough to choose its format.
  for (const auto& sql : example().flyway_table) Exec(sql);
  for (const char* name : {"V1__First.sql", "V1.1__View.sql"}) {
    std::ifstream in(CorpusDir() / "flyway" / "generic" / "sql" / name, std::ios::binary);
    ASSERT_TRUE(in) << name;
    std::ostringstream text;
    text << in.rdbuf();
    dir_.Write(std::string("sql/") + name, text.str());
  }
  auto r = Run({"migrate", "--table", "flyway_schema_history"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(Q("SELECT checksum FROM flyway_schema_history WHERE version = '1'"), "454910647");
  EXPECT_EQ(Q("SELECT checksum FROM flyway_schema_history WHERE version = '1.1'"), "-133051733");
  EXPECT_EQ(Q("SELECT installed_rank FROM flyway_schema_history WHERE version = '1.1'"), "2");
}

TEST_P(Commands, AReadOnlySessionSaysItWasCreatingTheHistoryTable) {
  WriteExample();
  auto r = Run({"migrate", "--init-sql", example().read_only_init_sql});
  EXPECT_EQ(r.exit_code, 2) << Show(r);
  EXPECT_TRUE(Contains(r.err, "could not create the history table")) << Show(r);
  EXPECT_TRUE(Contains(r.err, "flyrun_schema_history")) << Show(r);
  EXPECT_TRUE(Contains(r.err, "GRANT")) << Show(r);
  EXPECT_TRUE(Contains(r.err, "`schema`")) << Show(r);
}

TEST_P(Commands, AFirstMigrateOverExistingObjectsHintsAtBaseline) {
  WriteExample();
  Exec(example().legacy_users);
  auto r = Run({"migrate"});
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  EXPECT_TRUE(Contains(r.err, "flyrun baseline")) << Show(r);
  EXPECT_TRUE(Contains(r.err, "baseline_on_migrate")) << Show(r);
}

}  // namespace flyrun::test
