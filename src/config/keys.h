#pragma once

// The configuration keys: the one table that names every key, its kind, its
// documented default, its command-line flag, its FLYRUN_ variable and its
// Flyway name. ConfigKeys(), the flags of the command line, the generic part
// of merging and the Flyway sources are all derived from it; the README's
// configuration tables are checked against it by a test.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/config.h"

namespace flyrun {

/// What a key's value is, and so how it is parsed.
enum class KeyKind {
  kUrl,           ///< database URL (checked, its password registered as a secret)
  kString,        ///< free text, kept as written
  kSecret,        ///< free text that is registered as a secret
  kPath,          ///< a file name, trimmed
  kName,          ///< a non-empty name, trimmed (the history table)
  kBool,          ///< true/false, yes/no, 1/0
  kCount,         ///< a whole number >= 0
  kDuration,      ///< 30, 30s, 5m, 1h, 250ms (plain number = seconds)
  kList,          ///< comma separated (or a YAML sequence)
  kVersion,       ///< a migration version
  kTarget,        ///< latest, current, next, a version, a version + "?"
  kDialect,       ///< postgresql, mysql, sqlite
  kMap,           ///< name → value (placeholders)
  kEnvironments,  ///< named blocks of keys (config file only)
};

/// Where a key is a command-line flag.
enum class KeyFlagScope {
  kNone,     ///< config file and FLYRUN_ variable only
  kGlobal,   ///< `--key-name`, before or after any command
  kCommand,  ///< declared by the commands that take it (validate --dialect, ...)
};

/// The Config member a key sets, for the keys merged generically.
using KeyField =
    std::variant<std::monostate, std::string Config::*, bool Config::*,
                 std::optional<bool> Config::*, int Config::*, std::chrono::milliseconds Config::*,
                 std::vector<std::string> Config::*>;

struct KeySpec {
  std::string_view name;  ///< snake_case, as in flyrun.yaml
  KeyKind kind;
  /// The default as the README documents it ("—" for none; several values of a
  /// list separated by ", ").
  std::string_view default_text;
  KeyFlagScope flag;
  std::string_view help;    ///< the flag's help (empty when no flag)
  std::string_view flyway;  ///< Flyway's name without `flyway.`; empty = none
  /// The Flyway key means the opposite (cleanDisabled for clean_enabled).
  bool flyway_inverted = false;
  KeyField field = {};
};

/// Every key, in the order of SPEC 4 followed by the keys Flyway projects use.
const std::vector<KeySpec>& KeyTable();

/// The key named `name` (snake_case), or null.
const KeySpec* FindKey(std::string_view name);

/// The key whose Flyway name is `flyway_name` (without `flyway.`), or null.
const KeySpec* FindFlywayKey(std::string_view flyway_name);

/// "--out-of-order" for out_of_order.
std::string FlagName(const KeySpec& key);

/// "FLYRUN_OUT_OF_ORDER" for out_of_order.
std::string EnvVarName(const KeySpec& key);

/// "FLYWAY_BASELINE_ON_MIGRATE" for baselineOnMigrate.
std::string FlywayEnvVarName(std::string_view flyway_name);

/// Whether `flyway_name` (without `flyway.`) is a key Flyway accepts that
/// flyrun has no use for (licenseKey, callbacks, jdbcProperties.x, ...).
bool IsIgnoredFlywayKey(std::string_view flyway_name);

/// Every Flyway key flyrun honours or accepts, for "did you mean" hints.
std::vector<std::string> FlywayKeyNames();

}  // namespace flyrun
