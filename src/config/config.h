#pragma once

#include <chrono>
#include <filesystem>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/dialect.h"
#include "core/lock_mode.h"

namespace flyrun {

/// Effective configuration (SPEC 4). Only the config module reads the
/// environment; everything else receives a Config.
struct Config {
  std::string url;
  std::string user;      ///< overrides the URL's user when set
  std::string password;  ///< overrides the URL's password when set
  std::string password_file;
  std::vector<std::string> locations{"sql"};
  std::string table = "flyrun_schema_history";
  std::string schema;
  std::string target;  ///< empty = latest; "current", "next", a version, or a version + "?"
  bool out_of_order = false;
  bool validate_on_migrate = true;
  bool baseline_on_migrate = false;
  std::string baseline_version = "1";
  std::string baseline_description = "<< flyrun baseline >>";
  std::map<std::string, std::string> placeholders;
  bool placeholder_replacement = true;
  bool group = false;
  int connect_retries = 0;
  std::chrono::milliseconds connect_retry_interval{1000};
  std::chrono::milliseconds connect_timeout{10000};
  /// Not a key: `wait`/`exec --timeout` (RetryConnectingFor). When non-zero,
  /// connecting gives up this long after it started, retries and the
  /// attempt under way included. 0 = bounded by connect_retries alone.
  std::chrono::milliseconds connect_deadline{0};
  /// Not a key: set by `wait` and `exec`. A server that refuses writes (a
  /// standby during a failover) is retried like a failed connection, within
  /// connect_retries and connect_deadline, instead of refused at once.
  bool await_writable = false;
  std::chrono::milliseconds lock_timeout{300000};
  /// Which migration lock is taken (README, The migration lock): the server's
  /// own (native), the lease row in flyrun's lock table (table), or the native
  /// one where it is known to be correct and the lease elsewhere (auto).
  LockMode lock = LockMode::kAuto;
  /// How long a lease lock stays valid without a heartbeat; the holder beats
  /// several times within it, a waiter takes over after it has seen no beat
  /// for this long on its own clock.
  std::chrono::milliseconds lock_lease{30000};
  /// A file listing the databases one run works on, one tenant per line (a
  /// URL, optionally followed by a schema); empty = the one `url`.
  std::string tenants;
  /// How many tenants are worked on at once (>= 1).
  int parallel = 4;
  /// Stop starting tenants after the first one fails.
  bool fail_fast = false;
  bool clean_enabled = false;
  std::string init_sql;
  bool undo_required = false;  ///< validate: every versioned migration needs an undo file
  /// validate without a URL: whose lexical rules split the scripts. Accepts
  /// postgresql/postgres, mysql/mariadb, sqlite (any case).
  std::optional<Dialect> dialect;
  /// exec: the FLYRUN_* variables the command keeps, by name or glob
  /// (FLYRUN_PLACEHOLDERS_*); it gets no other FLYRUN_* variable.
  std::vector<std::string> exec_keep_env;
  /// Not a key: the environment of the command `exec` starts, as "NAME=value":
  /// the environment given to LoadConfig without the FLYRUN_* variables that
  /// exec_keep_env does not keep.
  std::vector<std::string> exec_environment;

  // Keys Flyway projects rely on (README, Coming from Flyway). Flyway's own
  // names are in the key table; these are flyrun's.
  /// The character encoding of the scripts (Flyway's `encoding`), per script
  /// overridable by a `<script>.sql.conf` file.
  std::string encoding = "UTF-8";
  /// A script may mix statements that must run outside a transaction with
  /// others (Flyway's `mixed`).
  bool mixed = false;
  /// Run each script in a transaction (Flyway's `executeInTransaction`).
  bool execute_in_transaction = true;
  std::string placeholder_prefix = "${";
  std::string placeholder_suffix = "}";
  std::string placeholder_separator = ":";
  std::string sql_migration_prefix = "V";
  std::string undo_sql_migration_prefix = "U";
  std::string repeatable_sql_migration_prefix = "R";
  std::string sql_migration_separator = "__";
  std::vector<std::string> sql_migration_suffixes{".sql"};
  /// Flyway's `schemas`: the first is the default schema; all are created
  /// when missing while create_schemas is on.
  std::vector<std::string> schemas;
  bool create_schemas = true;
  /// installed_by of new history rows; empty = the database user.
  std::string installed_by;
  /// Flyway's `ignoreMigrationPatterns` ("*:future", "repeatable:missing", ...).
  std::vector<std::string> ignore_migration_patterns{"*:future"};
  /// A badly named .sql file is an error (true) or skipped (false, Flyway's default).
  std::optional<bool> validate_migration_naming;
  /// The directory a `classpath:` location is resolved against; empty = such
  /// locations are an error.
  std::string classpath_root;
  /// Flyway's `workingDirectory` (also ${flyway:workingDirectory}).
  std::string working_directory;

  /// The configuration came (partly) from Flyway's files, FLYWAY_* variables or
  /// Flyway-style arguments: the history is kept in Flyway's format
  /// (history/history_format.h) and Flyway's defaults apply.
  bool flyway = false;
  /// Flyway keys that were accepted but have no effect, with where each came
  /// from ("flyway.licenseKey in flyway.conf:3"), for one notice.
  std::vector<std::string> ignored_flyway_keys;

  std::string config_file;  ///< the file that was read, empty when none
  std::string env_name;     ///< the selected environment block, empty when none
};

/// What the command line said. `flags` holds only keys the user gave, by config
/// key (snake_case, e.g. "lock_timeout" for --lock-timeout), as text.
struct ConfigInputs {
  std::map<std::string, std::string> flags;
  std::vector<std::string> placeholder_flags;  ///< "--placeholder name=value", in order
  std::string config_file;                     ///< --config, empty when not given
  std::string env_name;                        ///< --env, empty when not given
  /// Flyway-style arguments in the order given, by Flyway's key name without
  /// the `flyway.` prefix: {"url", "jdbc:..."}, {"placeholders.tenant", "acme"},
  /// {"configFiles", "a.conf,b.conf"}, {"workingDirectory", "/app"}.
  std::vector<std::pair<std::string, std::string>> flyway_args;
  /// Where configFiles "-" reads Flyway settings from; null = standard input.
  std::istream* stdin_config = nullptr;
  /// flyrun's installation directory, whose conf/ may hold flyway.conf or
  /// flyway.toml; empty = the directory above the executable's (and /flyway,
  /// the layout of Flyway's container image).
  std::filesystem::path install_dir;
};

using Environment = std::map<std::string, std::string>;

/// The process environment as a map (the one place that reads environ).
Environment CurrentEnvironment();

/// Merges, highest first: flags, FLYRUN_* environment, the selected environment
/// block of the config file, the file's top level, defaults. The file is
/// --config, else FLYRUN_CONFIG, else ./flyrun.yaml, else ./conf/flyrun.yaml
/// (relative to the working directory; none is fine unless named explicitly).
/// The environment block is --env, else FLYRUN_ENV. password_file is read here
/// (trailing newline stripped) when no password is set at a higher level; a
/// file readable by group or others is used with a warning.
///
/// Every password met (password key, password_file, the URLs of every block)
/// is registered with the secrets module (config/secrets.h) before anything
/// can print it. Every url is checked without connecting: "//" after a
/// server scheme, a user-info that can be told from the host, ports 1-65535.
///
/// Throws Error(kUsage) naming the key (and file) for an unknown key, a bad
/// value (durations "30", "30s", "5m", "1h", "250ms"; booleans true/false/yes/no/1/0),
/// a malformed url (the message never quotes its user-info), a missing named
/// config file or environment block, an unreadable password_file.
/// Does NOT require url: commands that need a database call RequireUrl.
///
/// Relative paths (--config, FLYRUN_CONFIG, password_file, and later locations
/// and sqlite: URLs) are relative to the working directory, as in Flyway, not
/// to the config file's directory; locations and the URL are returned as
/// written. FLYRUN_<KEY> variables that are set but empty count as unset;
/// FLYRUN_PLACEHOLDERS_<NAME> sets the placeholder <name> lower-cased (the
/// empty value included). Other FLYRUN_ variables are ignored.
Config LoadConfig(const ConfigInputs& inputs, const Environment& env);

/// The same with an explicit working directory instead of the process's.
Config LoadConfig(const ConfigInputs& inputs, const Environment& env,
                  const std::filesystem::path& cwd);

/// A url given somewhere other than the keys (a line of the tenants file), as
/// the url key takes it: trimmed, its passwords registered with the secrets
/// module, a jdbc: URL translated, its shape checked without connecting.
/// Error(kUsage) names `where` ("in tenants.txt:3") and carries file and line.
std::string CheckedUrl(const std::string& text, const std::string& where,
                       const std::string& file = {}, int line = 0);

/// Throws Error(kUsage) "no database URL configured" with a hint naming the
/// flag, variable and key, when config.url is empty.
void RequireUrl(const Config& config);

/// Parses "30", "30s", "5m", "1h", "250ms" (plain number = seconds).
std::optional<std::chrono::milliseconds> ParseDuration(const std::string& text);

/// Every config key, in the order of SPEC 4 (for --help text and validation).
const std::vector<std::string>& ConfigKeys();

}  // namespace flyrun
