// The session's sql_mode on a real MariaDB/MySQL server: the driver reads it at
// connect (after init_sql) and after each SET that names it, and flyrun splits
// scripts as the server will read them (NO_BACKSLASH_ESCAPES, ANSI_QUOTES);
// line breaks inside literals, DEFINER views and the mysql client's \g.
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "driver/factory.h"
#include "mysql_test_util.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

class MysqlSessionLexing : public ::testing::Test {
 protected:
  void SetUp() override {
    FLYRUN_SERVER_URL(url, "FLYRUN_TEST_MYSQL_URL");
    db_ = std::make_unique<ScratchDatabase>(
        url,
        std::string("split_") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  bool Applied(const std::map<std::string, std::string>& scripts,
               std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"--url", db_->url(), "--locations", "sql"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back("migrate");
    return dir_.Migrates(scripts, args);
  }
  std::string Q(const std::string& sql) const { return MysqlScalar(db_->url(), sql); }
  std::string Tables(const std::string& names) const {
    return Q(
        "SELECT GROUP_CONCAT(TABLE_NAME ORDER BY TABLE_NAME) FROM information_schema.TABLES "
        "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (" +
        names + ")");
  }

  TempDir dir_;
  std::unique_ptr<ScratchDatabase> db_;
};

TEST_F(MysqlSessionLexing, DriverReadsSqlModeAtConnectAndAfterASetNamingIt) {
  ConnectionOptions options;
  options.url = db_->url();
  options.init_sql = {"SET sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')"};
  auto driver = OpenDriver(options);
  Statement st;
  SessionLexing lexing = driver->session_lexing();
  EXPECT_GE(lexing.server_version, 5);
  EXPECT_TRUE(lexing.now.no_backslash_escapes) << "set by init_sql";
  EXPECT_FALSE(lexing.now.ansi_quotes);
  st.sql = "SET SESSION sql_mode = 'ANSI'";
  driver->Execute(st);
  EXPECT_TRUE(driver->session_lexing().now.ansi_quotes);
  EXPECT_FALSE(driver->session_lexing().now.no_backslash_escapes);
  st.sql = "SET sql_mode = 'STRICT_TRANS_TABLES,ANSI_QUOTES'";
  driver->Execute(st);
  EXPECT_TRUE(driver->session_lexing().now.ansi_quotes);
  st.sql = "/*!40101 SET SQL_MODE=REPLACE(@@SQL_MODE, 'ANSI_QUOTES', '') */";
  driver->Execute(st);
  EXPECT_FALSE(driver->session_lexing().now.ansi_quotes);
}

// 'C:\' under NO_BACKSLASH_ESCAPES used to swallow the next statement.
TEST_F(MysqlSessionLexing, NoBackslashEscapesFromInitSql) {
  ASSERT_TRUE(Applied({{"V1__paths.sql",
                        "CREATE TABLE p (v VARCHAR(20));\n"
                        "INSERT INTO p VALUES ('C:\\'); CREATE TABLE x (id INT);\n"}},
                      {"--init-sql", "SET sql_mode = 'NO_BACKSLASH_ESCAPES'"}));
  EXPECT_EQ("C:\\", Q("SELECT v FROM p"));
  EXPECT_EQ("p,x", Tables("'p','x'"));
}

// The session keeps a script's SET sql_mode: the next script is lexed with it.
TEST_F(MysqlSessionLexing, AnsiQuotesSetInOneScriptHoldInTheNext) {
  ASSERT_TRUE(
      Applied({{"V1__mode.sql", "SET sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES');\n"},
               {"V2__quoted.sql", "CREATE TABLE \"q\\\" (id INT); CREATE TABLE y (id INT);\n"}}));
  EXPECT_EQ("q\\,y", Tables("'q\\\\','y'"));
}

TEST_F(MysqlSessionLexing, CrlfInsideLiteralsIsStoredAsWritten) {
  ASSERT_TRUE(Applied({{"V1__crlf.sql",
                        "CREATE TABLE t (k INT, v VARCHAR(10));\r\n"
                        "INSERT INTO t VALUES (1, 'a\r\nb'), (2, \"c\r\nd\");\r\n"}}));
  EXPECT_EQ("610D0A62,630D0A64", Q("SELECT GROUP_CONCAT(HEX(v) ORDER BY k) FROM t"));
}

TEST_F(MysqlSessionLexing, DefinerViewEndsAtItsSemicolon) {
  ASSERT_TRUE(Applied({{"V1__view.sql",
                        "CREATE TABLE t (event INT, begin INT);\n"
                        "CREATE DEFINER=CURRENT_USER VIEW v AS SELECT event, begin FROM t; "
                        "CREATE TABLE after_view (id INT);\n"}}));
  EXPECT_EQ("after_view,t,v", Tables("'t','v','after_view'"));
}

TEST_F(MysqlSessionLexing, ClientGEndsAStatement) {
  ASSERT_TRUE(
      Applied({{"V1__g.sql", "CREATE TABLE g (id INT)\\g\nINSERT INTO g VALUES (1) \\G\n"}}));
  EXPECT_EQ("1", Q("SELECT COUNT(*) FROM g"));
}

}  // namespace
}  // namespace flyrun::test
