#include "driver/mysql/mysql_sql.h"

#include <gtest/gtest.h>

namespace flyrun {
namespace {

TEST(MysqlSql, QuoteIdent) {
  EXPECT_EQ(QuoteIdent("t"), "`t`");
  EXPECT_EQ(QuoteIdent("we`ird"), "`we``ird`");
}

TEST(MysqlSql, SqlLiteral) {
  EXPECT_EQ(SqlLiteral("plain text 1.2"), "'plain text 1.2'");
  EXPECT_EQ(SqlLiteral(""), "''");
  // Quotes, backslashes and non-ASCII mean the same in every sql_mode as hex.
  EXPECT_EQ(SqlLiteral("it's"), "_utf8mb4 X'69742773'");
  EXPECT_EQ(SqlLiteral("a\\b"), "_utf8mb4 X'615c62'");
  EXPECT_EQ(SqlLiteral("\xc3\xbc"), "_utf8mb4 X'c3bc'");
}

TEST(MysqlSql, LockName) {
  EXPECT_EQ(LockName("app", "flyrun_schema_history"), "flyrun:app.flyrun_schema_history");
  std::string long_name = LockName(std::string(40, 'd'), std::string(40, 't'));
  EXPECT_LE(long_name.size(), 64u);
  EXPECT_EQ(long_name.rfind("flyrun:", 0), 0u);
  EXPECT_EQ(long_name, LockName(std::string(40, 'd'), std::string(40, 't')));
  EXPECT_NE(long_name, LockName(std::string(40, 'd'), std::string(41, 't')));
}

TEST(MysqlSql, ImplicitCommits) {
  for (const char* sql : {"CREATE TABLE t (id INT)",
                          "alter table t add x int",
                          "DROP VIEW v",
                          "RENAME TABLE a TO b",
                          "TRUNCATE t",
                          "GRANT SELECT ON *.* TO u",
                          "LOCK TABLES t WRITE",
                          "UNLOCK TABLES",
                          "COMMIT",
                          "START TRANSACTION",
                          "BEGIN",
                          "CALL p()",
                          "SET autocommit = 1",
                          "SET PASSWORD = 'x'",
                          "LOAD INDEX INTO CACHE t",
                          "ANALYZE TABLE t",
                          "FLUSH PRIVILEGES",
                          "-- comment\nCREATE INDEX i ON t (x)",
                          "/* c */ DROP TABLE t",
                          "/*!50003 CREATE*/ /*!50017 DEFINER=`u`@`%`*/ /*!50003 TRIGGER x",
                          "/*!40000 ALTER TABLE `t` DISABLE KEYS */"}) {
    EXPECT_TRUE(ImplicitlyCommits(sql)) << sql;
  }
  for (const char* sql :
       {"INSERT INTO t VALUES (1)", "update t set x = 1", "DELETE FROM t",
        "REPLACE INTO t VALUES (1)", "SELECT SLEEP(1)",
        "WITH a AS (SELECT 1) "
        "SELECT * FROM a",
        "SET @x = 1", "SET NAMES utf8mb4", "/*!40101 SET NAMES utf8mb4 */", "DO RELEASE_LOCK('x')",
        "LOAD DATA INFILE 'f' INTO TABLE t", "CREATE TEMPORARY TABLE t (x INT)",
        "DROP TEMPORARY TABLE t", "# hash comment\nINSERT INTO t VALUES (1)", "SAVEPOINT s",
        "ROLLBACK TO SAVEPOINT s", "/* only a comment */", ""}) {
    EXPECT_FALSE(ImplicitlyCommits(sql)) << sql;
  }
}

TEST(MysqlSql, SelectsDatabaseIsTheUseStatement) {
  for (const char* sql : {"USE other", "use `other`", "  -- switch\nUSE other", "/* x */ Use other",
                          "/*!40101 USE other */", "# note\nuse other"}) {
    EXPECT_TRUE(SelectsDatabase(sql)) << sql;
  }
  for (const char* sql : {"CREATE TABLE used (id INT)", "SELECT 'USE x'", "-- USE other\nSELECT 1",
                          "USER_DEFINED()", "INSERT INTO t VALUES ('use')", ""}) {
    EXPECT_FALSE(SelectsDatabase(sql)) << sql;
  }
}

}  // namespace
}  // namespace flyrun
