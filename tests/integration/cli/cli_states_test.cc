// End-to-end tests on SQLite of the info states Missing, Future and Superseded,
// and of `repair --mark-applied` for a failed migration finished by hand.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "sqlite_cli.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

class CliStates : public SqliteCli {
 protected:
  /// "version:state" per info row; repeatables as "R description:state".
  std::vector<std::string> States() {
    auto r = Run({"info", "--output", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> out;
    auto doc = nlohmann::json::parse(r.out);
    for (const auto& m : doc["migrations"]) {
      std::string version = m["version"].get<std::string>();
      out.push_back((version.empty() ? "R " + m["description"].get<std::string>() : version) + ":" +
                    m["state"].get<std::string>());
    }
    return out;
  }

  /// "rank version type success checksum" per history row, in rank order.
  std::vector<std::string> History() {
    SQLite::Database db(db_path());
    SQLite::Statement q(db,
                        "SELECT installed_rank, coalesce(version, '-'), type, success, "
                        "coalesce(checksum, '-') FROM flyrun_schema_history "
                        "ORDER BY installed_rank");
    std::vector<std::string> out;
    while (q.executeStep()) {
      out.push_back(q.getColumn(0).getString() + " " + q.getColumn(1).getString() + " " +
                    q.getColumn(2).getString() + " " + q.getColumn(3).getString() + " " +
                    q.getColumn(4).getString());
    }
    return out;
  }

  void Remove(const std::string& relative) {
    ASSERT_TRUE(std::filesystem::remove(dir.path() / relative)) << relative;
  }

  void WriteThree() {
    dir.Write("sql/V1__users.sql", "CREATE TABLE users (id INT PRIMARY KEY);\n");
    dir.Write("sql/V2__orders.sql", "CREATE TABLE orders (id INT);\n");
    dir.Write("sql/V3__items.sql", "CREATE TABLE items (id INT);\n");
  }
};

std::string Show(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST_F(CliStates, AppliedFileDeletedIsMissingAndFailsValidation) {
  WriteThree();
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  Remove("sql/V2__orders.sql");
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Missing", "3:Success"}));
  auto text = Run({"info"});
  EXPECT_EQ(text.exit_code, 0) << Show(text);
  EXPECT_TRUE(Contains(text.out, "Missing")) << Show(text);

  auto validate = Run({"validate"});
  EXPECT_EQ(validate.exit_code, 3) << Show(validate);
  EXPECT_TRUE(Contains(validate.out, "V2__orders.sql")) << Show(validate);
  auto json = Run({"validate", "--output", "json"});
  EXPECT_EQ(json.exit_code, 3) << Show(json);
  EXPECT_TRUE(Contains(json.out, "missing-migration")) << Show(json);
  // migrate validates first and refuses too.
  EXPECT_EQ(Run({"migrate"}).exit_code, 3);

  // Deleted on purpose: repair records that (the row stays), as the hint says.
  auto repair = Run({"repair"});
  ASSERT_EQ(repair.exit_code, 0) << Show(repair);
  EXPECT_TRUE(Contains(repair.out, "V2__orders.sql")) << Show(repair);
  EXPECT_TRUE(Contains(repair.out, "missing")) << Show(repair);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Deleted", "3:Success"}));
  EXPECT_EQ(Run({"validate"}).exit_code, 0);
}

TEST_F(CliStates, VersionAboveEveryFileIsFutureAndValidates) {
  WriteThree();
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  // An older checkout against a database a newer release already migrated.
  Remove("sql/V3__items.sql");
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Success", "3:Future"}));
  auto validate = Run({"validate"});
  EXPECT_EQ(validate.exit_code, 0) << Show(validate);
  auto migrate = Run({"migrate"});
  EXPECT_EQ(migrate.exit_code, 0) << Show(migrate);
  EXPECT_EQ(History().size(), 3u);
  // A future row is not a missing one: repair keeps it.
  auto repair = Run({"repair"});
  EXPECT_EQ(repair.exit_code, 0) << Show(repair);
  EXPECT_TRUE(Contains(repair.out, "Nothing to repair")) << Show(repair);
  EXPECT_EQ(States().back(), "3:Future");
}

TEST_F(CliStates, RepeatableAppliedTwiceSupersedesTheOlderRow) {
  dir.Write("sql/V1__users.sql", "CREATE TABLE users (id INT, name TEXT);\n");
  dir.Write("sql/R__user_names.sql",
            "DROP VIEW IF EXISTS user_names;\nCREATE VIEW user_names AS SELECT name FROM users;\n");
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "R user names:Success"}));

  dir.Write("sql/R__user_names.sql",
            "DROP VIEW IF EXISTS user_names;\n"
            "CREATE VIEW user_names AS SELECT upper(name) AS name FROM users;\n");
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "R user names:Outdated"}));
  auto r = Run({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "R user names:Superseded",
                                                "R user names:Success"}));
  // The superseded row is the older one.
  auto doc = nlohmann::json::parse(Run({"info", "--output", "json"}).out);
  ASSERT_EQ(doc["migrations"].size(), 3u);
  EXPECT_LT(doc["migrations"][1]["installed_rank"].get<int>(),
            doc["migrations"][2]["installed_rank"].get<int>());
  EXPECT_EQ(Run({"validate"}).exit_code, 0);
  EXPECT_EQ(Count("SELECT count(*) FROM flyrun_schema_history WHERE version IS NULL"), 2);
}

TEST_F(CliStates, RepairMarkAppliedRecordsAHandFinishedMigration) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/V2__b.sql",
            "-- flyrun:transaction=false\n"
            "CREATE TABLE b (id INT);\n"
            "INSERT INTO no_such_table VALUES (1);\n"
            "CREATE TABLE c (id INT);\n");
  auto failed = Run({"migrate"});
  ASSERT_EQ(failed.exit_code, 1) << Show(failed);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Failed"}));
  auto before = History();
  ASSERT_EQ(before.size(), 2u);

  // Refusals change nothing: not a failed version, no history at all, not a version.
  auto not_failed = Run({"repair", "--mark-applied", "1"});
  EXPECT_EQ(not_failed.exit_code, 3) << Show(not_failed);
  EXPECT_TRUE(Contains(not_failed.err, "version 1 has no failed history row")) << Show(not_failed);
  auto unknown = Run({"repair", "--mark-applied", "7"});
  EXPECT_EQ(unknown.exit_code, 3) << Show(unknown);
  EXPECT_TRUE(Contains(unknown.err, "version 7 has no failed history row")) << Show(unknown);
  EXPECT_EQ(Run({"repair", "--mark-applied", "seven"}).exit_code, 2);
  EXPECT_EQ(History(), before);

  // The DBA finishes the script by hand and fixes the file to what now holds.
  {
    SQLite::Database db(db_path(), SQLite::OPEN_READWRITE);
    db.exec("CREATE TABLE c (id INT)");
  }
  dir.Write("sql/V2__b.sql",
            "-- flyrun:transaction=false\n"
            "CREATE TABLE b (id INT);\n"
            "CREATE TABLE c (id INT);\n");
  auto r = Run({"repair", "--mark-applied", "2"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "marked the failed row of version 2 (V2__b.sql) as applied"))
      << Show(r);
  EXPECT_TRUE(Contains(r.out, "checksum")) << Show(r);
  auto after = History();
  ASSERT_EQ(after.size(), 2u) << "the row is updated, not deleted and re-inserted";
  EXPECT_EQ(after[0], before[0]);
  EXPECT_EQ(after[1].substr(0, after[1].rfind(' ')), "2 2 SQL 1") << after[1];
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Success"}));
  EXPECT_EQ(Run({"validate"}).exit_code, 0) << "the row holds the file's current checksum";

  auto again = Run({"repair", "--mark-applied", "2"});
  EXPECT_EQ(again.exit_code, 3) << Show(again);
  dir.Write("sql/V3__d.sql", "CREATE TABLE d (id INT);\n");
  auto more = Run({"migrate"});
  EXPECT_EQ(more.exit_code, 0) << Show(more);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Success", "3:Success"}));
}

TEST_F(CliStates, PlainRepairRemovesTheFailedRowMarkAppliedKeepsIt) {
  dir.Write("sql/V1__a.sql",
            "-- flyrun:transaction=false\nCREATE TABLE IF NOT EXISTS a (id INT);\nBOGUS;\n");
  ASSERT_EQ(Run({"migrate"}).exit_code, 1);
  ASSERT_EQ(History().size(), 1u);
  // Plain repair removes the failed row.
  auto plain = Run({"repair", "--output", "json"});
  ASSERT_EQ(plain.exit_code, 0) << Show(plain);
  auto doc = nlohmann::json::parse(plain.out);
  ASSERT_EQ(doc["changes"].size(), 1u) << plain.out;
  EXPECT_TRUE(Contains(doc["changes"][0].get<std::string>(), "removed failed row of version 1"))
      << plain.out;
  EXPECT_TRUE(History().empty());
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Pending"}));

  // With --mark-applied, the named row becomes a success in JSON output too.
  ASSERT_EQ(Run({"migrate"}).exit_code, 1);
  ASSERT_EQ(History().size(), 1u);
  dir.Write("sql/V1__a.sql",
            "-- flyrun:transaction=false\nCREATE TABLE IF NOT EXISTS a (id INT);\n");
  auto marked = Run({"repair", "--mark-applied", "1", "--output", "json"});
  ASSERT_EQ(marked.exit_code, 0) << Show(marked);
  doc = nlohmann::json::parse(marked.out);
  ASSERT_EQ(doc["changes"].size(), 1u) << marked.out;
  EXPECT_TRUE(Contains(doc["changes"][0].get<std::string>(), "marked the failed row of version 1"))
      << marked.out;
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success"}));
}

TEST_F(CliStates, RepairMarkAppliedFinishesAFailedUndo) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\nCREATE TABLE b (id INT);\n");
  dir.Write(
      "sql/U1__a.sql",
      "-- flyrun:transaction=false\nDROP TABLE b;\nDROP TABLE no_such_table;\nDROP TABLE a;\n");
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  auto undo = Run({"undo"});
  ASSERT_EQ(undo.exit_code, 1) << Show(undo);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Failed"}));
  {
    SQLite::Database db(db_path(), SQLite::OPEN_READWRITE);
    db.exec("DROP TABLE a");
  }
  dir.Write("sql/U1__a.sql", "-- flyrun:transaction=false\nDROP TABLE b;\nDROP TABLE a;\n");
  auto r = Run({"repair", "--mark-applied", "1"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "U1__a.sql")) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Undone"}));
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success"}));
}

}  // namespace
}  // namespace flyrun::test
