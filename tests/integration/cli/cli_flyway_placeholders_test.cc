// A Flyway project (flyway.conf, no flyrun file) run by the binary on SQLite:
// placeholders replaced in comments too, Flyway's built-ins, an unknown name
// refused with the file and line.
#include <gtest/gtest.h>

#include "sqlite_cli.h"

namespace flyrun::test {
namespace {

using CliFlywayPlaceholders = SqliteCli;

TEST_F(CliFlywayPlaceholders, ReplacedEverywhereWithFlywaysBuiltIns) {
  dir.Write("flyway.conf", "flyway.locations=filesystem:sql\nflyway.placeholders.owner=alice\n");
  dir.Write("sql/V1__kept.sql",
            "-- for ${owner}\n"
            "CREATE TABLE kept (x INT /* owned by ${OWNER} */);\n"
            "CREATE TABLE v (k TEXT, v TEXT);\n"
            "INSERT INTO v VALUES ('schema', '${flyway:defaultSchema}'), "
            "('table', '${flyway:table}'), ('filename', '${flyway:filename}'), "
            "('environment', '${flyway:environment}'), ('quirk', '$${owner}');\n");
  RunResult r = Run({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  SQLite::Database db(db_path());
  EXPECT_EQ(db.execAndGet("SELECT sql FROM sqlite_master WHERE name = 'kept'").getString(),
            "CREATE TABLE kept (x INT /* owned by alice */)");
  auto value = [&](const std::string& k) {
    return db.execAndGet("SELECT v FROM v WHERE k = '" + k + "'").getString();
  };
  EXPECT_EQ(value("schema"), "main");
  EXPECT_EQ(value("table"), "flyway_schema_history");
  EXPECT_EQ(value("filename"), "V1__kept.sql");
  EXPECT_EQ(value("environment"), "default");
  EXPECT_EQ(value("quirk"), "$${owner}");
}

TEST_F(CliFlywayPlaceholders, UnknownNameInACommentIsRefused) {
  dir.Write("flyway.conf", "flyway.locations=filesystem:sql\n");
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (x INT);\n/* ${nope} */\n");
  RunResult r = Run({"migrate"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE((r.out + r.err).find("No value provided for placeholder: ${nope}"), std::string::npos)
      << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("V1__a.sql:2"), std::string::npos) << r.out << r.err;
  EXPECT_FALSE(TableExists("a"));
}

}  // namespace
}  // namespace flyrun::test
