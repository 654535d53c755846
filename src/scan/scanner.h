#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/issue.h"
#include "scan/migration.h"

namespace flyrun {

/// The history table's column sizes (SPEC 7), in characters.
constexpr size_t kMaxVersionChars = 50;
constexpr size_t kMaxDescriptionChars = 200;
constexpr size_t kMaxScriptChars = 1000;

/// Result of parsing one file name (no directory part).
struct NameParse {
  enum class Outcome { kMigration, kNotMigration, kMalformed } outcome;
  ResolvedMigration migration;  ///< kind, version, description, event (kMigration only)
  std::string problem;          ///< kMalformed: what is wrong and the expected form
};

/// How migration files are named (Flyway's sqlMigrationPrefix,
/// undoSqlMigrationPrefix, repeatableSqlMigrationPrefix, sqlMigrationSeparator,
/// sqlMigrationSuffixes). The defaults are flyrun's and Flyway's.
struct NamingRules {
  std::string versioned_prefix = "V";
  std::string undo_prefix = "U";
  std::string repeatable_prefix = "R";
  std::string separator = "__";
  std::vector<std::string> suffixes{".sql"};
};

/// Classifies a file name per SPEC 1. Non-.sql files are kNotMigration. A .sql
/// file that starts like a migration (V/U/R prefix followed by a digit or '_',
/// a lower-case v/u/r prefix followed by a digit, or a callback name) but does
/// not parse is kMalformed: "V1_init.sql", "V__x.sql", "Vx__y.sql",
/// "v1__lower.sql", "V1__.sql". Other .sql files (e.g. "README.sql",
/// "helpers.sql") are kNotMigration.
/// With other naming rules, their prefixes, separator and suffixes take the
/// place of V, U, R, "__" and ".sql" (the longest matching suffix and prefix win).
NameParse ParseMigrationName(std::string_view filename, const NamingRules& rules = {});

/// Whether `filename` starts with one of the rules' prefixes (any case): a
/// malformed name that does is meant as a migration, not as a callback.
bool StartsLikeAMigration(std::string_view filename, const NamingRules& rules = {});

struct ScanResult {
  std::vector<ResolvedMigration> migrations;  ///< versioned sorted by version, then undo
                                              ///< by version, repeatables by description,
                                              ///< callbacks by event then description
  Issues issues;                              ///< every problem, not just the first
};

/// Walks each location recursively (sorted, deterministic order) and collects
/// migrations. Issues: "location-missing" (a location that does not exist),
/// "malformed-name", "duplicate-version" (also across locations; names both
/// files), "orphan-undo" (U file without a V file of its version),
/// "duplicate-repeatable" (same description), "location-unreadable" (a
/// directory that cannot be listed), "migration-unreadable" (a file named like
/// a migration that is a dangling symlink, unreadable, or not a regular file),
/// "history-value-too-long" (a version, description or script longer than its
/// history column, SPEC 7). Each directory and file is scanned once, however
/// many locations reach it ("sql,./sql", "sql,sql/sub"): it keeps the spelling
/// of the first. ResolvedMigration::path is location/script; Issue::file is
/// that path as a string.
ScanResult ScanLocations(const std::vector<std::string>& locations);

/// What ScanLocations needs from the configuration (commands build it from
/// Config with ScanOptionsFor, commands/context.h).
struct ScanOptions {
  std::vector<std::string> locations{"sql"};
  NamingRules naming;
  /// A badly named file is an issue ("malformed-name", flyrun's rule and
  /// Flyway's validateMigrationNaming=true), or is skipped and logged at debug
  /// level (false, Flyway's default).
  bool report_malformed = true;
  /// The directory `classpath:` locations are resolved against; empty = they
  /// are an error.
  std::string classpath_root;
  /// A Flyway project: versioned migrations Flyway runs that flyrun cannot
  /// (V2__fix.sh, V3__data.java, ...) are kept, marked unsupported, so that an
  /// applied one counts as applied and a pending one is an error.
  bool keep_unsupported = false;
  /// For the text of `<script>.sql.conf` files: `${name}` (with these
  /// delimiters) is replaced from `placeholders` before the file is read.
  bool placeholder_replacement = true;
  std::map<std::string, std::string> placeholders;
  std::string placeholder_prefix = "${";
  std::string placeholder_suffix = "}";
};

/// The same under `options`. Each location may carry Flyway's `filesystem:`
/// prefix (stripped) or `classpath:` (mapped under classpath_root), and may
/// hold Flyway's wildcards in its path: `*` (any characters of one name),
/// `?` (one character), `**` (any number of directories, none included), as
/// in "db/*/migrations" or "filesystem:db/**/sql"; it then stands for every
/// directory that matches, each scanned as a location of its own (scripts are
/// relative to it). A wildcard location whose fixed part does not exist is
/// "location-missing"; one that matches nothing is logged as a warning.
/// A `<script>.sql.conf` file beside a migration sets its
/// execute_in_transaction, encoding and placeholder_replacement (keys
/// executeInTransaction, encoding, placeholderReplacement, in Java properties
/// form); an unknown key or a bad value is a "script-config" issue naming the
/// file and line. Such a file is never a migration itself.
/// Throws Error(kUsage) for a location that cannot be used (ResolveLocation).
ScanResult ScanLocations(const ScanOptions& options);

/// A location as written in the configuration, as a path: `filesystem:`
/// stripped, `classpath:x` mapped to classpath_root/x. Throws Error(kUsage)
/// naming the location and the `locations` and `classpath_root` keys for a
/// `classpath:` location without classpath_root, another Flyway scheme
/// (s3:, gcs:) or an empty path.
std::string ResolveLocation(const std::string& location, const std::string& classpath_root);

/// Settings of one `<script>.sql.conf` file, read from `text` (named `file` in
/// issues). Problems are appended to `issues` ("script-config", with the line).
struct ScriptConfig {
  std::optional<bool> execute_in_transaction;
  std::optional<std::string> encoding;
  std::optional<bool> placeholder_replacement;
};
ScriptConfig ParseScriptConfig(const std::string& text, const std::string& file,
                               const ScanOptions& options, Issues& issues);

}  // namespace flyrun
