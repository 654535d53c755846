// Flyway's configuration as a source: flyway.conf, flyway.toml, FLYWAY_*
// variables and Flyway-style arguments.

#include <gtest/gtest.h>

#include <sstream>

#include "config/config.h"
#include "config/secrets.h"
#include "core/error.h"
#include "support/test_support.h"

namespace flyrun {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class FlywayConfig : public ::testing::Test {
 protected:
  FlywayConfig() {
    inputs_.install_dir = install_.path();
    env_["HOME"] = home_.path().string();
  }

  Config Load() const { return LoadConfig(inputs_, env_, dir_.path()); }

  Error LoadError() const {
    try {
      LoadConfig(inputs_, env_, dir_.path());
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kUsage) << e.what();
      return e;
    }
    ADD_FAILURE() << "expected LoadConfig to throw";
    return Error(ExitCode::kSuccess, "");
  }

  test::TempDir dir_, home_, install_;
  ConfigInputs inputs_;
  Environment env_;
};

TEST_F(FlywayConfig, WithoutAnyFlywaySourceFlyrunsDefaultsStay) {
  Config c = Load();
  EXPECT_FALSE(c.flyway);
  EXPECT_EQ(c.table, "flyrun_schema_history");
  EXPECT_EQ(c.locations, std::vector<std::string>{"sql"});
}

TEST_F(FlywayConfig, ConfInTheWorkingDirectoryMakesAFlywayProjectWithFlywaysDefaults) {
  dir_.Write("flyway.conf",
             "# a comment\n! another\nflyway.url=sqlite:app.db\nflyway.user = sa\n"
             "flyway.baselineOnMigrate: true\nflyway.connectRetries 3\n"
             "flyway.placeholders.tenant=acme\n");
  Config c = Load();
  EXPECT_TRUE(c.flyway);
  EXPECT_EQ(c.url, "sqlite:app.db");
  EXPECT_EQ(c.user, "sa");
  EXPECT_TRUE(c.baseline_on_migrate);
  EXPECT_EQ(c.connect_retries, 3);
  EXPECT_EQ(c.placeholders.at("tenant"), "acme");
  EXPECT_EQ(c.table, "flyway_schema_history");
  EXPECT_EQ(c.baseline_description, "<< Flyway Baseline >>");
  EXPECT_EQ(c.locations, std::vector<std::string>{"filesystem:sql"});
  EXPECT_EQ(c.validate_migration_naming, std::optional<bool>(false));
  EXPECT_FALSE(c.clean_enabled);
  EXPECT_EQ(c.connect_retry_interval, milliseconds(120000));
}

TEST_F(FlywayConfig, EveryKeyToHonourMapsToItsSetting) {
  dir_.Write("flyway.conf",
             "flyway.schemas=app,audit\nflyway.table=hist\nflyway.locations=filesystem:db,"
             "classpath:m\nflyway.baselineVersion=2\nflyway.baselineDescription=base\n"
             "flyway.outOfOrder=true\nflyway.validateOnMigrate=false\n"
             "flyway.ignoreMigrationPatterns=*:missing\nflyway.cleanDisabled=false\n"
             "flyway.placeholderReplacement=false\nflyway.placeholderPrefix=#[\n"
             "flyway.placeholderSuffix=]\nflyway.placeholderSeparator=|\n"
             "flyway.connectRetriesInterval=5\nflyway.initSql=SET x=1\n"
             "flyway.sqlMigrationPrefix=M\nflyway.undoSqlMigrationPrefix=D\n"
             "flyway.repeatableSqlMigrationPrefix=A\nflyway.sqlMigrationSeparator=-\n"
             "flyway.sqlMigrationSuffixes=.sql,.pgsql\nflyway.encoding=ISO-8859-1\n"
             "flyway.target=current\nflyway.mixed=true\nflyway.group=true\n"
             "flyway.executeInTransaction=false\nflyway.validateMigrationNaming=true\n"
             "flyway.installedBy=deployer\nflyway.createSchemas=false\n");
  Config c = Load();
  EXPECT_EQ(c.schemas, (std::vector<std::string>{"app", "audit"}));
  EXPECT_EQ(c.schema, "app");  // the first of schemas
  EXPECT_EQ(c.table, "hist");
  EXPECT_EQ(c.locations, (std::vector<std::string>{"filesystem:db", "classpath:m"}));
  EXPECT_EQ(c.baseline_version, "2");
  EXPECT_EQ(c.baseline_description, "base");
  EXPECT_TRUE(c.out_of_order);
  EXPECT_FALSE(c.validate_on_migrate);
  EXPECT_EQ(c.ignore_migration_patterns, std::vector<std::string>{"*:missing"});
  EXPECT_TRUE(c.clean_enabled);
  EXPECT_FALSE(c.placeholder_replacement);
  EXPECT_EQ(c.placeholder_prefix, "#[");
  EXPECT_EQ(c.placeholder_suffix, "]");
  EXPECT_EQ(c.placeholder_separator, "|");
  EXPECT_EQ(c.connect_retry_interval, milliseconds(5000));
  EXPECT_EQ(c.init_sql, "SET x=1");
  EXPECT_EQ(c.sql_migration_prefix, "M");
  EXPECT_EQ(c.undo_sql_migration_prefix, "D");
  EXPECT_EQ(c.repeatable_sql_migration_prefix, "A");
  EXPECT_EQ(c.sql_migration_separator, "-");
  EXPECT_EQ(c.sql_migration_suffixes, (std::vector<std::string>{".sql", ".pgsql"}));
  EXPECT_EQ(c.encoding, "ISO-8859-1");
  EXPECT_EQ(c.target, "current");
  EXPECT_TRUE(c.mixed);
  EXPECT_TRUE(c.group);
  EXPECT_FALSE(c.execute_in_transaction);
  EXPECT_EQ(c.validate_migration_naming, std::optional<bool>(true));
  EXPECT_EQ(c.installed_by, "deployer");
  EXPECT_FALSE(c.create_schemas);
}

TEST_F(FlywayConfig, DefaultSchemaWinsOverTheFirstOfSchemas) {
  dir_.Write("flyway.conf", "flyway.schemas=app,audit\nflyway.defaultSchema=audit\n");
  EXPECT_EQ(Load().schema, "audit");
}

TEST_F(FlywayConfig, ConfBackslashesAreLiteralAndVariablesExpandOrVanish) {
  env_["DB_USER"] = "alice";
  dir_.Write("flyway.conf",
             "flyway.user=${DB_USER}\nflyway.initSql=${UNSET_VAR}x\\ny\n"
             "flyway.placeholders.path=C:\\temp\\\n");
  Config c = Load();
  EXPECT_EQ(c.user, "alice");
  EXPECT_EQ(c.init_sql, "x\\ny");
  EXPECT_EQ(c.placeholders.at("path"), "C:\\temp\\");
}

TEST_F(FlywayConfig, LaterPlacesWinAndEveryPlaceIsRead) {
  install_.Write("conf/flyway.conf",
                 "flyway.user=install\nflyway.table=t_install\nflyway.initSql=i\n"
                 "flyway.encoding=e_install\n");
  home_.Write("flyway.conf", "flyway.user=home\nflyway.table=t_home\nflyway.initSql=h\n");
  dir_.Write("flyway.conf", "flyway.user=cwd\nflyway.table=t_cwd\n");
  dir_.Write("work/flyway.conf", "flyway.user=work\n");
  inputs_.flyway_args = {{"workingDirectory", "work"}};
  Config c = Load();
  EXPECT_EQ(c.user, "work");
  EXPECT_EQ(c.table, "t_cwd");
  EXPECT_EQ(c.init_sql, "h");
  EXPECT_EQ(c.encoding, "e_install");
  EXPECT_EQ(c.working_directory, "work");
}

TEST_F(FlywayConfig, TomlWinsOverConfOnDisk) {
  dir_.Write("flyway.conf", "flyway.user=conf\nflyway.table=from_conf\n");
  dir_.Write("flyway.toml", "[flyway]\nlocations = [\"filesystem:db\"]\n");
  Config c = Load();
  EXPECT_EQ(c.user, "");
  EXPECT_EQ(c.table, "flyway_schema_history");
  EXPECT_EQ(c.locations, std::vector<std::string>{"filesystem:db"});
}

TEST_F(FlywayConfig, TomlEnvironmentsUserTomlAndEnvExpansion) {
  env_["PGPASS"] = "s3cret-toml";
  dir_.Write("flyway.toml",
             "databaseType = \"PostgreSql\"\n"
             "[flyway]\nlocations = [\"filesystem:migrations\"]\ntable = \"base_table\"\n"
             "[flyway.placeholders]\ntenant = \"acme\"\n"
             "[environments.default]\nurl = \"sqlite:default.db\"\n"
             "[environments.test]\nurl = \"sqlite:test.db\"\nuser = \"tester\"\n"
             "password = \"${env.PGPASS}\"\nschemas = [\"one\", \"two\"]\nconnectRetries = 4\n"
             "[environments.test.flyway]\ntable = \"test_table\"\n");
  Config c = Load();
  EXPECT_EQ(c.url, "sqlite:default.db");
  EXPECT_EQ(c.table, "base_table");
  EXPECT_EQ(c.placeholders.at("tenant"), "acme");
  EXPECT_EQ(c.locations, std::vector<std::string>{"filesystem:migrations"});

  dir_.Write("flyway.user.toml", "[flyway]\nenvironment = \"test\"\n");
  c = Load();
  EXPECT_EQ(c.url, "sqlite:test.db");
  EXPECT_EQ(c.user, "tester");
  EXPECT_EQ(c.password, "s3cret-toml");
  EXPECT_EQ(c.schemas, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(c.schema, "one");
  EXPECT_EQ(c.connect_retries, 4);
  EXPECT_EQ(c.table, "test_table");
  EXPECT_EQ(Scrub("pw s3cret-toml"), "pw ***");

  inputs_.flyway_args = {{"environment", "prod"}};
  EXPECT_TRUE(Has(LoadError().what(), "prod"));
}

TEST_F(FlywayConfig, PrecedenceFromFilesToFlags) {
  dir_.Write("flyway.conf",
             "flyway.user=file\nflyway.table=file\nflyway.initSql=file\nflyway.encoding=file\n"
             "flyway.installedBy=file\nflyway.target=1\n");
  std::istringstream in(
      "flyway.table=stdin\nflyway.initSql=stdin\nflyway.encoding=stdin\n"
      "flyway.installedBy=stdin\nflyway.target=2\n");
  inputs_.stdin_config = &in;
  env_["FLYWAY_CONFIG_FILES"] = "-";
  env_["FLYWAY_INIT_SQL"] = "flyway_env";
  env_["FLYWAY_ENCODING"] = "flyway_env";
  env_["FLYWAY_INSTALLED_BY"] = "flyway_env";
  env_["FLYWAY_TARGET"] = "3";
  env_["FLYRUN_ENCODING"] = "flyrun_env";
  env_["FLYRUN_INSTALLED_BY"] = "flyrun_env";
  env_["FLYRUN_TARGET"] = "4";
  inputs_.flyway_args = {{"installedBy", "flyway_arg"}, {"target", "5"}};
  inputs_.flags["target"] = "6";
  Config c = Load();
  EXPECT_EQ(c.user, "file");
  EXPECT_EQ(c.table, "stdin");
  EXPECT_EQ(c.init_sql, "flyway_env");
  EXPECT_EQ(c.encoding, "flyrun_env");
  EXPECT_EQ(c.installed_by, "flyway_arg");
  EXPECT_EQ(c.target, "6");
}

TEST_F(FlywayConfig, FlywayVariablesAndPlaceholders) {
  env_["FLYWAY_BASELINE_ON_MIGRATE"] = "true";
  env_["FLYWAY_CLEAN_DISABLED"] = "false";
  env_["FLYWAY_PLACEHOLDERS_APP_USER"] = "web";
  env_["FLYWAY_CONNECT_RETRIES_INTERVAL"] = "7";
  env_["FLYWAY_SOMETHING_ELSE"] = "not ours";
  Config c = Load();
  EXPECT_TRUE(c.flyway);
  EXPECT_TRUE(c.baseline_on_migrate);
  EXPECT_TRUE(c.clean_enabled);
  EXPECT_EQ(c.placeholders.at("app_user"), "web");
  EXPECT_EQ(c.connect_retry_interval, milliseconds(7000));
}

TEST_F(FlywayConfig, ArgumentsNameFilesAndPlaceholders) {
  dir_.Write("other/a.conf", "flyway.user=a\nflyway.table=a\n");
  dir_.Write("other/b.conf", "flyway.user=b\n");
  inputs_.flyway_args = {{"configFiles", "other/a.conf,other/b.conf"},
                         {"placeholders.tenant", "acme"},
                         {"url", "sqlite:x.db"}};
  Config c = Load();
  EXPECT_EQ(c.user, "b");
  EXPECT_EQ(c.table, "a");
  EXPECT_EQ(c.url, "sqlite:x.db");
  EXPECT_EQ(c.placeholders.at("tenant"), "acme");
}

TEST_F(FlywayConfig, ConfigNamingAConfOrTomlFileReadsItAsFlyways) {
  dir_.Write("deploy/prod.toml", "[flyway]\ntable = \"prod_history\"\n");
  inputs_.config_file = "deploy/prod.toml";
  Config c = Load();
  EXPECT_TRUE(c.flyway);
  EXPECT_EQ(c.table, "prod_history");

  dir_.Write("deploy/prod.conf", "flyway.table=conf_history\n");
  inputs_.config_file.clear();
  env_["FLYRUN_CONFIG"] = "deploy/prod.conf";
  EXPECT_EQ(Load().table, "conf_history");
}

TEST_F(FlywayConfig, MixingConfAndTomlInConfigFilesIsAnError) {
  dir_.Write("a.conf", "flyway.user=a\n");
  dir_.Write("b.toml", "[flyway]\nuser = \"b\"\n");
  inputs_.flyway_args = {{"configFiles", "a.conf,b.toml"}};
  Error e = LoadError();
  EXPECT_TRUE(Has(e.what(), ".conf and .toml")) << e.what();
}

TEST_F(FlywayConfig, AFlyrunConfigFileHidesFlywaysFiles) {
  dir_.Write("flyrun.yaml", "table: mine\n");
  dir_.Write("flyway.conf", "flyway.table=theirs\nflyway.user=flyway\n");
  env_["FLYWAY_USER"] = "flyway_env";
  Config c = Load();
  EXPECT_FALSE(c.flyway);
  EXPECT_EQ(c.table, "mine");
  EXPECT_EQ(c.user, "");
}

TEST_F(FlywayConfig, IgnoredKeysAreRecordedWithWhereTheyCameFrom) {
  dir_.Write("flyway.conf",
             "flyway.url=sqlite:a.db\nflyway.licenseKey=FL01\nflyway.jdbcProperties.ssl=true\n"
             "flyway.callbacks=x.Y\n");
  env_["FLYWAY_OUTPUT_QUERY_RESULTS"] = "false";
  Config c = Load();
  ASSERT_EQ(c.ignored_flyway_keys.size(), 4u);
  EXPECT_EQ(c.ignored_flyway_keys[0], "licenseKey in flyway.conf:2");
  EXPECT_EQ(c.ignored_flyway_keys[1], "jdbcProperties.ssl in flyway.conf:3");
  EXPECT_EQ(c.ignored_flyway_keys[3], "outputQueryResults in FLYWAY_OUTPUT_QUERY_RESULTS");
}

TEST_F(FlywayConfig, AnUnknownKeyIsAnErrorWithFileAndLine) {
  dir_.Write("flyway.conf", "flyway.url=sqlite:a.db\n\nflyway.baselineOnMigrat=true\n");
  Error e = LoadError();
  EXPECT_EQ(e.file, "flyway.conf");
  EXPECT_EQ(e.line, 3);
  EXPECT_TRUE(Has(e.hint(), "baselineOnMigrate")) << e.hint();

  dir_.Write("flyway.conf", "url=sqlite:a.db\n");
  e = LoadError();
  EXPECT_EQ(e.line, 1);
  EXPECT_TRUE(Has(e.hint(), "flyway.url")) << e.hint();
}

TEST_F(FlywayConfig, AnUnknownTomlKeyIsAnErrorWithFileAndLine) {
  dir_.Write("flyway.toml", "[flyway]\nlocations = [\"sql\"]\noutOfOrdr = true\n");
  Error e = LoadError();
  EXPECT_EQ(e.file, "flyway.toml");
  EXPECT_EQ(e.line, 3);
  EXPECT_TRUE(Has(e.hint(), "outOfOrder")) << e.hint();
}

TEST_F(FlywayConfig, PasswordsOfFlywaySourcesAreSecrets) {
  dir_.Write("flyway.conf",
             "flyway.password=conf-pass-123\nflyway.url=postgresql://u:url-pass-456@h/db\n");
  env_["FLYWAY_PASSWORD"] = "env-pass-789";
  Config c = Load();
  EXPECT_EQ(c.password, "env-pass-789");
  EXPECT_EQ(Scrub("conf-pass-123 url-pass-456 env-pass-789"), "*** *** ***");
}

TEST_F(FlywayConfig, FlyrunSettingsStillWinOverFlyways) {
  env_["FLYWAY_TABLE"] = "flyway_t";
  env_["FLYRUN_TABLE"] = "flyrun_t";
  EXPECT_EQ(Load().table, "flyrun_t");
}

}  // namespace
}  // namespace flyrun
