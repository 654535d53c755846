// Flyway projects: placeholders replaced over the whole text before splitting,
// Flyway's built-ins, scripts read in their encoding, for every way a script is
// read (migrate, callbacks, undo, validate, dry run). Against an in-memory driver.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "commands/commands.h"
#include "commands/context.h"
#include "commands/executor.h"
#include "core/error.h"
#include "fake_driver.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

class FlywayPlaceholders : public ::testing::Test {
 protected:
  CommandContext Context(bool flyway = true) {
    CommandContext ctx;
    ctx.config.url = "fake:";
    ctx.config.locations = {(dir.path() / "sql").string()};
    ctx.config.flyway = flyway;
    ctx.config.placeholders = {{"who", "alice"}};
    ctx.out = &out;
    ctx.open_driver = [this](const Config&) { return std::make_unique<FakeDriver>(db); };
    return ctx;
  }

  /// validate without a database (the fake has no URL scheme to tell the dialect).
  CommandContext Offline(bool flyway = true) {
    CommandContext ctx = Context(flyway);
    ctx.offline = true;
    ctx.config.url.clear();
    ctx.config.dialect = Dialect::kSqlite;
    return ctx;
  }

  template <typename Command>
  ExitCode Call(Command command, const CommandContext& ctx) {
    try {
      return command(ctx);
    } catch (const Error& e) {
      error = e.what() + std::string("\nhint: ") + e.hint();
      error_line = e.line;
      return e.code();
    }
  }

  std::vector<std::string> Executed() const {
    std::vector<std::string> sql;
    for (const std::string& entry : db.log)
      if (entry.rfind("EXEC ", 0) == 0) sql.push_back(entry.substr(5));
    return sql;
  }

  TempDir dir;
  FakeDatabase db;
  std::ostringstream out;
  std::string error;
  int error_line = 0;
};

TEST_F(FlywayPlaceholders, ReplacedInCommentsBeforeSplitting) {
  // A value with a ';' is split as script text, as Flyway replaces before parsing.
  dir.Write("sql/V1__a.sql",
            "-- by ${who}\nCREATE TABLE t (x INT /* ${WHO} */);\nSELECT '$${who}', ${stmts};\n");
  CommandContext ctx = Context();
  ctx.config.placeholders["stmts"] = "1; SELECT 2";
  ASSERT_EQ(Call(RunMigrate, ctx), ExitCode::kSuccess) << error;
  EXPECT_EQ(Executed(), (std::vector<std::string>{"CREATE TABLE t (x INT /* alice */)",
                                                  "SELECT '$${who}', 1", "SELECT 2"}));
}

TEST_F(FlywayPlaceholders, FlyrunProjectsKeepTheSplittersReplacement) {
  dir.Write("sql/V1__a.sql",
            "-- by ${nobody}\nCREATE TABLE t (x INT /* ${nobody} */, y ${who});\n");
  ASSERT_EQ(Call(RunMigrate, Context(false)), ExitCode::kSuccess) << error;
  EXPECT_EQ(Executed(),
            (std::vector<std::string>{"CREATE TABLE t (x INT /* ${nobody} */, y alice)"}));
}

TEST_F(FlywayPlaceholders, CustomDelimitersUseFlywaysReplacementInFlyrunProjectsToo) {
  dir.Write("sql/V1__a.sql", "-- #[who]\nSELECT '#[who]', '${who}';\n");
  CommandContext ctx = Context(false);
  ctx.config.placeholder_prefix = "#[";
  ctx.config.placeholder_suffix = "]";
  ASSERT_EQ(Call(RunMigrate, ctx), ExitCode::kSuccess) << error;
  EXPECT_EQ(Executed(), (std::vector<std::string>{"SELECT 'alice', '${who}'"}));
}

TEST_F(FlywayPlaceholders, BuiltIns) {
  dir.Write("sql/V1__built_ins.sql",
            "SELECT '${flyway:defaultSchema}', '${flyway:user}', '${flyway:database}', "
            "'${flyway:filename}', '${flyway:workingDirectory}', '${flyway:table}', "
            "'${flyway:environment}', '${flyrun:user}';\n"
            "SELECT '${flyway:timestamp}';\n");
  CommandContext ctx = Context();
  ctx.config.working_directory = "/srv/app";
  ctx.config.table = "flyway_schema_history";
  ASSERT_EQ(Call(RunMigrate, ctx), ExitCode::kSuccess) << error;
  std::vector<std::string> sql = Executed();
  ASSERT_EQ(sql.size(), 2u);
  EXPECT_EQ(sql[0],
            "SELECT 'main', 'tester', 'fake', 'V1__built_ins.sql', '/srv/app', "
            "'flyway_schema_history', 'default', 'tester'");
  EXPECT_TRUE(std::regex_match(sql[1], std::regex(R"(SELECT '\d{4}-\d\d-\d\d \d\d:\d\d:\d\d')")))
      << sql[1];
}

TEST_F(FlywayPlaceholders, DefaultSchemaEnvironmentAndSeparator) {
  dir.Write("sql/V1__a.sql", "SELECT '${flyway_defaultSchema}', '${flyway_environment}';\n");
  CommandContext ctx = Context();
  ctx.config.placeholder_separator = "_";
  ctx.config.schemas = {"app", "audit"};
  ctx.config.env_name = "staging";
  ASSERT_EQ(Call(RunMigrate, ctx), ExitCode::kSuccess) << error;
  EXPECT_EQ(Executed(), (std::vector<std::string>{"SELECT 'app', 'staging'"}));
  ctx.config.schema = "explicit";
  EXPECT_EQ(PlaceholdersFor(ctx.config, "u", "d", "x.sql", "cur")["flyway_defaultSchema"],
            "explicit");
  ctx.config.schema.clear();
  ctx.config.schemas.clear();
  EXPECT_EQ(PlaceholdersFor(ctx.config, "u", "d", "x.sql", "cur")["flyway_defaultSchema"], "cur");
}

TEST_F(FlywayPlaceholders, TimestampIsOneValuePerRun) {
  Config config;
  auto a = PlaceholdersFor(config, "u", "d", "V1__a.sql");
  auto b = PlaceholdersFor(config, "u", "d", "V2__b.sql");
  EXPECT_EQ(a["flyway:timestamp"], b["flyway:timestamp"]);
}

TEST_F(FlywayPlaceholders, UnknownNameNamesFileAndLine) {
  dir.Write("sql/V1__a.sql", "SELECT 1;\n-- ${nope}\n");
  CommandContext ctx = Context();
  ctx.config.validate_on_migrate = false;
  ASSERT_EQ(Call(RunMigrate, ctx), ExitCode::kValidation);
  EXPECT_NE(error.find("No value provided for placeholder: ${nope} at "), std::string::npos)
      << error;
  EXPECT_NE(error.find("V1__a.sql:2"), std::string::npos) << error;
  EXPECT_NE(error.find("--placeholder"), std::string::npos) << error;
  EXPECT_EQ(error_line, 2);
}

TEST_F(FlywayPlaceholders, ValidateAndPreflightSeeTheReplacedText) {
  dir.Write("sql/V1__a.sql", "SELECT 1;\n/* ${nope} */\n");
  ASSERT_EQ(Call(RunValidate, Offline()), ExitCode::kValidation) << out.str() << error;
  EXPECT_NE(out.str().find("No value provided for placeholder: ${nope}"), std::string::npos)
      << out.str();
  out.str("");
  ASSERT_EQ(Call(RunMigrate, Context()), ExitCode::kValidation);
  EXPECT_TRUE(Executed().empty());
  // The same script is fine for flyrun, which does not look into comments.
  out.str("");
  EXPECT_EQ(Call(RunValidate, Offline(false)), ExitCode::kSuccess) << out.str();
}

TEST_F(FlywayPlaceholders, DryRunUndoAndCallbacksReadTheSameText) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE t (x INT); -- ${who}\n");
  dir.Write("sql/U1__a.sql", "DROP TABLE /* ${who} */ t;\n");
  dir.Write("sql/beforeMigrate.sql", "SELECT '/* ${who} */';\n");
  CommandContext dry = Context();
  dry.dry_run = true;
  ASSERT_EQ(Call(RunMigrate, dry), ExitCode::kSuccess) << error;
  EXPECT_NE(out.str().find("SELECT '/* alice */'"), std::string::npos) << out.str();
  ASSERT_EQ(Call(RunMigrate, Context()), ExitCode::kSuccess) << error;
  ASSERT_EQ(Call(RunUndo, Context()), ExitCode::kSuccess) << error;
  EXPECT_EQ(Executed(), (std::vector<std::string>{"SELECT '/* alice */'", "CREATE TABLE t (x INT)",
                                                  "DROP TABLE /* alice */ t"}));
}

TEST_F(FlywayPlaceholders, ScriptsAreReadInTheirEncoding) {
  dir.Write("sql/V1__latin1.sql", "SELECT 'caf\xE9';\n");
  CommandContext ctx = Context();
  ctx.config.encoding = "ISO-8859-1";
  ASSERT_EQ(Call(RunMigrate, ctx), ExitCode::kSuccess) << error;
  EXPECT_EQ(Executed(), (std::vector<std::string>{"SELECT 'caf\xC3\xA9'"}));
}

TEST_F(FlywayPlaceholders, InvalidUtf8NamesFileAndLine) {
  dir.Write("sql/V1__bad.sql", "SELECT 1;\nSELECT 'caf\xE9';\n");
  CommandContext ctx = Context();
  ctx.config.validate_on_migrate = false;
  // Read when it is hashed (Flyway's checksum), before anything runs.
  ASSERT_EQ(Call(RunMigrate, ctx), ExitCode::kUsage);
  EXPECT_NE(error.find("V1__bad.sql:2: "), std::string::npos) << error;
  EXPECT_NE(error.find("UTF-8"), std::string::npos) << error;
  EXPECT_TRUE(Executed().empty());
  EXPECT_NE(Call(RunValidate, Offline()), ExitCode::kSuccess);
  EXPECT_NE((out.str() + error).find("V1__bad.sql:2"), std::string::npos) << out.str() << error;
}

TEST_F(FlywayPlaceholders, AScriptsOwnSettingsWin) {
  dir.Write("sql/V1__a.sql", "SELECT '${who}', 'caf\xE9';\n");
  ResolvedMigration m;
  m.version = Version::parse("1");
  m.script = "V1__a.sql";
  m.path = dir.path() / "sql" / "V1__a.sql";
  m.placeholder_replacement = false;
  m.encoding = "ISO-8859-1";
  CommandContext ctx = Context();
  FakeDriver driver(db);
  RunScript(driver, ctx, SessionInfo::Of(driver), ScriptRun{&m, "SQL", false, false});
  EXPECT_EQ(Executed(), (std::vector<std::string>{"SELECT '${who}', 'caf\xC3\xA9'"}));
  SplitOptions o = SplitOptionsFor(ctx.config, Dialect::kSqlite);
  ctx.config.placeholder_replacement = false;
  m.placeholder_replacement = true;
  o = SplitOptionsFor(ctx.config, Dialect::kSqlite);
  ApplyScriptSettings(o, m);
  EXPECT_TRUE(o.replace_placeholders);
  EXPECT_EQ(o.encoding, "ISO-8859-1");
}

}  // namespace
}  // namespace flyrun::test
