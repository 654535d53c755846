// End-to-end tests of the flyrun binary on SQLite: run as a user would, check
// exit codes, stdout, stderr and the database afterwards.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sqlite_cli.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

class CliSqlite : public SqliteCli {};

TEST_F(CliSqlite, MigrateAppliesInVersionOrderThenInfoShowsSuccess) {
  dir.Write("sql/V1_10__c.sql", "CREATE TABLE c (id INT);\n");
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/V1.2__b.sql", "CREATE TABLE b (id INT, a INT);\nINSERT INTO a VALUES (1);\n");
  dir.Write("sql/sub/V2__d.sql", "CREATE TABLE d (id INT);");
  auto r = Run({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("now at version 2"), std::string::npos) << r.out;
  // Ranks follow version order: 1 < 1.2 < 1.10 < 2.
  SQLite::Database db(db_path());
  SQLite::Statement q(db, "SELECT version FROM flyrun_schema_history ORDER BY installed_rank");
  std::vector<std::string> versions;
  while (q.executeStep()) versions.push_back(q.getColumn(0).getString());
  EXPECT_EQ(versions, (std::vector<std::string>{"1", "1.2", "1.10", "2"}));

  auto info = Run({"info"});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find("Success"), std::string::npos) << info.out;
  EXPECT_EQ(info.out.find("Pending"), std::string::npos) << info.out;

  auto again = Run({"migrate"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("up to date"), std::string::npos) << again.out;
}

TEST_F(CliSqlite, EachMalformedNameExits3AndNamesTheFile) {
  for (std::string bad : {"V1_init.sql", "V__x.sql", "Vx__y.sql", "v1__lower.sql", "V1__.sql"}) {
    TempDir d;
    d.Write("sql/V1__ok.sql", "SELECT 1;");
    d.Write("sql/" + bad, "SELECT 1;");
    auto v = RunFlyrun({"validate"}, d.path());
    EXPECT_EQ(v.exit_code, 3) << bad << "\n" << v.out << v.err;
    EXPECT_NE(v.out.find(bad), std::string::npos) << bad << "\n" << v.out;
    auto m = RunFlyrun({"migrate"}, d.path(),
                       {{"FLYRUN_URL", "sqlite:" + (d.path() / "x.db").string()}});
    EXPECT_EQ(m.exit_code, 3) << bad << "\n" << m.out << m.err;
    EXPECT_NE((m.out + m.err).find(bad), std::string::npos) << bad;
  }
}

TEST_F(CliSqlite, DuplicateVersionsAreReportedTogether) {
  dir.Write("sql/V1__a.sql", "SELECT 1;");
  dir.Write("sql/V001__b.sql", "SELECT 1;");
  dir.Write("more/V1.0__c.sql", "SELECT 1;");
  dir.Write("sql/U7__orphan.sql", "SELECT 1;");
  auto r = RunFlyrun({"validate", "--locations", "sql,more"}, dir.path());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("V001__b.sql"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("V1.0__c.sql"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("U7__orphan.sql"), std::string::npos) << r.out;
}

TEST_F(CliSqlite, EditedAppliedFileFailsValidationButLineEndingsDoNot) {
  auto v1 = dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\nINSERT INTO a VALUES (1);\n");
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);

  // CRLF and a BOM are the same file.
  dir.Write("sql/V1__a.sql",
            "\xEF\xBB\xBF"
            "CREATE TABLE a (id INT);\r\nINSERT INTO a VALUES (1);\r\n");
  auto same = Run({"validate"});
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;

  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\nINSERT INTO a VALUES (2);\n");
  auto v = Run({"validate"});
  EXPECT_EQ(v.exit_code, 3) << v.out << v.err;
  EXPECT_NE(v.out.find("V1__a.sql"), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("recorded checksum"), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("current checksum"), std::string::npos) << v.out;

  dir.Write("sql/V2__b.sql", "CREATE TABLE b (id INT);\n");
  auto m = Run({"migrate"});
  EXPECT_EQ(m.exit_code, 3) << m.out << m.err;
  EXPECT_NE((m.out + m.err).find("V1__a.sql"), std::string::npos);
  EXPECT_FALSE(TableExists("b"));
  (void)v1;
}

TEST_F(CliSqlite, FailingStatementRollsBackTheWholeMigration) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/V2__b.sql",
            "CREATE TABLE b (id INT);\n"
            "INSERT INTO b VALUES (1);\n"
            "\n"
            "INSERT INTO no_such_table VALUES (1);\n");
  auto r = Run({"migrate"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("V2__b.sql:4"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no such table"), std::string::npos) << r.err;
  EXPECT_TRUE(TableExists("a"));
  EXPECT_FALSE(TableExists("b"));
  EXPECT_EQ(Count("SELECT count(*) FROM flyrun_schema_history WHERE version = '2'"), 0);

  dir.Write("sql/V2__b.sql", "CREATE TABLE b (id INT);\nINSERT INTO b VALUES (1);\n");
  auto fixed = Run({"migrate"});
  EXPECT_EQ(fixed.exit_code, 0) << fixed.err;
  EXPECT_EQ(Count("SELECT count(*) FROM b"), 1);
}

TEST_F(CliSqlite, JsonOutputIsOneDocumentOnStdout) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/R__v.sql", "CREATE VIEW IF NOT EXISTS v AS SELECT * FROM a;\n");
  for (std::string cmd : {"validate", "migrate", "info", "validate"}) {
    auto r = Run({cmd, "--output", "json"});
    ASSERT_EQ(r.exit_code, 0) << cmd << r.err;
    nlohmann::json j;
    ASSERT_NO_THROW(j = nlohmann::json::parse(r.out)) << cmd << ":\n" << r.out;
    EXPECT_EQ(j["command"], cmd);
  }
  auto info = nlohmann::json::parse(Run({"info", "--output", "json"}).out);
  ASSERT_EQ(info["migrations"].size(), 2u);
  EXPECT_EQ(info["migrations"][0]["version"], "1");
  EXPECT_EQ(info["migrations"][0]["state"], "Success");
  EXPECT_EQ(info["migrations"][1]["category"], "Repeatable");

  // A failure is a JSON document too.
  dir.Write("sql/V2__bad.sql", "CREATE TABLE broken (;\n");
  auto bad = Run({"migrate", "--output", "json"});
  EXPECT_EQ(bad.exit_code, 1);
  auto j = nlohmann::json::parse(bad.out);
  EXPECT_EQ(j["success"], false);
  EXPECT_EQ(j["error"]["line"], 1);
}

TEST_F(CliSqlite, NoUrlIsAConfigurationError) {
  dir.Write("sql/V1__a.sql", "SELECT 1;");
  auto r = RunFlyrun({"migrate"}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("URL"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "flyrun.db"));
}

TEST_F(CliSqlite, OfflineValidateNeedsNoDatabase) {
  dir.Write("sql/V1__a.sql", "SELECT 'unterminated;\n");
  auto r = RunFlyrun({"validate"}, dir.path());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("V1__a.sql"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sql/V1__a.sql:1:8: error[unterminated]"), std::string::npos) << r.out;
  auto gh = RunFlyrun({"validate", "--output", "github"}, dir.path());
  EXPECT_EQ(gh.exit_code, 3);
  EXPECT_EQ(gh.out.rfind("::error file=sql/V1__a.sql,line=1", 0), 0u) << gh.out;
}

TEST_F(CliSqlite, ConfigFileEnvAndFlagPrecedence) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("flyrun.yaml", "url: sqlite:from-file.db\ntable: file_table\n");
  ASSERT_EQ(RunFlyrun({"migrate"}, dir.path()).exit_code, 0);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "from-file.db"));
  auto env = RunFlyrun({"migrate"}, dir.path(), {{"FLYRUN_URL", "sqlite:from-env.db"}});
  ASSERT_EQ(env.exit_code, 0) << env.err;
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "from-env.db"));
  auto flag = RunFlyrun({"migrate", "--url", "sqlite:from-flag.db"}, dir.path(),
                        {{"FLYRUN_URL", "sqlite:from-env.db"}});
  ASSERT_EQ(flag.exit_code, 0) << flag.err;
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "from-flag.db"));
  SQLite::Database db((dir.path() / "from-flag.db").string());
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM file_table").getInt(), 1);

  dir.Write("flyrun.yaml", "url: sqlite:x.db\nlock_timeot: 5\n");
  auto typo = RunFlyrun({"info"}, dir.path());
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("lock_timeot"), std::string::npos) << typo.err;
}

TEST_F(CliSqlite, RepeatableReappliedWhenChanged) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/R__v.sql", "DROP VIEW IF EXISTS v;\nCREATE VIEW v AS SELECT id FROM a;\n");
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  dir.Write("sql/R__v.sql",
            "DROP VIEW IF EXISTS v;\nCREATE VIEW v AS SELECT id, id AS x FROM a;\n");
  auto info = Run({"info"});
  EXPECT_NE(info.out.find("Outdated"), std::string::npos) << info.out;
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  EXPECT_EQ(Count("SELECT count(*) FROM flyrun_schema_history WHERE version IS NULL"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM pragma_table_info('v')"), 2);
}

TEST_F(CliSqlite, VersionAndHelp) {
  auto v = RunFlyrun({"--version"}, dir.path());
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out.rfind("flyrun ", 0), 0u) << v.out;
  auto bad = RunFlyrun({"frobnicate"}, dir.path());
  EXPECT_EQ(bad.exit_code, 2);
}

/// Parent/child tables with ON DELETE CASCADE and three child rows.
void WriteParentAndChildren(const TempDir& dir) {
  dir.Write("sql/V1__parent_child.sql",
            "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);\n"
            "CREATE TABLE child (id INTEGER PRIMARY KEY,\n"
            "  parent_id INTEGER REFERENCES parent (id) ON DELETE CASCADE);\n"
            "INSERT INTO parent VALUES (1, 'a'), (2, 'b');\n"
            "INSERT INTO child VALUES (10, 1), (11, 1), (12, 2);\n");
}

constexpr const char* kRebuildParent =
    "CREATE TABLE parent_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '');\n"
    "INSERT INTO parent_new SELECT id, name FROM parent;\n"
    "DROP TABLE parent;\n"
    "ALTER TABLE parent_new RENAME TO parent;\n";

TEST_F(CliSqlite, TableRebuildOutsideATransactionKeepsChildRows) {
  WriteParentAndChildren(dir);
  dir.Write("sql/V2__rebuild_parent.sql", std::string("-- flyrun:transaction=false\n"
                                                      "PRAGMA foreign_keys=OFF;\n"
                                                      "BEGIN;\n") +
                                              kRebuildParent + "COMMIT;\n");
  auto r = Run({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Count("SELECT count(*) FROM child"), 3);
  EXPECT_EQ(Count("SELECT count(*) FROM parent"), 2);
}

TEST_F(CliSqlite, TableRebuildInATransactionalScriptKeepsChildRows) {
  WriteParentAndChildren(dir);
  dir.Write("sql/V2__rebuild_parent.sql", kRebuildParent);
  auto r = Run({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Count("SELECT count(*) FROM child"), 3);
  EXPECT_EQ(Count("SELECT count(*) FROM parent"), 2);
}

TEST_F(CliSqlite, InitSqlSwitchesForeignKeysOn) {
  WriteParentAndChildren(dir);
  dir.Write("sql/V2__orphan.sql", "INSERT INTO child VALUES (13, 99);\n");
  auto enforced = Run({"migrate", "--init-sql", "PRAGMA foreign_keys = ON"});
  EXPECT_EQ(enforced.exit_code, 1) << enforced.err;
  EXPECT_NE(enforced.err.find("FOREIGN KEY"), std::string::npos) << enforced.err;
  EXPECT_EQ(Count("SELECT count(*) FROM child"), 3);

  // Without it SQLite's default applies: not enforced.
  auto r = Run({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Count("SELECT count(*) FROM child"), 4);
}

// A line break inside a literal is data: the file's CR LF is stored as CR LF
// (it was rewritten to LF before the splitter kept line breaks as written).
TEST_F(CliSqlite, CrlfInsideALiteralIsStoredAsWritten) {
  dir.Write("sql/V1__crlf.sql",
            "CREATE TABLE t (v TEXT);\r\nINSERT INTO t VALUES ('a\r\nb'), ('c\rd');\r\n");
  auto r = Run({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  SQLite::Database db(db_path());
  EXPECT_EQ(db.execAndGet("SELECT group_concat(hex(v), ' ') FROM t").getString(),
            "610D0A62 630D64");
}

}  // namespace
}  // namespace flyrun::test
