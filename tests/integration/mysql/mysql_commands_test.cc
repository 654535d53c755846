// undo, dry-run, baseline, repair (and --mark-applied) and clean end to end
// against a real MariaDB server, one scratch database per test. Schemas are
// compared through SHOW CREATE TABLE and information_schema.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <regex>

#include "mysql_test_util.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

std::string TestName() { return ::testing::UnitTest::GetInstance()->current_test_info()->name(); }

std::string Show(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string Text(const MysqlRow& row) {
  std::string out;
  for (const auto& v : row) out += (out.empty() ? "" : " | ") + v.value_or("NULL");
  return out;
}

class MysqlCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    FLYRUN_SERVER_URL(base_url, "FLYRUN_TEST_MYSQL_URL");
    db_ = std::make_unique<ScratchDatabase>(base_url, TestName());
  }

  RunResult Run(std::vector<std::string> args, const std::map<std::string, std::string>& env = {}) {
    std::vector<std::string> full{"--url", db_->url(), "--locations", "sql"};
    full.insert(full.end(), args.begin(), args.end());
    return RunFlyrun(full, dir_.path(), env);
  }
  std::string Q(const std::string& sql) const { return MysqlScalar(db_->url(), sql); }
  void Exec(const std::string& sql) const { MysqlQuery(db_->url(), sql); }

  /// Every table and view (SHOW CREATE, AUTO_INCREMENT counters left out),
  /// routine and trigger of the database, history table included; with
  /// `with_data`, every row of every table too.
  std::string Dump(bool with_data) const {
    static const std::regex auto_increment(" AUTO_INCREMENT=[0-9]+");
    std::string out;
    auto tables = MysqlQuery(db_->url(),
                             "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE "
                             "TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME");
    for (const auto& t : tables) {
      auto create = MysqlQuery(db_->url(), "SHOW CREATE TABLE `" + *t[0] + "`");
      out += std::regex_replace(create.at(0).at(1).value_or(""), auto_increment, "") + ";\n";
      if (!with_data || *t[1] != "BASE TABLE") continue;
      for (const auto& row : MysqlQuery(db_->url(), "SELECT * FROM `" + *t[0] + "` ORDER BY 1"))
        out += *t[0] + ": " + Text(row) + "\n";
    }
    for (const auto& row :
         MysqlQuery(db_->url(),
                    "SELECT ROUTINE_TYPE, ROUTINE_NAME, ROUTINE_DEFINITION FROM "
                    "information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() "
                    "ORDER BY ROUTINE_NAME")) {
      out += Text(row) + "\n";
    }
    for (const auto& row :
         MysqlQuery(db_->url(),
                    "SELECT TRIGGER_NAME, ACTION_TIMING, EVENT_MANIPULATION, EVENT_OBJECT_TABLE, "
                    "ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = "
                    "DATABASE() ORDER BY TRIGGER_NAME")) {
      out += Text(row) + "\n";
    }
    return out;
  }

  /// "version:state" per info row.
  std::vector<std::string> States() {
    auto r = Run({"info", "--output", "json"});
    EXPECT_EQ(r.exit_code, 0) << Show(r);
    std::vector<std::string> out;
    auto doc = nlohmann::json::parse(r.out);
    for (const auto& m : doc["migrations"])
      out.push_back(m["version"].get<std::string>() + ":" + m["state"].get<std::string>());
    return out;
  }

  void WriteExample() {
    dir_.Write("sql/V1__users.sql",
               "CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL);\n"
               "INSERT INTO users VALUES (1, 'ada'), (2, 'grace');\n");
    dir_.Write("sql/U1__users.sql", "DROP TABLE users;\n");
    dir_.Write("sql/V2__orders.sql",
               "CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, user_id INT,\n"
               "  FOREIGN KEY (user_id) REFERENCES users (id));\n"
               "CREATE INDEX orders_user ON orders (user_id);\n"
               "CREATE VIEW order_counts AS SELECT user_id, count(*) AS n FROM orders GROUP BY 1;\n"
               "DELIMITER //\n"
               "CREATE PROCEDURE order_total() BEGIN SELECT count(*) FROM orders; END //\n"
               "CREATE TRIGGER orders_check BEFORE INSERT ON orders FOR EACH ROW\n"
               "BEGIN\n"
               "  IF NEW.user_id < 0 THEN SET NEW.user_id = NULL; END IF;\n"
               "END //\n"
               "DELIMITER ;\n"
               "INSERT INTO orders (user_id) VALUES (1), (1), (2);\n");
    dir_.Write("sql/U2__orders.sql",
               "DROP PROCEDURE order_total;\nDROP VIEW order_counts;\nDROP TABLE orders;\n");
    dir_.Write("sql/V3__status.sql",
               "ALTER TABLE users ADD COLUMN status ENUM('active', 'gone') NOT NULL "
               "DEFAULT 'active';\n");
    dir_.Write("sql/U3__status.sql", "ALTER TABLE users DROP COLUMN status;\n");
  }

  TempDir dir_;
  std::unique_ptr<ScratchDatabase> db_;
};

TEST_F(MysqlCommands, UndoLatestThenDownToTargetRecordsUndoRows) {
  WriteExample();
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  auto r = Run({"undo"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "Undid version 3")) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Success", "3:Undone"}));
  EXPECT_EQ(Q("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
              "AND TABLE_NAME = 'users' AND COLUMN_NAME = 'status'"),
            "0");

  r = Run({"undo", "--target", "1"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "Undid version 2")) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Undone", "3:Undone"}));
  EXPECT_EQ(Q("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
              "AND TABLE_NAME IN ('orders', 'order_counts')"),
            "0");
  EXPECT_EQ(Q("SELECT GROUP_CONCAT(CONCAT(version, ' ', script) ORDER BY installed_rank) FROM "
              "flyrun_schema_history WHERE type = 'UNDO_SQL' AND success"),
            "3 U3__status.sql,2 U2__orders.sql");
  EXPECT_EQ(Q("SELECT COUNT(*) FROM users"), "2");

  dir_.Write("sql/V4__plain.sql", "CREATE TABLE plain (id INT);\n");
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  std::string before = Dump(true);
  r = Run({"undo"});
  EXPECT_EQ(r.exit_code, 3) << Show(r);
  EXPECT_TRUE(Contains(r.err, "no undo file")) << Show(r);
  EXPECT_TRUE(Contains(r.err, "U4__plain.sql")) << Show(r);
  EXPECT_EQ(Dump(true), before);
}

TEST_F(MysqlCommands, MigrateUndoMigrateRoundTripsToTheSameSchema) {
  WriteExample();
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  std::string migrated = Dump(false);
  ASSERT_TRUE(Contains(migrated, "CREATE TABLE `orders`")) << migrated;
  ASSERT_TRUE(Contains(migrated, "order_total")) << migrated;
  ASSERT_TRUE(Contains(migrated, "orders_check")) << migrated;

  auto r = Run({"undo", "--target", "1"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_FALSE(Contains(Dump(false), "orders")) << Dump(false);
  r = Run({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Success", "3:Success"}));
  EXPECT_EQ(Dump(false), migrated);

  r = Run({"undo", "--target", "0"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Undone", "2:Undone", "3:Undone"}));
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  EXPECT_EQ(Dump(false), migrated);
}

TEST_F(MysqlCommands, DryRunLeavesSchemaDataAndHistoryUnchanged) {
  WriteExample();
  std::string empty = Dump(true);
  auto r = Run({"migrate", "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "CREATE TABLE users")) << Show(r);
  EXPECT_EQ(Dump(true), empty);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"),
            "0");

  ASSERT_EQ(Run({"migrate", "--target", "1"}).exit_code, 0);
  std::string before = Dump(true);
  ASSERT_TRUE(Contains(before, "flyrun_schema_history: 1 | 1 | users")) << before;
  r = Run({"migrate", "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "CREATE TABLE orders")) << Show(r);
  EXPECT_TRUE(Contains(r.out, "CREATE PROCEDURE order_total()")) << Show(r);
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
  EXPECT_TRUE(Contains(doc["sql"].get<std::string>(), "DROP PROCEDURE order_total")) << r.out;
  EXPECT_TRUE(Contains(doc["sql"].get<std::string>(), "UNDO_SQL")) << r.out;
  EXPECT_EQ(Dump(true), before);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Success", "3:Success"}));
}

TEST_F(MysqlCommands, BaselineOnMigrateMarksOlderVersionsBelowBaseline) {
  WriteExample();
  Exec("CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL)");
  Exec("CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, user_id INT)");
  auto r = Run({"migrate", "--baseline-on-migrate", "--baseline-version", "2"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Below Baseline", "2:Baseline", "3:Success"}));
  EXPECT_EQ(Q("SELECT type FROM flyrun_schema_history WHERE version = '2'"), "BASELINE");
  EXPECT_EQ(Q("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
              "AND TABLE_NAME = 'users' AND COLUMN_NAME = 'status'"),
            "1");
  r = Run({"baseline"});
  EXPECT_EQ(r.exit_code, 3) << Show(r);
  EXPECT_TRUE(Contains(r.err, "already baselined")) << Show(r);
}

TEST_F(MysqlCommands, BaselineCommandThenMigrateAppliesTheRest) {
  WriteExample();
  Exec("CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL)");
  auto r = Run({"baseline", "--baseline-version", "2", "--baseline-description", "legacy"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Below Baseline", "2:Baseline", "3:Pending"}));
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Below Baseline", "2:Baseline", "3:Success"}));
  EXPECT_EQ(Q("SELECT description FROM flyrun_schema_history WHERE type = 'BASELINE'"), "legacy");
}

TEST_F(MysqlCommands, RepairAfterDdlThenAFailingStatement) {
  dir_.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir_.Write("sql/V2__b.sql",
             "CREATE TABLE b (id INT);\n"
             "INSERT INTO no_such_table VALUES (1);\n"
             "CREATE TABLE c (id INT);\n");
  auto r = Run({"migrate"});
  ASSERT_EQ(r.exit_code, 1) << Show(r);
  EXPECT_TRUE(Contains(r.err, "V2__b.sql:2")) << Show(r);
  EXPECT_TRUE(Contains(r.err, "1146")) << Show(r);
  EXPECT_TRUE(Contains(r.err, "statement 1 was committed")) << Show(r);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
              "AND TABLE_NAME = 'b'"),
            "1");
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Failed"}));
  r = Run({"migrate"});
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  EXPECT_TRUE(Contains(r.err, "repair")) << Show(r);
  EXPECT_EQ(Run({"validate"}).exit_code, 3);

  dir_.Write("sql/V2__b.sql", "CREATE TABLE IF NOT EXISTS b (id INT);\nCREATE TABLE c (id INT);\n");
  r = Run({"repair"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "removed failed row of version 2 (V2__b.sql)")) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Pending"}));
  r = Run({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Success"}));
  EXPECT_EQ(Q("SELECT COUNT(*) FROM flyrun_schema_history"), "2");

  dir_.Write("sql/V1__a.sql", "CREATE TABLE a (id INT); -- reviewed\n");
  EXPECT_EQ(Run({"validate"}).exit_code, 3);
  r = Run({"repair"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "realigned version 1")) << Show(r);
  EXPECT_EQ(Run({"validate"}).exit_code, 0);
}

TEST_F(MysqlCommands, RepairMarkAppliedRecordsAHandFinishedMigration) {
  dir_.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir_.Write("sql/V2__b.sql",
             "CREATE TABLE b (id INT);\n"
             "INSERT INTO no_such_table VALUES (1);\n"
             "CREATE TABLE c (id INT);\n");
  ASSERT_EQ(Run({"migrate"}).exit_code, 1);
  ASSERT_EQ(Q("SELECT installed_rank FROM flyrun_schema_history WHERE NOT success"), "2");

  auto r = Run({"repair", "--mark-applied", "1"});
  EXPECT_EQ(r.exit_code, 3) << Show(r);
  EXPECT_TRUE(Contains(r.err, "version 1 has no failed history row")) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Failed"})) << "nothing changed";

  Exec("CREATE TABLE c (id INT)");
  dir_.Write("sql/V2__b.sql", "CREATE TABLE b (id INT);\nCREATE TABLE c (id INT);\n");
  r = Run({"repair", "--mark-applied", "2"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "marked the failed row of version 2 (V2__b.sql) as applied"))
      << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Success"}));
  EXPECT_EQ(Q("SELECT CONCAT(installed_rank, ' ', success) FROM flyrun_schema_history WHERE "
              "version = '2'"),
            "2 1");
  EXPECT_EQ(Q("SELECT COUNT(*) FROM flyrun_schema_history"), "2");
  EXPECT_EQ(Run({"validate"}).exit_code, 0) << "the row holds the file's checksum";

  r = Run({"repair", "--mark-applied", "2"});
  EXPECT_EQ(r.exit_code, 3) << Show(r);
  dir_.Write("sql/V3__d.sql", "CREATE TABLE d (id INT);\n");
  r = Run({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Success", "3:Success"}));
}

TEST_F(MysqlCommands, CleanIsRefusedUnlessEnabled) {
  WriteExample();
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  std::string migrated = Dump(false);
  auto r = Run({"clean"});
  EXPECT_EQ(r.exit_code, 2) << Show(r);
  EXPECT_TRUE(Contains(r.err, "clean_enabled")) << Show(r);
  EXPECT_EQ(Dump(false), migrated);

  r = Run({"clean"}, {{"FLYRUN_CLEAN_ENABLED", "true"}});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(Dump(true), "");
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Pending", "2:Pending", "3:Pending"}));
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  EXPECT_EQ(Dump(false), migrated);
}

}  // namespace
}  // namespace flyrun::test
