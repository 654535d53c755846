// Flyway's lock key (PostgreSQL) and lock name (MySQL/MariaDB): a flyrun that
// computes them differently would not exclude a running Flyway.
#include "driver/common/flyway_lock.h"

#include <gtest/gtest.h>

namespace flyrun {
namespace {

TEST(FlywayLock, PostgresKeyOfTheDefaultTable) {
  // 0x466C79776179 + javaHash("\"public\".\"flyway_schema_history\"") (2125624436).
  EXPECT_EQ(77433833903597, FlywayPostgresLockKey("public", "flyway_schema_history"));
  EXPECT_EQ(0x466C79776179 + 2125624436, FlywayPostgresLockKey("public", "flyway_schema_history"));
}

TEST(FlywayLock, PostgresKeyAddsANegativeHashAsASignedSum) {
  // javaHash("\"app\".\"flyway_schema_history\"") = -271308480: the key is
  // below the base, not above it by 2^32.
  EXPECT_EQ(0x466C79776179 - 271308480, FlywayPostgresLockKey("app", "flyway_schema_history"));
}

TEST(FlywayLock, MysqlNameOfTheDefaultTable) {
  EXPECT_EQ("Flyway--320650056", FlywayMysqlLockName("app", "flyway_schema_history"));
}

TEST(FlywayLock, NamesAreQuotedAsFlywayQuotesThem) {
  EXPECT_EQ("`app`.`flyway_schema_history`",
            FlywayQuotedTable("app", "flyway_schema_history", '`'));
  EXPECT_EQ("\"my\"\"schema\".\"t\"", FlywayQuotedTable("my\"schema", "t", '"'));
  EXPECT_EQ("`a``b`.`t`", FlywayQuotedTable("a`b", "t", '`'));
  EXPECT_NE(FlywayPostgresLockKey("public", "flyway_schema_history"),
            FlywayPostgresLockKey("other", "flyway_schema_history"));
  EXPECT_NE(FlywayMysqlLockName("app", "flyway_schema_history"),
            FlywayMysqlLockName("app", "other_history"));
}

}  // namespace
}  // namespace flyrun
