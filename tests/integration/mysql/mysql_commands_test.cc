// The shared command scenarios (commands/commands_suite.cc) against a real
// MariaDB server, one scratch database per test, schemas compared through
// SHOW CREATE TABLE and information_schema; and what only MySQL sessions can
// do to the next migration.
#include <gtest/gtest.h>

#include <memory>
#include <regex>

#include "commands_suite.h"
#include "mysql_test_util.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

std::string TestName() { return ::testing::UnitTest::GetInstance()->current_test_info()->name(); }

std::string Text(const MysqlRow& row) {
  std::string out;
  for (const auto& v : row) out += (out.empty() ? "" : " | ") + v.value_or("NULL");
  return out;
}

class MysqlCommandsDatabase final : public CommandsDatabase {
 public:
  MysqlCommandsDatabase() : db_(EnvOr("FLYRUN_TEST_MYSQL_URL"), TestName()) {}
  std::string url() const override { return db_.url(); }
  std::string Query(const std::string& sql) const override { return MysqlScalar(db_.url(), sql); }
  void Exec(const std::string& sql) const override { MysqlQuery(db_.url(), sql); }

  /// Every table and view (SHOW CREATE, AUTO_INCREMENT counters left out),
  /// routine and trigger of the database, history table included; with
  /// `with_data`, every row of every table too.
  std::string Dump(bool with_data) const override {
    static const std::regex auto_increment(" AUTO_INCREMENT=[0-9]+");
    std::string out;
    auto tables = MysqlQuery(db_.url(),
                             "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE "
                             "TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME");
    for (const auto& t : tables) {
      auto create = MysqlQuery(db_.url(), "SHOW CREATE TABLE `" + *t[0] + "`");
      out += std::regex_replace(create.at(0).at(1).value_or(""), auto_increment, "") + ";\n";
      if (!with_data || *t[1] != "BASE TABLE") continue;
      for (const auto& row : MysqlQuery(db_.url(), "SELECT * FROM `" + *t[0] + "` ORDER BY 1"))
        out += *t[0] + ": " + Text(row) + "\n";
    }
    for (const auto& row :
         MysqlQuery(db_.url(),
                    "SELECT ROUTINE_TYPE, ROUTINE_NAME, ROUTINE_DEFINITION FROM "
                    "information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() "
                    "ORDER BY ROUTINE_NAME")) {
      out += Text(row) + "\n";
    }
    for (const auto& row :
         MysqlQuery(db_.url(),
                    "SELECT TRIGGER_NAME, ACTION_TIMING, EVENT_MANIPULATION, EVENT_OBJECT_TABLE, "
                    "ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = "
                    "DATABASE() ORDER BY TRIGGER_NAME")) {
      out += Text(row) + "\n";
    }
    return out;
  }
  std::string CurrentSchemaSql() const override { return "DATABASE()"; }
  bool Empty() const override { return Dump(true).empty(); }

 private:
  ScratchDatabase db_;
};

CommandsServer MariadbServer() {
  CommandsServer s;
  s.name = "Mariadb";
  s.url_variable = "FLYRUN_TEST_MYSQL_URL";
  s.create = [] { return std::make_unique<MysqlCommandsDatabase>(); };
  CommandsExample& e = s.example;
  e.v1 =
      "CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL);\n"
      "INSERT INTO users VALUES (1, 'ada'), (2, 'grace');\n";
  e.u1 = "DROP TABLE users;\n";
  e.v2 =
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
      "INSERT INTO orders (user_id) VALUES (1), (1), (2);\n";
  e.u2 = "DROP PROCEDURE order_total;\nDROP VIEW order_counts;\nDROP TABLE orders;\n";
  e.v3 =
      "ALTER TABLE users ADD COLUMN status ENUM('active', 'gone') NOT NULL "
      "DEFAULT 'active';\n";
  e.u3 = "ALTER TABLE users DROP COLUMN status;\n";
  e.migrated_markers = {"CREATE TABLE `orders`", "order_total", "orders_check"};
  e.dry_run_marker = "CREATE PROCEDURE order_total()";
  e.undo_dry_run_marker = "DROP PROCEDURE order_total";
  e.legacy_users = "CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL)";
  e.legacy_orders = "CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, user_id INT)";
  // DDL commits by itself on MySQL: no directive needed.
  e.failing_v2 =
      "CREATE TABLE b (id INT);\n"
      "INSERT INTO no_such_table VALUES (1);\n"
      "CREATE TABLE c (id INT);\n";
  e.failure_report = {"V2__b.sql:2", "1146", "statement 1 was committed"};
  e.fixed_v2 = "CREATE TABLE IF NOT EXISTS b (id INT);\nCREATE TABLE c (id INT);\n";
  e.finished_v2 = "CREATE TABLE b (id INT);\nCREATE TABLE c (id INT);\n";
  e.read_only_init_sql = "SET SESSION TRANSACTION READ ONLY";
  e.flyway_table = {
      "CREATE TABLE `flyway_schema_history` (`installed_rank` INT NOT NULL, "
      "`version` VARCHAR(50), `description` VARCHAR(200) NOT NULL, "
      "`type` VARCHAR(20) NOT NULL, `script` VARCHAR(1000) NOT NULL, `checksum` INT, "
      "`installed_by` VARCHAR(100) NOT NULL, "
      "`installed_on` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, "
      "`execution_time` INT NOT NULL, `success` BOOL NOT NULL, "
      "CONSTRAINT `flyway_schema_history_pk` PRIMARY KEY (`installed_rank`)) ENGINE=InnoDB",
      "CREATE INDEX `flyway_schema_history_s_idx` ON `flyway_schema_history` (`success`)"};
  e.flyway_indexes_sql =
      "SELECT GROUP_CONCAT(DISTINCT INDEX_NAME ORDER BY INDEX_NAME) FROM "
      "information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = "
      "'flyway_schema_history'";
  return s;
}

FLYRUN_INSTANTIATE_COMMANDS(Server, MariadbServer());

class MysqlSession : public ::testing::Test {
 protected:
  void SetUp() override {
    FLYRUN_SERVER_URL(base_url, "FLYRUN_TEST_MYSQL_URL");
    base_url_ = base_url;
    db_ = std::make_unique<ScratchDatabase>(base_url, TestName());
    other_ = UniqueDatabaseName("other");
  }
  void TearDown() override {
    if (base_url_.empty()) return;
    try {
      MysqlQuery(base_url_, "DROP DATABASE IF EXISTS `" + other_ + "`");
    } catch (...) {
    }
  }
  RunResult Run(std::vector<std::string> args) {
    return RunAgainst(db_->url(), dir_, std::move(args));
  }
  std::string TablesIn(const std::string& database) const {
    std::string out;
    for (const auto& row : MysqlQuery(base_url_,
                                      "SELECT TABLE_NAME FROM information_schema.TABLES WHERE "
                                      "TABLE_SCHEMA = '" +
                                          database + "' ORDER BY TABLE_NAME"))
      out += row.at(0).value_or("NULL") + " ";
    return out;
  }

  std::string base_url_, other_;
  TempDir dir_;
  std::unique_ptr<ScratchDatabase> db_;
};

TEST_F(MysqlSession, UseInOneMigrationDoesNotMoveTheNext) {
  dir_.Write("sql/V1__elsewhere.sql", "CREATE DATABASE IF NOT EXISTS `" + other_ +
                                          "`;\n"
                                          "USE `" +
                                          other_ + "`;\nCREATE TABLE t1 (id INT);\n");
  dir_.Write("sql/V2__here.sql", "CREATE TABLE t2 (id INT);\n");
  dir_.Write("sql/afterEachMigrate.sql", "CREATE TABLE IF NOT EXISTS callback_ran (id INT);\n");
  auto r = Run({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(TablesIn(other_), "t1 ");
  EXPECT_EQ(TablesIn(db_->name()), "callback_ran flyrun_schema_history t2 ");

  // Also in the same process as a later run's scripts: V3 after a V2 that
  // switched away.
  dir_.Write("sql/V3__away.sql", "USE `" + other_ + "`;\nCREATE TABLE t3 (id INT);\n");
  dir_.Write("sql/V4__back.sql", "CREATE TABLE t4 (id INT);\n");
  r = Run({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(TablesIn(other_), "t1 t3 ");
  EXPECT_EQ(TablesIn(db_->name()), "callback_ran flyrun_schema_history t2 t4 ");
}

}  // namespace
}  // namespace flyrun::test
