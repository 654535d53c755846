// The MySQL/MariaDB driver against a real server (scripts/lib/mariadb.sh starts
// one and sets FLYRUN_TEST_MYSQL_URL): connecting, history, statements.
#include <gtest/gtest.h>

#include <regex>

#include "mysql_driver_fixture.h"

namespace flyrun::mysql_test {
namespace {

TEST_F(MysqlDriverTest, ConnectsAndDescribesItself) {
  auto d = Open(url());
  EXPECT_EQ(d->dialect(), Dialect::kMysql);
  EXPECT_FALSE(d->transactional_ddl());
  EXPECT_EQ(d->CurrentUser(), "flyrun");
  EXPECT_EQ(d->DatabaseName(), db_->name());
  EXPECT_EQ(d->history_table_sql(), "`" + db_->name() + "`.`flyrun_schema_history`");
  EXPECT_FALSE(d->HistoryTableExists());
  EXPECT_TRUE(d->ReadHistory().empty());
  EXPECT_TRUE(d->SchemaIsEmpty());
}

TEST_F(MysqlDriverTest, MariadbSchemeAndUnixSocket) {
  auto d = Open("mariadb" + url().substr(url().find("://")));
  EXPECT_EQ(d->DatabaseName(), db_->name());
  std::string socket = test::EnvOr("FLYRUN_TEST_MYSQL_SOCKET");
  if (socket.empty()) return;
  std::string pw = test::MysqlUrlPassword(url());
  auto s = Open("mysql://flyrun:" + pw + "@/" + db_->name() + "?socket=" + socket);
  s->EnsureHistoryTable();
  EXPECT_TRUE(d->HistoryTableExists());
}

TEST_F(MysqlDriverTest, WrongPasswordIsAnAuthFailureThatNamesNoPassword) {
  const std::string bad = "Wr0ngPassw0rd-xyzzy";
  ConnectionOptions options;
  options.connect_retries = 3;
  options.connect_retry_interval = milliseconds(2000);
  auto start = std::chrono::steady_clock::now();
  Error e = ExpectError([&] { Open(test::MysqlUrlWithPassword(url(), bad), options); });
  EXPECT_EQ(e.code(), ExitCode::kConnect);
  EXPECT_EQ(e.sqlstate, "28000");
  EXPECT_EQ(e.vendor_code, 1045);
  EXPECT_FALSE(Contains(e.what(), bad)) << e.what();
  EXPECT_FALSE(Contains(e.hint(), bad));
  EXPECT_TRUE(Contains(e.what(), "flyrun@127.0.0.1")) << e.what();
  // Authentication failures are not retried.
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1500));

  // The password given apart from the URL is used and kept secret too.
  options.password = bad;
  options.connect_retries = 0;
  e = ExpectError([&] { Open(url(), options); });
  EXPECT_EQ(e.vendor_code, 1045);
  EXPECT_FALSE(Contains(e.what(), bad));
  options.password = test::MysqlUrlPassword(url());
  EXPECT_NO_THROW(Open(test::MysqlUrlWithPassword(url(), bad), options));
}

TEST_F(MysqlDriverTest, UnreachableServerIsARetriedConnectError) {
  // A port nothing listens on: bind one, note it, close it.
  std::string dead = "mysql://flyrun:pw@127.0.0.1:1/flyrun";
  ConnectionOptions options;
  options.connect_retries = 2;
  options.connect_retry_interval = milliseconds(150);
  auto start = std::chrono::steady_clock::now();
  Error e = ExpectError([&] { Open(dead, options); });
  EXPECT_EQ(e.code(), ExitCode::kConnect);
  EXPECT_NE(e.sqlstate.substr(0, 2), "28");
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(300));
  EXPECT_TRUE(Contains(e.what(), "127.0.0.1:1")) << e.what();
}

TEST_F(MysqlDriverTest, UnknownDatabaseIsAConnectError) {
  Error e = ExpectError([&] { Open(test::MysqlUrlWithDatabase(url(), "flyrun_no_such_db")); });
  EXPECT_EQ(e.code(), ExitCode::kConnect);
  EXPECT_EQ(e.vendor_code, 1049);
}

TEST_F(MysqlDriverTest, HistoryRoundTrip) {
  auto d = Open(url());
  d->EnsureHistoryTable();
  d->EnsureHistoryTable();  // idempotent
  EXPECT_TRUE(d->HistoryTableExists());
  EXPECT_TRUE(d->SchemaIsEmpty());  // the history table does not count

  d->InsertHistory(Row("1", "init"));
  AppliedMigration repeatable = Row(std::nullopt, "views 'ü' \\ \"x\"", false);
  repeatable.checksum.reset();
  d->InsertHistory(repeatable);
  d->InsertHistory(Row("1.1", "more"));

  auto rows = d->ReadHistory();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].installed_rank, 1);
  EXPECT_EQ(rows[0].version, "1");
  EXPECT_EQ(rows[0].description, "init");
  EXPECT_EQ(rows[0].type, "SQL");
  EXPECT_EQ(rows[0].script, "V1__init.sql");
  EXPECT_EQ(rows[0].checksum, std::string(64, 'a'));
  EXPECT_EQ(rows[0].installed_by, "flyrun");
  EXPECT_TRUE(
      std::regex_match(rows[0].installed_on, std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)")))
      << rows[0].installed_on;
  EXPECT_EQ(rows[0].execution_time, 12);
  EXPECT_TRUE(rows[0].success);
  EXPECT_EQ(rows[1].installed_rank, 2);
  EXPECT_FALSE(rows[1].version.has_value());
  EXPECT_EQ(rows[1].description, "views 'ü' \\ \"x\"");
  EXPECT_FALSE(rows[1].checksum.has_value());
  EXPECT_FALSE(rows[1].success);
  EXPECT_EQ(rows[2].installed_rank, 3);

  d->UpdateHistory(2, std::string(64, 'b'), "renamed", true);
  d->DeleteHistory(1);
  rows = d->ReadHistory();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].installed_rank, 2);
  EXPECT_EQ(rows[0].checksum, std::string(64, 'b'));
  EXPECT_EQ(rows[0].description, "renamed");
  EXPECT_TRUE(rows[0].success);
  d->InsertHistory(Row("2", "next"));
  EXPECT_EQ(d->ReadHistory().back().installed_rank, 4);
}

TEST_F(MysqlDriverTest, HistoryTableIsInnoDbWithTheSpecColumns) {
  auto d = Open(url());
  d->EnsureHistoryTable();
  EXPECT_EQ(MysqlScalar(url(),
                        "SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                        "DATABASE() AND TABLE_NAME = 'flyrun_schema_history'"),
            "InnoDB");
  auto columns = MysqlQuery(url(),
                            "SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE "
                            "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'flyrun_schema_history' "
                            "ORDER BY ORDINAL_POSITION");
  std::vector<std::string> got;
  for (auto& c : columns) got.push_back(*c[0] + " " + *c[1]);
  std::vector<std::string> want = {"installed_rank int(11)",    "version varchar(50)",
                                   "description varchar(200)",  "type varchar(20)",
                                   "script varchar(1000)",      "checksum varchar(64)",
                                   "installed_by varchar(100)", "installed_on timestamp",
                                   "execution_time int(11)",    "success tinyint(1)"};
  EXPECT_EQ(got, want);
}

TEST_F(MysqlDriverTest, HistoryRowJoinsTheOpenTransaction) {
  auto d = Open(url());
  d->EnsureHistoryTable();
  d->Execute(Stmt("CREATE TABLE t (id INT PRIMARY KEY)"));
  {
    Transaction tx(*d);
    EXPECT_TRUE(d->in_transaction());
    d->Execute(Stmt("INSERT INTO t VALUES (1)"));
    d->InsertHistory(Row("1", "rolled back"));
  }
  EXPECT_FALSE(d->in_transaction());
  EXPECT_TRUE(d->ReadHistory().empty());
  EXPECT_EQ(MysqlScalar(url(), "SELECT COUNT(*) FROM t"), "0");
  {
    Transaction tx(*d);
    d->Execute(Stmt("INSERT INTO t VALUES (2)"));
    d->InsertHistory(Row("1", "kept"));
    tx.Commit();
  }
  EXPECT_EQ(d->ReadHistory().size(), 1u);
  EXPECT_EQ(MysqlScalar(url(), "SELECT COUNT(*) FROM t"), "1");
}

TEST_F(MysqlDriverTest, DdlCommitsImplicitly) {
  // Why transactional_ddl() is false: a rolled back CREATE TABLE stays.
  auto d = Open(url());
  d->Begin();
  d->Execute(Stmt("CREATE TABLE kept (id INT)"));
  d->Rollback();
  EXPECT_EQ(MysqlScalar(url(),
                        "SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                        "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'kept'"),
            "1");
}

TEST_F(MysqlDriverTest, TellsWhichStatementsOfAFailedScriptAreCommitted) {
  auto d = Open(url());
  d->Execute(Stmt("CREATE TABLE t (id INT PRIMARY KEY)"));
  auto count = [&] { return MysqlScalar(url(), "SELECT GROUP_CONCAT(id ORDER BY id) FROM t"); };
  auto fail = [&](const std::string& sql, int index) {
    EXPECT_THROW(d->Execute(Stmt(sql, index, index)), Error) << sql;
  };
  EXPECT_EQ(d->LastCommittedStatement(), -1);  // outside a transaction

  // DML only: nothing is committed, rollback undoes it.
  d->Begin();
  d->Execute(Stmt("INSERT INTO t VALUES (1)", 1, 1));
  fail("INSERT INTO missing VALUES (1)", 2);
  EXPECT_EQ(d->LastCommittedStatement(), 0);
  d->Rollback();
  EXPECT_EQ(count(), "");

  // DDL commits what ran before it; the DML after it is open and rolled back.
  d->Begin();
  d->Execute(Stmt("INSERT INTO t VALUES (2)", 1, 1));
  d->Execute(Stmt("CREATE TABLE u (id INT)", 2, 2));
  d->Execute(Stmt("INSERT INTO t VALUES (3)", 3, 3));
  fail("INSERT INTO missing VALUES (1)", 4);
  EXPECT_EQ(d->LastCommittedStatement(), 2);
  d->Rollback();
  EXPECT_EQ(count(), "2");

  // A DDL statement that fails after parsing has committed what ran before it.
  d->Begin();
  d->Execute(Stmt("INSERT INTO t VALUES (4)", 1, 1));
  fail("CREATE TABLE u (id INT)", 2);
  EXPECT_EQ(d->LastCommittedStatement(), 1);
  d->Rollback();
  EXPECT_EQ(count(), "2,4");

  // One that does not parse has not.
  d->Begin();
  d->Execute(Stmt("INSERT INTO t VALUES (5)", 1, 1));
  fail("CREATE TABLE (", 2);
  EXPECT_EQ(d->LastCommittedStatement(), 0);
  d->Rollback();
  EXPECT_EQ(count(), "2,4");
}

TEST_F(MysqlDriverTest, StatementsOutsideTransactionsCommitAtOnce) {
  auto d = Open(url());
  d->Execute(Stmt("CREATE TABLE t (id INT PRIMARY KEY)"));
  {
    Transaction tx(*d);
    d->Execute(Stmt("INSERT INTO t VALUES (1)"));
    tx.Commit();
  }
  // After a transaction, a statement outside one is committed by itself
  // (another connection sees it at once).
  d->Execute(Stmt("INSERT INTO t VALUES (2)"));
  EXPECT_EQ(MysqlScalar(url(), "SELECT COUNT(*) FROM t"), "2");
  d->EnsureHistoryTable();
  d->InsertHistory(Row("1", "failed row", false));
  EXPECT_EQ(MysqlScalar(url(), "SELECT COUNT(*) FROM flyrun_schema_history"), "1");
}

TEST_F(MysqlDriverTest, StatementErrorsCarryCodeStateAndLine) {
  auto d = Open(url());
  Error e = ExpectError([&] { d->Execute(Stmt("SELECT 1,\n  2\n  FROM WHERE", 7)); });
  EXPECT_EQ(e.code(), ExitCode::kMigrationFailed);
  EXPECT_EQ(e.vendor_code, 1064);
  EXPECT_EQ(e.sqlstate, "42000");
  EXPECT_EQ(e.line, 3);  // relative to the statement's first line
  EXPECT_TRUE(Contains(e.what(), "syntax")) << e.what();

  e = ExpectError([&] { d->Execute(Stmt("INSERT INTO missing VALUES (1)")); });
  EXPECT_EQ(e.vendor_code, 1146);
  EXPECT_EQ(e.sqlstate, "42S02");
  EXPECT_TRUE(Contains(e.what(), "missing")) << e.what();

  // The connection is still usable after errors.
  EXPECT_NO_THROW(d->Execute(Stmt("SELECT 1")));
}

TEST_F(MysqlDriverTest, CommentOnlyStatementsAreNoOps) {
  auto d = Open(url());
  EXPECT_NO_THROW(d->Execute(Stmt("/* nothing here */")));
  EXPECT_NO_THROW(d->Execute(Stmt("-- just a comment\n")));
  EXPECT_NO_THROW(d->Execute(Stmt("/*M!999999\\- enable the sandbox mode */")));
  // Versioned comments do run.
  d->Execute(Stmt("/*!40101 SET @flyrun_probe = 42 */"));
}

TEST_F(MysqlDriverTest, ProceduresReturningResultsLeaveTheConnectionUsable) {
  auto d = Open(url());
  d->Execute(Stmt("CREATE TABLE log (n INT)"));
  d->Execute(
      Stmt("CREATE PROCEDURE p() BEGIN SELECT 1; INSERT INTO log VALUES (1); SELECT 2, 3; END"));
  d->Execute(Stmt("CALL p()"));
  d->Execute(Stmt("CALL p()"));
  d->Execute(Stmt("SELECT * FROM log"));
  d->Execute(Stmt("SELECT SLEEP(0)"));
  EXPECT_EQ(MysqlScalar(url(), "SELECT COUNT(*) FROM log"), "2");
}

TEST_F(MysqlDriverTest, MultiStatementsAreRefused) {
  // Every statement arrives separately from the splitter; two in one string
  // is a splitter bug and must not silently run.
  auto d = Open(url());
  Error e = ExpectError([&] { d->Execute(Stmt("SELECT 1; SELECT 2")); });
  EXPECT_EQ(e.vendor_code, 1064);
}

TEST_F(MysqlDriverTest, SchemaOptionHoldsHistoryAndMigrations) {
  std::string schema = test::UniqueDatabaseName("schema");
  struct Drop {
    std::string url, name;
    ~Drop() {
      try {
        MysqlQuery(url, "DROP DATABASE IF EXISTS `" + name + "`");
      } catch (...) {
      }
    }
  } drop{url(), schema};
  ConnectionOptions options;
  options.schema = schema;
  options.table = "my_history";
  auto d = Open(url(), options);
  EXPECT_EQ(d->DatabaseName(), schema);
  EXPECT_EQ(d->history_table_sql(), "`" + schema + "`.`my_history`");
  EXPECT_FALSE(d->HistoryTableExists());
  d->EnsureHistoryTable();
  d->Execute(Stmt("CREATE TABLE landed (id INT)"));
  EXPECT_EQ(MysqlScalar(url(),
                        "SELECT GROUP_CONCAT(TABLE_NAME ORDER BY TABLE_NAME) FROM "
                        "information_schema.TABLES WHERE TABLE_SCHEMA = '" +
                            schema + "'"),
            "landed,my_history");
  // A second connection finds the existing database.
  auto again = Open(url(), options);
  EXPECT_TRUE(again->HistoryTableExists());
  EXPECT_FALSE(again->SchemaIsEmpty());
}

TEST_F(MysqlDriverTest, UrlWithoutDatabaseNeedsASchema) {
  auto d = Open(test::MysqlUrlWithDatabase(url(), ""));
  EXPECT_EQ(d->DatabaseName(), "");
  EXPECT_FALSE(d->HistoryTableExists());
  EXPECT_TRUE(d->ReadHistory().empty());
  Error e = ExpectError([&] { d->EnsureHistoryTable(); });
  EXPECT_EQ(e.code(), ExitCode::kUsage);
  EXPECT_TRUE(Contains(e.hint(), "schema"));

  ConnectionOptions options;
  options.schema = db_->name();
  auto s = Open(test::MysqlUrlWithDatabase(url(), ""), options);
  s->EnsureHistoryTable();
  EXPECT_TRUE(s->HistoryTableExists());
}

TEST_F(MysqlDriverTest, InitSqlRunsEachStatement) {
  ConnectionOptions options;
  options.init_sql = {"SET SESSION sql_mode = 'ANSI_QUOTES'", "SET @flyrun_x = 1"};
  auto d = Open(url(), options);
  d->Execute(Stmt("CREATE TABLE \"quoted\" (\"id\" INT)"));
  d->EnsureHistoryTable();  // history SQL works in ANSI_QUOTES mode
  d->InsertHistory(Row("1", "it's"));
  EXPECT_EQ(d->ReadHistory().at(0).description, "it's");

  options.init_sql = {"SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'"};
  auto n = Open(url(), options);
  n->InsertHistory(Row("2", "back\\slash 'q'"));
  EXPECT_EQ(n->ReadHistory().at(1).description, "back\\slash 'q'");

  options.init_sql = {"SET nonsense = 1"};
  Error e = ExpectError([&] { Open(url(), options); });
  EXPECT_EQ(e.code(), ExitCode::kUsage);
  EXPECT_TRUE(Contains(e.what(), "init_sql")) << e.what();
}

}  // namespace
}  // namespace flyrun::mysql_test
