// End-to-end tests of undo, baseline, repair, clean, new, dry-run, target,
// out-of-order, callbacks and placeholders on SQLite.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sqlite_cli.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

class CliCommands : public SqliteCli {
 protected:
  /// Schema and data of the database, history table excluded, as text.
  std::string Dump() {
    SQLite::Database db(db_path());
    std::string out;
    SQLite::Statement objects(db,
                              "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE "
                              "'flyrun_%' AND name NOT LIKE 'sqlite_%' ORDER BY type, name");
    std::vector<std::string> tables;
    while (objects.executeStep()) {
      out += objects.getColumn(0).getString() + " " + objects.getColumn(1).getString() + ": " +
             objects.getColumn(2).getString() + "\n";
      if (objects.getColumn(0).getString() == "table")
        tables.push_back(objects.getColumn(1).getString());
    }
    for (const auto& t : tables) {
      SQLite::Statement rows(db, "SELECT * FROM \"" + t + "\" ORDER BY 1");
      while (rows.executeStep()) {
        out += t + ":";
        for (int i = 0; i < rows.getColumnCount(); ++i) out += " " + rows.getColumn(i).getString();
        out += "\n";
      }
    }
    return out;
  }

  std::string HistoryDump() {
    SQLite::Database db(db_path());
    std::string out;
    SQLite::Statement q(db,
                        "SELECT installed_rank, version, type, success FROM flyrun_schema_history");
    while (q.executeStep())
      out += q.getColumn(0).getString() + q.getColumn(1).getString() + q.getColumn(2).getString() +
             q.getColumn(3).getString() + "\n";
    return out;
  }

  std::vector<std::string> States() {
    auto r = Run({"info", "--output", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> out;
    auto doc = nlohmann::json::parse(r.out);
    for (const auto& m : doc["migrations"])
      out.push_back(m["version"].get<std::string>() + ":" + m["state"].get<std::string>());
    return out;
  }

  /// V1 and V3 applied, then V2 out of order; each with its undo file.
  void ApplyOutOfOrder() {
    WriteTableMigrations(dir, {{1, "a"}, {3, "c"}});
    ASSERT_EQ(Run({"migrate"}).exit_code, 0);
    WriteTableMigrations(dir, {{2, "b"}});
    ASSERT_EQ(Run({"migrate", "--out-of-order"}).exit_code, 0);
  }

  void WriteExample() {
    dir.Write("sql/V1__users.sql",
              "CREATE TABLE users (id INT PRIMARY KEY, name TEXT);\n"
              "INSERT INTO users VALUES (1, 'ada');\n");
    dir.Write("sql/U1__users.sql", "DROP TABLE users;\n");
    dir.Write("sql/V2__orders.sql",
              "CREATE TABLE orders (id INT, user_id INT);\n"
              "CREATE INDEX orders_user ON orders (user_id);\n"
              "INSERT INTO orders VALUES (1, 1);\n");
    dir.Write("sql/U2__orders.sql", "DROP TABLE orders;\n");
    dir.Write("sql/V3__status.sql", "ALTER TABLE users ADD COLUMN status TEXT DEFAULT 'x';\n");
    dir.Write("sql/U3__status.sql", "ALTER TABLE users DROP COLUMN status;\n");
  }
};

TEST_F(CliCommands, DryRunChangesNothingAndPrintsTheSql) {
  WriteExample();
  ASSERT_EQ(Run({"migrate", "--target", "1"}).exit_code, 0);
  std::string before = Dump(), history_before = HistoryDump();
  auto r = Run({"migrate", "--dry-run", "--placeholder", "x=y"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("CREATE TABLE orders"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("INSERT INTO \"flyrun_schema_history\""), std::string::npos) << r.out;
  EXPECT_EQ(Dump(), before);
  EXPECT_EQ(HistoryDump(), history_before);

  auto undo = Run({"undo", "--dry-run"});
  ASSERT_EQ(undo.exit_code, 0) << undo.err;
  EXPECT_NE(undo.out.find("DROP TABLE users"), std::string::npos) << undo.out;
  EXPECT_EQ(Dump(), before);
  EXPECT_EQ(HistoryDump(), history_before);
}

TEST_F(CliCommands, MigrateUndoMigrateRoundTrips) {
  WriteExample();
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  std::string migrated = Dump();
  auto undo = Run({"undo", "--target", "1"});
  ASSERT_EQ(undo.exit_code, 0) << undo.err;
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Undone", "3:Undone"}));
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  EXPECT_EQ(Dump(), migrated);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Success", "3:Success"}));
}

TEST_F(CliCommands, UndoWithoutUndoFileIsAClearError) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  auto r = Run({"undo"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("no undo file"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("U1__a.sql"), std::string::npos) << r.err;
}

TEST_F(CliCommands, UndoRevertsTheMostRecentlyAppliedNotTheHighestVersion) {
  ASSERT_NO_FATAL_FAILURE(ApplyOutOfOrder());

  auto r = Run({"undo"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Undid version 2"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Undid version 3"), std::string::npos) << r.out;
  EXPECT_EQ(HistoryDump(), "11SQL1\n23SQL1\n32SQL1\n42UNDO_SQL1\n");
}

TEST_F(CliCommands, UndoToATargetGoesBackInReverseOrderOfApplication) {
  ASSERT_NO_FATAL_FAILURE(ApplyOutOfOrder());

  auto r = Run({"undo", "--target", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto two = r.out.find("Undid version 2"), three = r.out.find("Undid version 3");
  ASSERT_NE(two, std::string::npos) << r.out;
  ASSERT_NE(three, std::string::npos) << r.out;
  EXPECT_LT(two, three) << r.out;
  EXPECT_EQ(HistoryDump(), "11SQL1\n23SQL1\n32SQL1\n42UNDO_SQL1\n53UNDO_SQL1\n");
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Undone", "3:Undone"}));
}

TEST_F(CliCommands, RepairMarksAMissingMigrationDeletedAndKeepsItsRow) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/V2__b.sql", "CREATE TABLE b (id INT);\n");
  dir.Write("sql/V3__c.sql", "CREATE TABLE c (id INT);\n");
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  std::filesystem::remove(dir.path() / "sql/V2__b.sql");
  auto v = Run({"validate"});
  EXPECT_EQ(v.exit_code, 3) << v.out << v.err;
  EXPECT_NE((v.out + v.err).find("V2__b.sql"), std::string::npos) << v.out << v.err;
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Missing", "3:Success"}));

  auto r = Run({"repair"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("marked version 2 (V2__b.sql) as deleted"), std::string::npos) << r.out;
  auto after = Run({"validate"});
  EXPECT_EQ(after.exit_code, 0) << after.out << after.err;
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Deleted", "3:Success"}));
  EXPECT_EQ(HistoryDump(), "11SQL1\n22SQL1\n33SQL1\n42DELETE1\n");
  // Nothing left to repair, and migrate has nothing to do.
  auto again = Run({"repair"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("Nothing to repair"), std::string::npos) << again.out;
  auto m = Run({"migrate"});
  EXPECT_EQ(m.exit_code, 0) << m.err;
  EXPECT_EQ(HistoryDump(), "11SQL1\n22SQL1\n33SQL1\n42DELETE1\n");
}

TEST_F(CliCommands, RepairMarksAMissingRepeatableDeleted) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/R__view.sql", "CREATE VIEW IF NOT EXISTS v AS SELECT * FROM a;\n");
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  std::filesystem::remove(dir.path() / "sql/R__view.sql");
  EXPECT_EQ(Run({"validate"}).exit_code, 3);
  auto r = Run({"repair"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("marked 'view' (R__view.sql) as deleted"), std::string::npos) << r.out;
  EXPECT_EQ(Run({"validate"}).exit_code, 0);
  EXPECT_EQ(HistoryDump(), "11SQL1\n2SQL1\n3DELETE1\n");
}

TEST_F(CliCommands, TargetAndOutOfOrder) {
  WriteExample();
  ASSERT_EQ(Run({"migrate", "--target", "1"}).exit_code, 0);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Pending", "3:Pending"}));
  auto info = Run({"info", "--target", "2", "--output", "json"});
  EXPECT_NE(info.out.find("Above Target"), std::string::npos);

  dir.Write("sql/V5__late.sql", "CREATE TABLE late (id INT);\n");
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  dir.Write("sql/V4__early.sql", "CREATE TABLE early (id INT);\n");
  EXPECT_EQ(States().at(3), "4:Ignored");
  auto refused = Run({"migrate"});
  EXPECT_EQ(refused.exit_code, 3) << refused.out << refused.err;
  EXPECT_NE(refused.out.find("V4__early.sql"), std::string::npos) << refused.out;
  ASSERT_EQ(Run({"migrate", "--out-of-order"}).exit_code, 0);
  EXPECT_EQ(States().at(3), "4:Out of Order");
}

TEST_F(CliCommands, BaselineAndBelowBaseline) {
  {
    SQLite::Database db(db_path(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    // A schema that predates flyrun: what V1 and V2 would have created.
    db.exec("CREATE TABLE users (id INT PRIMARY KEY, name TEXT)");
    db.exec("CREATE TABLE orders (id INT, user_id INT)");
  }
  WriteExample();
  auto r = Run({"migrate", "--baseline-on-migrate", "--baseline-version", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Below Baseline", "2:Baseline", "3:Success"}));
  auto again = Run({"baseline"});
  EXPECT_EQ(again.exit_code, 3);
}

TEST_F(CliCommands, RepairRemovesFailedRowsAndRealignsChecksums) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT); -- reviewed\n");
  EXPECT_EQ(Run({"validate"}).exit_code, 3);
  auto r = Run({"repair"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("realigned version 1"), std::string::npos) << r.out;
  EXPECT_EQ(Run({"validate"}).exit_code, 0);

  // A failed row (as left by a non-transactional script) blocks migrate until repair.
  dir.Write("sql/V2__b.sql", "-- flyrun:transaction=false\nCREATE TABLE b (id INT);\nBOGUS;\n");
  auto failed = Run({"migrate"});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_NE(failed.err.find("statement 1 of this script ran before it and was committed"),
            std::string::npos)
      << failed.err;
  EXPECT_EQ(States().at(1), "2:Failed");
  auto refused = Run({"migrate"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("repair"), std::string::npos) << refused.err;
  dir.Write("sql/V2__b.sql",
            "-- flyrun:transaction=false\nCREATE TABLE IF NOT EXISTS b (id INT);\n");
  ASSERT_EQ(Run({"repair"}).exit_code, 0);
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  EXPECT_EQ(States().at(1), "2:Success");
}

TEST_F(CliCommands, CleanIsRefusedUnlessEnabled) {
  WriteExample();
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  auto refused = Run({"clean"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(Dump(), "");
  ASSERT_EQ(Run({"clean"}, {{"FLYRUN_CLEAN_ENABLED", "true"}}).exit_code, 0);
  EXPECT_EQ(Dump(), "");
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Pending", "2:Pending", "3:Pending"}));
}

TEST_F(CliCommands, GroupAppliesAllOrNothing) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/V2__b.sql", "CREATE TABLE b (id INT);\n");
  dir.Write("sql/V3__bad.sql", "CREATE TABLE c (id INT);\nBROKEN;\n");
  auto r = Run({"migrate", "--group"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(Dump(), "");
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Pending", "2:Pending", "3:Pending"}));
  dir.Write("sql/V3__bad.sql", "CREATE TABLE c (id INT);\n");
  ASSERT_EQ(Run({"migrate", "--group"}).exit_code, 0);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Success", "3:Success"}));
}

TEST_F(CliCommands, NewNumbersLikeTheExistingFiles) {
  dir.Write("sql/V009__a.sql", "SELECT 1;\n");
  auto r = Run({"new", "add payments"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "sql/V010__add_payments.sql"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "sql/U010__add_payments.sql"));
  EXPECT_EQ(Run({"validate"}).exit_code, 0);
}

// What `new` cannot turn into a file that flyrun accepts it refuses, saying why.
TEST_F(CliCommands, NewRefusesDescriptionsThatMakeNoMigration) {
  struct Case {
    std::string description;
    std::string why;
  };
  std::vector<Case> cases = {
      {"", "blank"},
      {"   ", "blank"},
      {"___", "blank"},
      {"a/b", "'/'"},
      {"a\\b", "'\\'"},
      {"tab\there", "control character"},
      {"line\nbreak", "control character"},
      {"bell\a", "control character"},
  };
  // 130 two-byte letters: 130 characters (the history holds 200) but 260 bytes,
  // more than a file name may have.
  std::string accents;
  for (int i = 0; i < 130; ++i) accents += "\xc3\xa9";
  cases.push_back({accents, "255 bytes"});
  for (const Case& c : cases) {
    auto r = Run({"new", c.description});
    EXPECT_EQ(r.exit_code, 2) << c.description << r.out << r.err;
    EXPECT_TRUE(r.err.find(c.why) != std::string::npos) << c.description << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "sql")) << c.description;
  }
}

// Whatever `new` writes, the scanner accepts with the description it was given.
TEST_F(CliCommands, NewFilesRoundTripThroughTheScanner) {
  std::vector<std::pair<std::string, std::string>> cases = {
      {"café crème", "V1__café_crème.sql"},
      {"fix v1.2 rounding", "V2__fix_v1.2_rounding.sql"},
      {"add-users-table", "V3__add-users-table.sql"},
      {"  padded  ", "V4__padded.sql"},
      {"a__b", "V5__a__b.sql"},
      {"日本語 テーブル", "V6__日本語_テーブル.sql"},
      {"ends.sql", "V7__ends.sql.sql"},
  };
  for (const auto& [description, file] : cases) {
    auto r = Run({"new", description});
    ASSERT_EQ(r.exit_code, 0) << description << r.err;
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "sql" / file)) << description << r.out;
  }
  auto v = Run({"validate"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  auto m = Run({"migrate"});
  ASSERT_EQ(m.exit_code, 0) << m.out << m.err;
  auto info = Run({"info"});
  EXPECT_NE(info.out.find("café crème"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("fix v1.2 rounding"), std::string::npos) << info.out;
}

TEST_F(CliCommands, PlaceholdersAndCallbacks) {
  dir.Write("sql/V1__a.sql",
            "-- ${not_replaced_in_comments}\n"
            "CREATE TABLE ${table_name} (v TEXT);\n"
            "INSERT INTO ${table_name} VALUES ('${greeting}'), ('${flyrun:filename}');\n");
  dir.Write("sql/beforeMigrate.sql",
            "CREATE TABLE IF NOT EXISTS log (e TEXT);\nINSERT INTO log VALUES ('before');\n");
  dir.Write("sql/afterEachMigrate.sql", "INSERT INTO log VALUES ('after each');\n");
  dir.Write("sql/afterMigrate.sql", "INSERT INTO log VALUES ('after');\n");
  auto r = Run({"migrate", "--placeholder", "table_name=greetings"},
               {{"FLYRUN_PLACEHOLDERS_GREETING", "hello"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  SQLite::Database db(db_path());
  EXPECT_EQ(db.execAndGet("SELECT group_concat(v, ',') FROM greetings").getString(),
            "hello,V1__a.sql");
  EXPECT_EQ(db.execAndGet("SELECT group_concat(e, ',') FROM log").getString(),
            "before,after each,after");

  dir.Write("sql/V2__b.sql", "SELECT '${missing}';\n");
  auto unknown = Run({"validate"});
  EXPECT_EQ(unknown.exit_code, 3);
  EXPECT_NE(unknown.out.find("V2__b.sql"), std::string::npos) << unknown.out;
  EXPECT_NE(unknown.out.find("missing"), std::string::npos) << unknown.out;
}

TEST_F(CliCommands, EnvironmentsFromTheConfigFile) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("conf/flyrun.yaml",
            "url: sqlite:default.db\nenvironments:\n  staging:\n    url: sqlite:staging.db\n");
  auto r = RunFlyrun({"migrate", "--env", "staging"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "staging.db"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "default.db"));
  auto bad = RunFlyrun({"migrate", "--env", "prod"}, dir.path());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("staging"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace flyrun::test
