// A Flyway project's placeholders on a real SQLite file, through the commands:
// replaced in comments (SQLite keeps a CREATE's text, comments included),
// Flyway's built-ins as the driver reports them, scripts read in their encoding.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "commands/commands.h"
#include "core/error.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

class FlywayPlaceholdersSqlite : public ::testing::Test {
 protected:
  CommandContext Context() {
    CommandContext ctx;
    ctx.config.url = "sqlite:" + (dir.path() / "app.db").string();
    ctx.config.locations = {(dir.path() / "sql").string()};
    ctx.config.flyway = true;
    ctx.config.placeholders = {{"owner", "alice"}};
    ctx.out = &out;
    return ctx;
  }
  std::string Text(const std::string& sql) {
    SQLite::Database db((dir.path() / "app.db").string());
    return db.execAndGet(sql).getString();
  }

  TempDir dir;
  std::ostringstream out;
};

TEST_F(FlywayPlaceholdersSqlite, CommentsAndBuiltIns) {
  dir.Write(
      "sql/V1__built_ins.sql",
      "-- made for ${owner}\n"
      "CREATE TABLE kept (x INT /* owned by ${Owner} */);\n"
      "CREATE TABLE v (k TEXT, v TEXT);\n"
      "INSERT INTO v VALUES ('schema', '${flyway:defaultSchema}'), ('user', "
      "'${flyway:user}'), ('database', '${flyway:database}'), ('filename', "
      "'${flyway:filename}'), ('table', '${flyway:table}'), ('environment', "
      "'${flyway:environment}'), ('timestamp', '${flyway:timestamp}'), ('quirk', '$${owner}');\n");
  CommandContext ctx = Context();
  ctx.config.table = "flyway_schema_history";
  ASSERT_EQ(RunMigrate(ctx), ExitCode::kSuccess);
  EXPECT_EQ(Text("SELECT sql FROM sqlite_master WHERE name = 'kept'"),
            "CREATE TABLE kept (x INT /* owned by alice */)");
  EXPECT_EQ(Text("SELECT v FROM v WHERE k = 'schema'"), "main");
  EXPECT_EQ(Text("SELECT v FROM v WHERE k = 'database'"), "app.db");
  EXPECT_EQ(Text("SELECT v FROM v WHERE k = 'filename'"), "V1__built_ins.sql");
  EXPECT_EQ(Text("SELECT v FROM v WHERE k = 'table'"), "flyway_schema_history");
  EXPECT_EQ(Text("SELECT v FROM v WHERE k = 'environment'"), "default");
  EXPECT_EQ(Text("SELECT v FROM v WHERE k = 'quirk'"), "$${owner}");
  EXPECT_FALSE(Text("SELECT v FROM v WHERE k = 'user'").empty());
  EXPECT_EQ(Text("SELECT length(v) FROM v WHERE k = 'timestamp'"), "19");
}

TEST_F(FlywayPlaceholdersSqlite, UnknownPlaceholderInACommentStopsTheMigration) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (x INT);\n/* ${nope} */\n");
  try {
    RunMigrate(Context());
    ADD_FAILURE() << "migrated";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kValidation);
  }
  EXPECT_NE(out.str().find("V1__a.sql:2"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("No value provided for placeholder: ${nope}"), std::string::npos)
      << out.str();
  EXPECT_EQ(Text("SELECT count(*) FROM sqlite_master WHERE name = 'a'"), "0");
}

TEST_F(FlywayPlaceholdersSqlite, Latin1ScriptIsStoredAsUtf8) {
  dir.Write("sql/V1__latin1.sql", "CREATE TABLE w (t TEXT);\nINSERT INTO w VALUES ('caf\xE9');\n");
  CommandContext ctx = Context();
  ctx.config.encoding = "ISO-8859-1";
  ASSERT_EQ(RunMigrate(ctx), ExitCode::kSuccess);
  EXPECT_EQ(Text("SELECT hex(t) FROM w"), "636166C3A9");
}

TEST_F(FlywayPlaceholdersSqlite, InvalidUtf8IsRefusedNamingFileAndLine) {
  dir.Write("sql/V1__bad.sql", "CREATE TABLE w (t TEXT);\nINSERT INTO w VALUES ('caf\xE9');\n");
  CommandContext ctx = Context();
  ctx.config.validate_on_migrate = false;
  try {
    RunMigrate(ctx);
    ADD_FAILURE() << "migrated";
  } catch (const Error& e) {
    // Refused when it is read to be hashed, before anything runs.
    EXPECT_NE(std::string(e.what()).find("V1__bad.sql:2: "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("UTF-8"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(!std::filesystem::exists(dir.path() / "app.db") ||
              Text("SELECT count(*) FROM sqlite_master WHERE name = 'w'") == "0");
}

}  // namespace
}  // namespace flyrun::test
