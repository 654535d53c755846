#include "config/keys.h"

#include <algorithm>
#include <cctype>

namespace flyrun {
namespace {

using K = KeyKind;
using F = KeyFlagScope;

// Flyway keys flyrun accepts without using them (Flyway 9 and 10, conf and
// TOML names). Keys ending in '.' are prefixes (jdbcProperties.ssl, ...).
constexpr std::string_view kIgnoredFlywayKeys[] = {
    "baselineMigrationPrefix",
    "batch",
    "callbackLocations",
    "callbacks",
    "cherryPick",
    "cleanOnValidationError",
    "color",
    "communityDBSupportEnabled",
    "configFileEncoding",
    "databaseType",
    "detectEncoding",
    "driver",
    "dryRunOutput",
    "edition",
    "errorOverrides",
    "failOnMissingLocations",
    "failOnMissingTarget",
    "ignoreFutureMigrations",
    "ignoreIgnoredMigrations",
    "ignoreMissingMigrations",
    "ignorePendingMigrations",
    "jarDirs",
    "kerberosConfigFile",
    "licenseKey",
    "lockRetryCount",
    "loggers",
    "outputFile",
    "outputQueryResults",
    "outputType",
    "reportEnabled",
    "reportFilename",
    "resolvers",
    "scriptPlaceholderPrefix",
    "scriptPlaceholderSuffix",
    "skipDefaultCallbacks",
    "skipDefaultResolvers",
    "skipExecutingMigrations",
    "stream",
    "tablespace",
    "undoSqlMigrationSuffixes",
    "check.",
    "clean.",
    "cleanMode.",
    "deploy.",
    "jdbcProperties.",
    "mongo.",
    "mysql.",
    "oracle.",
    "plugins.",
    "postgresql.",
    "powershell.",
    "snowflake.",
    "sqlserver.",
    "vault.",
    "gcsm.",
    "dapr.",
    "secretsManager.",
};

std::vector<KeySpec> BuildTable() {
  return {
      {"url", K::kUrl, "—", F::kGlobal, "database URL (postgresql://, mysql://, sqlite:)", "url"},
      {"user", K::kString, "from the URL", F::kGlobal, "database user (overrides the URL's)",
       "user", false, &Config::user},
      {"password", K::kSecret, "from the URL", F::kGlobal,
       "database password (overrides the URL's)", "password"},
      {"password_file", K::kPath, "—", F::kGlobal, "read the password from this file", ""},
      {"locations", K::kList, "[sql]", F::kGlobal,
       "migration directories, comma separated (default sql)", "locations"},
      {"table", K::kName, "flyrun_schema_history", F::kGlobal,
       "history table (default flyrun_schema_history)", "table"},
      {"schema", K::kPath, "connection default", F::kGlobal,
       "schema (PostgreSQL) / database (MySQL) of the history table", "defaultSchema", false,
       &Config::schema},
      {"target", K::kTarget, "latest", F::kGlobal,
       "highest version migrate applies (default latest)", "target"},
      {"out_of_order", K::kBool, "false", F::kGlobal,
       "allow pending versions below the highest applied", "outOfOrder", false,
       &Config::out_of_order},
      {"validate_on_migrate", K::kBool, "true", F::kGlobal,
       "validate before migrating (default true)", "validateOnMigrate", false,
       &Config::validate_on_migrate},
      {"baseline_on_migrate", K::kBool, "false", F::kGlobal,
       "baseline a non-empty schema on first migrate", "baselineOnMigrate", false,
       &Config::baseline_on_migrate},
      {"baseline_version", K::kVersion, "1", F::kGlobal, "version recorded by baseline (default 1)",
       "baselineVersion"},
      {"baseline_description", K::kString, "<< flyrun baseline >>", F::kGlobal,
       "description recorded by baseline", "baselineDescription", false,
       &Config::baseline_description},
      {"placeholders", K::kMap, "{}", F::kNone, "", "placeholders"},
      {"placeholder_replacement", K::kBool, "true", F::kGlobal,
       "replace ${name} placeholders (default true)", "placeholderReplacement", false,
       &Config::placeholder_replacement},
      {"group", K::kBool, "false", F::kGlobal, "apply all pending migrations in one transaction",
       "group", false, &Config::group},
      {"connect_retries", K::kCount, "0", F::kGlobal,
       "retry a failed connection this many times (default 0)", "connectRetries", false,
       &Config::connect_retries},
      {"connect_retry_interval", K::kDuration, "1s", F::kGlobal,
       "wait between connection retries (default 1s)", "connectRetriesInterval", false,
       &Config::connect_retry_interval},
      {"connect_timeout", K::kDuration, "10s", F::kGlobal,
       "give up one connection attempt after (default 10s)", "", false, &Config::connect_timeout},
      {"lock_timeout", K::kDuration, "300s", F::kGlobal,
       "wait this long for the migration lock (default 300s)", "", false, &Config::lock_timeout},
      {"lock", K::kName, "auto", F::kGlobal,
       "the migration lock: auto, native (the server's own) or table (a lease row)", ""},
      {"lock_lease", K::kDuration, "30s", F::kGlobal,
       "a lease lock without a heartbeat for this long is taken over (default 30s)", ""},
      {"tenants", K::kPath, "—", F::kGlobal,
       "work on every database listed in this file, one per line (URL [schema])", "", false,
       &Config::tenants},
      {"parallel", K::kCount, "4", F::kGlobal, "work on this many tenants at once (default 4)", ""},
      {"fail_fast", K::kBool, "false", F::kGlobal, "start no further tenant after one fails", "",
       false, &Config::fail_fast},
      {"clean_enabled", K::kBool, "false", F::kGlobal, "allow clean", "cleanDisabled", true,
       &Config::clean_enabled},
      {"init_sql", K::kString, "—", F::kGlobal, "SQL run right after connecting", "initSql", false,
       &Config::init_sql},
      {"undo_required", K::kBool, "false", F::kCommand,
       "require an undo file for every versioned migration (config undo_required)", "", false,
       &Config::undo_required},
      {"dialect", K::kDialect, "—", F::kCommand,
       "SQL dialect of the scripts when no URL is set: postgresql, mysql or sqlite (config "
       "dialect)",
       ""},
      {"exec_keep_env", K::kList, "—", F::kCommand,
       "pass this FLYRUN_* variable (name or glob) on to the command; repeatable (config "
       "exec_keep_env)",
       "", false, &Config::exec_keep_env},
      {"schemas", K::kList, "—", F::kGlobal,
       "schemas flyrun manages, comma separated; the first is the default schema", "schemas", false,
       &Config::schemas},
      {"create_schemas", K::kBool, "true", F::kGlobal, "create missing schemas (default true)",
       "createSchemas", false, &Config::create_schemas},
      {"installed_by", K::kString, "the database user", F::kGlobal,
       "installed_by of new history rows (default the database user)", "installedBy", false,
       &Config::installed_by},
      {"encoding", K::kString, "UTF-8", F::kNone, "", "encoding", false, &Config::encoding},
      {"mixed", K::kBool, "false", F::kNone, "", "mixed", false, &Config::mixed},
      {"execute_in_transaction", K::kBool, "true", F::kNone, "", "executeInTransaction", false,
       &Config::execute_in_transaction},
      {"placeholder_prefix", K::kString, "${", F::kNone, "", "placeholderPrefix", false,
       &Config::placeholder_prefix},
      {"placeholder_suffix", K::kString, "}", F::kNone, "", "placeholderSuffix", false,
       &Config::placeholder_suffix},
      {"placeholder_separator", K::kString, ":", F::kNone, "", "placeholderSeparator", false,
       &Config::placeholder_separator},
      {"sql_migration_prefix", K::kString, "V", F::kNone, "", "sqlMigrationPrefix", false,
       &Config::sql_migration_prefix},
      {"undo_sql_migration_prefix", K::kString, "U", F::kNone, "", "undoSqlMigrationPrefix", false,
       &Config::undo_sql_migration_prefix},
      {"repeatable_sql_migration_prefix", K::kString, "R", F::kNone, "",
       "repeatableSqlMigrationPrefix", false, &Config::repeatable_sql_migration_prefix},
      {"sql_migration_separator", K::kString, "__", F::kNone, "", "sqlMigrationSeparator", false,
       &Config::sql_migration_separator},
      {"sql_migration_suffixes", K::kList, "[.sql]", F::kNone, "", "sqlMigrationSuffixes", false,
       &Config::sql_migration_suffixes},
      {"ignore_migration_patterns", K::kList, "[*:future]", F::kNone, "", "ignoreMigrationPatterns",
       false, &Config::ignore_migration_patterns},
      {"validate_migration_naming", K::kBool, "true; false in a Flyway project", F::kNone, "",
       "validateMigrationNaming", false, &Config::validate_migration_naming},
      {"classpath_root", K::kPath, "—", F::kNone, "", "", false, &Config::classpath_root},
      {"working_directory", K::kPath, "—", F::kNone, "", "workingDirectory", false,
       &Config::working_directory},
      {"environments", K::kEnvironments, "{}", F::kNone, "", ""},
  };
}

}  // namespace

const std::vector<KeySpec>& KeyTable() {
  static const std::vector<KeySpec> table = BuildTable();
  return table;
}

const KeySpec* FindKey(std::string_view name) {
  for (const KeySpec& key : KeyTable())
    if (key.name == name) return &key;
  return nullptr;
}

const KeySpec* FindFlywayKey(std::string_view flyway_name) {
  if (flyway_name.empty()) return nullptr;
  for (const KeySpec& key : KeyTable())
    if (key.flyway == flyway_name) return &key;
  return nullptr;
}

std::string FlagName(const KeySpec& key) {
  std::string flag = "--" + std::string(key.name);
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}

std::string EnvVarName(const KeySpec& key) {
  std::string var = "FLYRUN_";
  for (char c : key.name) var += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return var;
}

std::string FlywayEnvVarName(std::string_view flyway_name) {
  std::string var = "FLYWAY_";
  for (char c : flyway_name) {
    if (std::isupper(static_cast<unsigned char>(c))) var += '_';
    var += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return var;
}

bool IsIgnoredFlywayKey(std::string_view flyway_name) {
  for (std::string_view known : kIgnoredFlywayKeys) {
    if (known.back() == '.'
            ? flyway_name.substr(0, known.size()) == known && flyway_name.size() > known.size()
            : flyway_name == known) {
      return true;
    }
  }
  return false;
}

std::vector<std::string> FlywayKeyNames() {
  std::vector<std::string> names;
  for (const KeySpec& key : KeyTable())
    if (!key.flyway.empty()) names.emplace_back(key.flyway);
  for (std::string_view known : kIgnoredFlywayKeys)
    if (known.back() != '.') names.emplace_back(known);
  names.emplace_back("environment");
  names.emplace_back("configFiles");
  return names;
}

}  // namespace flyrun
