#include "config/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "core/error.h"
#include "support/test_support.h"

namespace flyrun {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class ConfigTest : public ::testing::Test {
 protected:
  Config Load(const Environment& env = {}) const { return LoadConfig(inputs_, env, dir_.path()); }

  // Loads, expecting Error(kUsage); returns it.
  Error LoadError(const Environment& env = {}) const {
    try {
      LoadConfig(inputs_, env, dir_.path());
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kUsage) << e.what();
      return e;
    }
    ADD_FAILURE() << "expected LoadConfig to throw";
    return Error(ExitCode::kSuccess, "");
  }

  void WriteConfig(const std::string& yaml, const std::string& name = "flyrun.yaml") const {
    dir_.Write(name, yaml);
  }

  test::TempDir dir_;
  ConfigInputs inputs_;
};

TEST_F(ConfigTest, DefaultsWithoutAnySource) {
  Config c = Load();
  EXPECT_EQ(c.url, "");
  EXPECT_EQ(c.locations, std::vector<std::string>{"sql"});
  EXPECT_EQ(c.table, "flyrun_schema_history");
  EXPECT_EQ(c.target, "");
  EXPECT_FALSE(c.out_of_order);
  EXPECT_TRUE(c.validate_on_migrate);
  EXPECT_FALSE(c.baseline_on_migrate);
  EXPECT_EQ(c.baseline_version, "1");
  EXPECT_EQ(c.baseline_description, "<< flyrun baseline >>");
  EXPECT_TRUE(c.placeholders.empty());
  EXPECT_TRUE(c.placeholder_replacement);
  EXPECT_FALSE(c.group);
  EXPECT_EQ(c.connect_retries, 0);
  EXPECT_EQ(c.connect_retry_interval, milliseconds(1000));
  EXPECT_EQ(c.lock_timeout, milliseconds(300000));
  EXPECT_FALSE(c.clean_enabled);
  EXPECT_EQ(c.config_file, "");
  EXPECT_EQ(c.env_name, "");
}

TEST_F(ConfigTest, EveryKeyFromTheFile) {
  dir_.Write("secret.txt", "from-file\n");
  WriteConfig(R"(
url: postgresql://app@db:5432/app
user: migrator
password_file: secret.txt
locations: [sql, more/sql]
table: history
schema: app
target: 1.10
out_of_order: true
validate_on_migrate: no
baseline_on_migrate: yes
baseline_version: 3.1
baseline_description: adopted
placeholders:
  app_user: web
  count: 3
  empty:
placeholder_replacement: false
group: TRUE
connect_retries: 5
connect_retry_interval: 250ms
connect_timeout: 3s
lock_timeout: 5m
clean_enabled: 1
init_sql: SET search_path TO app
environments:
  dev:
    url: sqlite:dev.db
)");
  Config c = Load();
  EXPECT_EQ(c.config_file, "flyrun.yaml");
  EXPECT_EQ(c.url, "postgresql://app@db:5432/app");
  EXPECT_EQ(c.user, "migrator");
  EXPECT_EQ(c.password, "from-file");
  EXPECT_EQ(c.password_file, "secret.txt");
  EXPECT_EQ(c.locations, (std::vector<std::string>{"sql", "more/sql"}));
  EXPECT_EQ(c.table, "history");
  EXPECT_EQ(c.schema, "app");
  EXPECT_EQ(c.target, "1.10");  // the text as written, not a float
  EXPECT_TRUE(c.out_of_order);
  EXPECT_FALSE(c.validate_on_migrate);
  EXPECT_TRUE(c.baseline_on_migrate);
  EXPECT_EQ(c.baseline_version, "3.1");
  EXPECT_EQ(c.baseline_description, "adopted");
  EXPECT_EQ(c.placeholders, (std::map<std::string, std::string>{
                                {"app_user", "web"}, {"count", "3"}, {"empty", ""}}));
  EXPECT_FALSE(c.placeholder_replacement);
  EXPECT_TRUE(c.group);
  EXPECT_EQ(c.connect_retries, 5);
  EXPECT_EQ(c.connect_retry_interval, milliseconds(250));
  EXPECT_EQ(c.connect_timeout, milliseconds(3000));
  EXPECT_EQ(c.lock_timeout, milliseconds(300000));
  EXPECT_TRUE(c.clean_enabled);
  EXPECT_EQ(c.init_sql, "SET search_path TO app");
  EXPECT_EQ(c.env_name, "");  // blocks apply only when selected
}

TEST_F(ConfigTest, PasswordFromTheFile) {
  WriteConfig("password: s3cret\n");
  EXPECT_EQ(Load().password, "s3cret");
}

TEST_F(ConfigTest, EmptyFileAndEmptyValuesKeepDefaults) {
  WriteConfig("");
  EXPECT_EQ(Load().table, "flyrun_schema_history");
  WriteConfig("# only a comment\n");
  EXPECT_EQ(Load().config_file, "flyrun.yaml");
  WriteConfig("table:\nlocations: ~\n");
  Config c = Load();
  EXPECT_EQ(c.table, "flyrun_schema_history");
  EXPECT_EQ(c.locations, std::vector<std::string>{"sql"});
}

TEST_F(ConfigTest, FileLookupOrder) {
  WriteConfig("table: from_conf\n", "conf/flyrun.yaml");
  EXPECT_EQ(Load().table, "from_conf");
  EXPECT_EQ(Load().config_file, "conf/flyrun.yaml");

  WriteConfig("table: from_top\n", "flyrun.yaml");
  EXPECT_EQ(Load().table, "from_top");
  EXPECT_EQ(Load().config_file, "flyrun.yaml");

  WriteConfig("table: from_env_var\n", "other/env.yaml");
  EXPECT_EQ(Load({{"FLYRUN_CONFIG", "other/env.yaml"}}).table, "from_env_var");
  EXPECT_EQ(Load({{"FLYRUN_CONFIG", "other/env.yaml"}}).config_file, "other/env.yaml");

  WriteConfig("table: from_flag\n", "other/flag.yaml");
  inputs_.config_file = "other/flag.yaml";
  EXPECT_EQ(Load({{"FLYRUN_CONFIG", "other/env.yaml"}}).table, "from_flag");

  inputs_.config_file = (dir_.path() / "other/flag.yaml").string();  // absolute
  EXPECT_EQ(Load().table, "from_flag");
}

TEST_F(ConfigTest, NamedFileMustExist) {
  inputs_.config_file = "missing.yaml";
  Error e = LoadError();
  EXPECT_TRUE(Contains(e.what(), "missing.yaml")) << e.what();
  EXPECT_TRUE(Contains(e.what(), "--config")) << e.what();

  inputs_.config_file.clear();
  e = LoadError({{"FLYRUN_CONFIG", "gone.yaml"}});
  EXPECT_TRUE(Contains(e.what(), "gone.yaml")) << e.what();
  EXPECT_TRUE(Contains(e.what(), "FLYRUN_CONFIG")) << e.what();

  fs::create_directories(dir_.path() / "adir");
  inputs_.config_file = "adir";
  e = LoadError();
  EXPECT_TRUE(Contains(e.what(), "adir")) << e.what();
}

TEST_F(ConfigTest, WorksFromTheProcessWorkingDirectory) {
  WriteConfig("table: here\n");
  fs::path old = fs::current_path();
  fs::current_path(dir_.path());
  Config c = LoadConfig(inputs_, {});
  fs::current_path(old);
  EXPECT_EQ(c.table, "here");
}

TEST_F(ConfigTest, PrecedencePerKey) {
  WriteConfig(R"(
url: sqlite:top.db
table: top_table
schema: top_schema
target: "1"
lock_timeout: 1s
environments:
  prod:
    table: block_table
    schema: block_schema
    target: "2"
    lock_timeout: 2s
)");
  inputs_.env_name = "prod";
  Environment env = {
      {"FLYRUN_SCHEMA", "env_schema"}, {"FLYRUN_TARGET", "3"}, {"FLYRUN_LOCK_TIMEOUT", "3s"}};
  inputs_.flags = {{"lock_timeout", "4s"}};
  Config c = Load(env);
  EXPECT_EQ(c.url, "sqlite:top.db");              // top level only
  EXPECT_EQ(c.table, "block_table");              // block over top level
  EXPECT_EQ(c.schema, "env_schema");              // environment over block
  EXPECT_EQ(c.target, "3");                       // environment over block
  EXPECT_EQ(c.lock_timeout, milliseconds(4000));  // flag over everything
  EXPECT_EQ(c.env_name, "prod");
}

TEST_F(ConfigTest, PlaceholdersMergeByName) {
  WriteConfig(R"(
placeholders: {a: top, b: top, c: top, d: top}
environments:
  prod:
    placeholders: {b: block, c: block, d: block}
)");
  inputs_.env_name = "prod";
  inputs_.placeholder_flags = {"d=flag", "e=x=y", "f="};
  Environment env = {{"FLYRUN_PLACEHOLDERS_C", "env"},
                     {"FLYRUN_PLACEHOLDERS_D", "env"},
                     {"FLYRUN_PLACEHOLDERS_APP_USER", ""}};
  Config c = Load(env);
  EXPECT_EQ(c.placeholders, (std::map<std::string, std::string>{{"a", "top"},
                                                                {"b", "block"},
                                                                {"c", "env"},
                                                                {"d", "flag"},
                                                                {"e", "x=y"},
                                                                {"f", ""},
                                                                {"app_user", ""}}));
}

TEST_F(ConfigTest, PlaceholderFlagNeedsNameAndValue) {
  for (const char* bad : {"novalue", "=value"}) {
    inputs_.placeholder_flags = {bad};
    Error e = LoadError();
    EXPECT_TRUE(Contains(e.what(), "--placeholder")) << e.what();
    EXPECT_TRUE(Contains(e.what(), "name=value")) << e.what();
  }
  inputs_.placeholder_flags.clear();
  Error e = LoadError({{"FLYRUN_PLACEHOLDERS_", "x"}});
  EXPECT_TRUE(Contains(e.what(), "FLYRUN_PLACEHOLDERS_")) << e.what();
}

TEST_F(ConfigTest, EnvironmentVariables) {
  Environment env = {{"FLYRUN_URL", "sqlite:env.db"},
                     {"FLYRUN_USER", "u"},
                     {"FLYRUN_PASSWORD", "p"},
                     {"FLYRUN_LOCATIONS", "a, b/c ,,d"},
                     {"FLYRUN_OUT_OF_ORDER", "true"},
                     {"FLYRUN_CONNECT_RETRIES", "7"},
                     {"FLYRUN_CONNECT_RETRY_INTERVAL", "2s"},
                     {"FLYRUN_CONNECT_TIMEOUT", "500ms"},
                     {"FLYRUN_CLEAN_ENABLED", "yes"},
                     {"FLYRUN_INIT_SQL", "select 1"},
                     {"FLYRUN_BASELINE_DESCRIPTION", "base"}};
  Config c = Load(env);
  EXPECT_EQ(c.url, "sqlite:env.db");
  EXPECT_EQ(c.user, "u");
  EXPECT_EQ(c.password, "p");
  EXPECT_EQ(c.locations, (std::vector<std::string>{"a", "b/c", "d"}));
  EXPECT_TRUE(c.out_of_order);
  EXPECT_EQ(c.connect_retries, 7);
  EXPECT_EQ(c.connect_retry_interval, milliseconds(2000));
  EXPECT_EQ(c.connect_timeout, milliseconds(500));
  EXPECT_TRUE(c.clean_enabled);
  EXPECT_EQ(c.init_sql, "select 1");
  EXPECT_EQ(c.baseline_description, "base");
}

TEST_F(ConfigTest, UnknownAndEmptyEnvironmentVariablesAreIgnored) {
  WriteConfig("url: sqlite:file.db\n");
  Config c = Load({{"FLYRUN_LOCK_TIMOUT", "abc"},
                   {"FLYRUN_SOMETHING_ELSE", "x"},
                   {"FLYRUN_ENVIRONMENTS", "x"},
                   {"FLYRUN_PLACEHOLDERS", "x"},
                   {"FLYRUN_URL", ""},
                   {"NOT_FLYRUN_TABLE", "x"},
                   {"flyrun_table", "x"}});
  EXPECT_EQ(c.url, "sqlite:file.db");
  EXPECT_EQ(c.lock_timeout, milliseconds(300000));
  EXPECT_EQ(c.table, "flyrun_schema_history");
  EXPECT_TRUE(c.placeholders.empty());
}

TEST_F(ConfigTest, Flags) {
  inputs_.flags = {{"url", "sqlite:flag.db"}, {"locations", "x,y"}, {"group", "true"},
                   {"connect_retries", "2"},  {"table", "t"},       {"password", "pw"}};
  Config c = Load({{"FLYRUN_URL", "sqlite:env.db"}, {"FLYRUN_TABLE", "env"}});
  EXPECT_EQ(c.url, "sqlite:flag.db");
  EXPECT_EQ(c.locations, (std::vector<std::string>{"x", "y"}));
  EXPECT_TRUE(c.group);
  EXPECT_EQ(c.connect_retries, 2);
  EXPECT_EQ(c.table, "t");
  EXPECT_EQ(c.password, "pw");
}

TEST_F(ConfigTest, UnknownFlagKeyIsAnError) {
  for (const char* key : {"nope", "placeholders", "environments"}) {
    inputs_.flags = {{key, "x"}};
    Error e = LoadError();
    EXPECT_TRUE(Contains(e.what(), std::string("'") + key + "'")) << e.what();
  }
}

TEST_F(ConfigTest, LocationsForms) {
  WriteConfig("locations: sql, db/migrations\n");
  EXPECT_EQ(Load().locations, (std::vector<std::string>{"sql", "db/migrations"}));
  WriteConfig("locations:\n  - one\n  - two\n");
  EXPECT_EQ(Load().locations, (std::vector<std::string>{"one", "two"}));
  WriteConfig("locations: []\n");
  Error e = LoadError();
  EXPECT_TRUE(Contains(e.what(), "locations")) << e.what();
  WriteConfig("locations: ' , '\n");
  LoadError();
  WriteConfig("locations: [[a]]\n");
  LoadError();
}

TEST_F(ConfigTest, UnknownKeyNamesKeyFileAndLine) {
  WriteConfig("url: sqlite:x.db\nlock_timout: 5s\n", "conf/flyrun.yaml");
  Error e = LoadError();
  EXPECT_TRUE(Contains(e.what(), "unknown key 'lock_timout'")) << e.what();
  EXPECT_TRUE(Contains(e.what(), "conf/flyrun.yaml:2")) << e.what();
  EXPECT_EQ(e.file, "conf/flyrun.yaml");
  EXPECT_EQ(e.line, 2);
  EXPECT_TRUE(Contains(e.hint(), "lock_timeout")) << e.hint();
}

TEST_F(ConfigTest, UnknownKeySuggestions) {
  WriteConfig("lockTimeout: 5s\n");
  EXPECT_TRUE(Contains(LoadError().hint(), "did you mean 'lock_timeout'"));
  WriteConfig("connect-retries: 5\n");
  EXPECT_TRUE(Contains(LoadError().hint(), "did you mean 'connect_retries'"));
  WriteConfig("flavour: vanilla\n");
  Error e = LoadError();
  EXPECT_TRUE(Contains(e.what(), "'flavour'"));
  EXPECT_TRUE(Contains(e.hint(), "known keys:")) << e.hint();
  EXPECT_TRUE(Contains(e.hint(), "lock_timeout")) << e.hint();
}

TEST_F(ConfigTest, UnknownKeyInEnvironmentBlock) {
  WriteConfig("environments:\n  prod:\n    url: sqlite:p.db\n    tabel: x\n");
  Error e = LoadError();  // checked even when the block is not selected
  EXPECT_TRUE(Contains(e.what(), "'tabel'")) << e.what();
  EXPECT_TRUE(Contains(e.what(), "flyrun.yaml:4")) << e.what();
  EXPECT_TRUE(Contains(e.what(), "prod")) << e.what();
}

TEST_F(ConfigTest, BadValuesNameKeyAndSource) {
  WriteConfig("lock_timeout: abc\n", "conf/flyrun.yaml");
  Error e = LoadError();
  EXPECT_EQ(std::string(e.what()),
            "lock_timeout: 'abc' is not a duration (use 30, 30s, 5m) in conf/flyrun.yaml:1");
  EXPECT_EQ(e.file, "conf/flyrun.yaml");
  EXPECT_EQ(e.line, 1);

  fs::remove(dir_.path() / "conf/flyrun.yaml");
  e = LoadError({{"FLYRUN_OUT_OF_ORDER", "maybe"}});
  EXPECT_EQ(std::string(e.what()),
            "out_of_order: 'maybe' is not a boolean (use true or false) in FLYRUN_OUT_OF_ORDER");

  inputs_.flags = {{"connect_retries", "-1"}};
  e = LoadError();
  EXPECT_TRUE(Contains(e.what(), "connect_retries: '-1'")) << e.what();
  EXPECT_TRUE(Contains(e.what(), "in --connect-retries")) << e.what();

  inputs_.flags = {{"connect_retry_interval", "1 hour"}};
  EXPECT_TRUE(Contains(LoadError().what(), "in --connect-retry-interval"));
  inputs_.flags = {{"target", "x"}};
  EXPECT_TRUE(Contains(LoadError().what(), "target: 'x' is not a version"));
  inputs_.flags = {{"baseline_version", "1..2"}};
  EXPECT_TRUE(Contains(LoadError().what(), "baseline_version: '1..2'"));
  inputs_.flags = {{"table", " "}};
  EXPECT_TRUE(Contains(LoadError().what(), "table"));
}

TEST_F(ConfigTest, BadValueInEnvironmentBlockNamesIt) {
  WriteConfig("environments:\n  ci:\n    group: sometimes\n");
  Error e = LoadError();
  EXPECT_TRUE(Contains(e.what(), "group: 'sometimes'")) << e.what();
  EXPECT_TRUE(Contains(e.what(), "flyrun.yaml:3 (environment 'ci')")) << e.what();
}

TEST_F(ConfigTest, LowerSourcesAreCheckedEvenWhenOverridden) {
  WriteConfig("lock_timeout: soon\n");
  inputs_.flags = {{"lock_timeout", "5s"}};
  LoadError();
}

TEST_F(ConfigTest, TargetLatestMeansEmpty) {
  inputs_.flags = {{"target", "latest"}};
  EXPECT_EQ(Load().target, "");
  inputs_.flags = {{"target", "LATEST"}};
  EXPECT_EQ(Load().target, "");
  inputs_.flags = {{"target", "2_1"}};
  EXPECT_EQ(Load().target, "2_1");
}

TEST_F(ConfigTest, ValuesOfTheWrongShape) {
  WriteConfig("url: [a, b]\n");
  EXPECT_TRUE(Contains(LoadError().what(), "url: expected a single value, not a list"));
  WriteConfig("table: {a: b}\n");
  EXPECT_TRUE(Contains(LoadError().what(), "table: expected a single value"));
  WriteConfig("placeholders: [a, b]\n");
  EXPECT_TRUE(Contains(LoadError().what(), "placeholders"));
  WriteConfig("placeholders: {a: [1]}\n");
  EXPECT_TRUE(Contains(LoadError().what(), "'a'"));
  WriteConfig("environments: [prod]\n");
  EXPECT_TRUE(Contains(LoadError().what(), "environments"));
  WriteConfig("environments: {prod: [x]}\n");
  EXPECT_TRUE(Contains(LoadError().what(), "'prod'"));
  WriteConfig("- url\n- table\n");
  EXPECT_TRUE(Contains(LoadError().what(), "top level"));
  WriteConfig("just text\n");
  LoadError();
  WriteConfig("? [a]\n: b\n");
  LoadError();
}

TEST_F(ConfigTest, DuplicateKeyIsAnError) {
  WriteConfig("url: sqlite:a.db\ntable: t\nurl: sqlite:b.db\n");
  Error e = LoadError();
  EXPECT_TRUE(Contains(e.what(), "'url' appears twice")) << e.what();
  EXPECT_EQ(e.line, 3);
}

TEST_F(ConfigTest, YamlSyntaxErrorNamesFileAndLine) {
  WriteConfig("url: sqlite:x.db\ntable: [unclosed\nschema: s\n", "conf/flyrun.yaml");
  Error e = LoadError();
  EXPECT_TRUE(Contains(e.what(), "conf/flyrun.yaml:")) << e.what();
  EXPECT_TRUE(Contains(e.what(), "YAML syntax error")) << e.what();
  EXPECT_EQ(e.file, "conf/flyrun.yaml");
  EXPECT_GT(e.line, 1);

  WriteConfig("url: sqlite:x.db\n  bad: indentation\n", "conf/flyrun.yaml");
  e = LoadError();
  EXPECT_EQ(e.line, 2) << e.what();
  EXPECT_TRUE(Contains(e.what(), "conf/flyrun.yaml:2:")) << e.what();
}

TEST_F(ConfigTest, MergeKeys) {
  WriteConfig(R"(
defaults: &defaults
  table: shared_history
  lock_timeout: 10s
)");
  EXPECT_TRUE(Contains(LoadError().what(), "'defaults'"));  // no unknown top-level keys

  WriteConfig(R"(
environments:
  base: &base
    table: shared_history
    lock_timeout: 10s
  prod:
    <<: *base
    lock_timeout: 20s
)");
  inputs_.env_name = "prod";
  Config c = Load();
  EXPECT_EQ(c.table, "shared_history");
  EXPECT_EQ(c.lock_timeout, milliseconds(20000));  // explicit beats merged
}

TEST_F(ConfigTest, EnvironmentSelection) {
  WriteConfig(R"(
url: sqlite:top.db
environments:
  dev:
    url: sqlite:dev.db
  prod:
    url: sqlite:prod.db
  empty:
)");
  EXPECT_EQ(Load().url, "sqlite:top.db");
  EXPECT_EQ(Load({{"FLYRUN_ENV", "dev"}}).url, "sqlite:dev.db");
  EXPECT_EQ(Load({{"FLYRUN_ENV", "dev"}}).env_name, "dev");
  EXPECT_EQ(Load({{"FLYRUN_ENV", "empty"}}).url, "sqlite:top.db");
  inputs_.env_name = "prod";
  EXPECT_EQ(Load({{"FLYRUN_ENV", "dev"}}).url, "sqlite:prod.db");  // --env wins

  inputs_.env_name = "staging";
  Error e = LoadError();
  EXPECT_TRUE(Contains(e.what(), "'staging'")) << e.what();
  EXPECT_TRUE(Contains(e.what(), "available: dev, empty, prod")) << e.what();

  inputs_.env_name.clear();
  e = LoadError({{"FLYRUN_ENV", "qa"}});
  EXPECT_TRUE(Contains(e.what(), "FLYRUN_ENV")) << e.what();
}

TEST_F(ConfigTest, EnvironmentNeedsAFileThatDefinesIt) {
  inputs_.env_name = "prod";
  Error e = LoadError();
  EXPECT_TRUE(Contains(e.what(), "'prod'")) << e.what();
  EXPECT_TRUE(Contains(e.what(), "no config file")) << e.what();

  WriteConfig("url: sqlite:x.db\n");
  e = LoadError();
  EXPECT_TRUE(Contains(e.what(), "defines no environments")) << e.what();
}

TEST_F(ConfigTest, EnvironmentsDoNotNest) {
  WriteConfig("environments:\n  prod:\n    environments:\n      x: {}\n");
  Error e = LoadError();
  EXPECT_TRUE(Contains(e.what(), "nested")) << e.what();
}

TEST_F(ConfigTest, PasswordFile) {
  dir_.Write("secrets/db", "hunter2\r\n\n");
  inputs_.flags = {{"password_file", "secrets/db"}};  // relative to the working directory
  EXPECT_EQ(Load().password, "hunter2");

  dir_.Write("secrets/plain", "  with spaces  ");
  inputs_.flags = {{"password_file", (dir_.path() / "secrets/plain").string()}};
  EXPECT_EQ(Load().password, "  with spaces  ");
}

TEST_F(ConfigTest, PasswordFileIsNotReadWhenAHigherSourceSetsThePassword) {
  WriteConfig("password_file: does/not/exist\n");
  Config c = Load({{"FLYRUN_PASSWORD", "from-env"}});
  EXPECT_EQ(c.password, "from-env");
  EXPECT_EQ(c.password_file, "does/not/exist");
}

TEST_F(ConfigTest, PasswordFileBeatsALowerPassword) {
  dir_.Write("pw", "from-file\n");
  WriteConfig("password: from-yaml\n");
  EXPECT_EQ(Load({{"FLYRUN_PASSWORD_FILE", "pw"}}).password, "from-file");
}

TEST_F(ConfigTest, PasswordAndPasswordFileInOneSourceIsAnError) {
  dir_.Write("pw", "x\n");
  WriteConfig("password: a\npassword_file: pw\n");
  Error e = LoadError();
  EXPECT_TRUE(Contains(e.what(), "both")) << e.what();
}

TEST_F(ConfigTest, UnreadablePasswordFile) {
  inputs_.flags = {{"password_file", "nope/secret"}};
  Error e = LoadError();
  EXPECT_TRUE(Contains(e.what(), "nope/secret")) << e.what();
  EXPECT_TRUE(Contains(e.what(), "--password-file")) << e.what();
  fs::create_directories(dir_.path() / "adir");
  inputs_.flags = {{"password_file", "adir"}};
  EXPECT_TRUE(Contains(LoadError().what(), "directory"));
}

TEST_F(ConfigTest, ErrorsNeverShowThePassword) {
  WriteConfig("url: postgresql://u:topsecret@h/db\npassword: topsecret\nlock_timeout: x\n");
  Error e = LoadError({{"FLYRUN_PASSWORD", "topsecret"}});
  EXPECT_FALSE(Contains(e.what(), "topsecret")) << e.what();
  EXPECT_FALSE(Contains(e.hint(), "topsecret")) << e.hint();
}

TEST(RequireUrl, NamesEveryWayToSetIt) {
  Config c;
  try {
    RequireUrl(c);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_TRUE(Contains(e.what(), "no database URL configured"));
    EXPECT_TRUE(Contains(e.hint(), "--url"));
    EXPECT_TRUE(Contains(e.hint(), "FLYRUN_URL"));
    EXPECT_TRUE(Contains(e.hint(), "url:"));
  }
  c.url = "sqlite::memory:";
  EXPECT_NO_THROW(RequireUrl(c));
}

TEST(CurrentEnvironment, ReadsTheProcessEnvironment) {
  setenv("FLYRUN_UNIT_TEST_VARIABLE", "a=b", 1);
  Environment env = CurrentEnvironment();
  unsetenv("FLYRUN_UNIT_TEST_VARIABLE");
  EXPECT_EQ(env["FLYRUN_UNIT_TEST_VARIABLE"], "a=b");
}

}  // namespace
}  // namespace flyrun
