#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/error.h"
#include "core/issue.h"
#include "driver/driver.h"
#include "history/reconcile.h"
#include "parse/statement_source.h"
#include "scan/migration.h"
#include "scan/scanner.h"

namespace flyrun {

enum class OutputFormat { kText, kJson, kGithub, kSarif };

class MigrationCache;

/// Everything a command needs; built by the CLI.
struct CommandContext {
  Config config;
  OutputFormat output = OutputFormat::kText;
  std::ostream* out = nullptr;  ///< results (stdout)
  bool offline = false;         ///< validate: files only
  bool dry_run = false;
  bool json_logs = false;       ///< stderr carries one JSON object per line
  std::string base;             ///< validate: git revision to compare with (--base)
  std::string new_description;  ///< new: the description argument
  std::chrono::milliseconds wait_timeout{60000};  ///< wait, exec: how long to wait
  std::vector<std::string> exec_args;             ///< exec: the command to run after migrating
  /// repair: the version whose failed history row, finished by hand, becomes a success.
  std::string mark_applied;
  /// Opens the database instead of choosing a driver by URL scheme: the seam
  /// through which unit tests run the commands against an in-memory driver.
  std::function<std::unique_ptr<Driver>(const Config&)> open_driver;
  /// What a command that fails had done until then (migrate: the migrations it
  /// applied), as fields merged into the `--output json` failure document.
  mutable nlohmann::json partial_result = nlohmann::json::object();
  /// Migrations already scanned and checksummed, shared by runs of the command
  /// over the same files (the tenants of a fleet); null = scan for this run.
  std::shared_ptr<MigrationCache> migrations;
};

/// Scanned migrations with checksums in a history format, plus every scan
/// problem. flyrun's format: SHA-256 of the normalised text, repeatables'
/// covering the user placeholder values. Flyway's: Flyway's CRC-32 (decimal
/// text of the signed int) of the text decoded with the script's encoding;
/// repeatables with placeholder replacement on hashed after replacement.
struct LoadedMigrations {
  std::vector<ResolvedMigration> migrations;
  Issues issues;
  /// The format of the checksums; unset until UseHistoryFormat computed them.
  std::optional<HistoryFormat> format;
};
/// The format the configuration asks for, before a history table is seen:
/// Flyway's when Config::flyway.
HistoryFormat ConfiguredHistoryFormat(const Config& config);
/// Scans. The checksums wait for UseHistoryFormat: which algorithm applies is
/// known only once the history table has been seen, and each file is read once.
LoadedMigrations LoadMigrations(const Config& config);
/// After connecting: every checksum, in the format the driver keeps the history
/// in (Driver::history_format, which also honours a table of Flyway's layout);
/// Flyway repeatables' with the session's placeholders (${flyway:user},
/// ${flyway:database}).
void UseHistoryFormat(LoadedMigrations& loaded, const Config& config, Driver& driver);

/// Migrations scanned once and checksummed once per history format, for runs
/// of a command over the same files on many databases (a fleet's tenants,
/// which differ only in url and schema). Thread-safe. A Flyway repeatable whose
/// placeholders are replaced is hashed per session (its text holds the
/// session's user and database); every other checksum is computed once.
class MigrationCache {
 public:
  /// The scan of `config`'s locations: done by the first call, copied after.
  LoadedMigrations Load(const Config& config);
  /// Fills the checksums of `loaded` (from Load) in `format`.
  void UseFormat(LoadedMigrations& loaded, const Config& config, HistoryFormat format,
                 const std::string& user, const std::string& database);
  /// How many scans and how many checksums were computed (for tests).
  int scans() const;
  size_t checksums_computed() const;

 private:
  mutable std::mutex mutex_;
  std::optional<LoadedMigrations> scanned_;
  std::map<HistoryFormat, std::vector<std::string>> checksums_;
  int scans_ = 0;
  size_t computed_ = 0;
};

/// LoadMigrations through ctx.migrations when it is set.
LoadedMigrations LoadMigrations(const CommandContext& ctx);
/// UseHistoryFormat through ctx.migrations when it is set.
void UseHistoryFormat(LoadedMigrations& loaded, const CommandContext& ctx, Driver& driver);

/// The checksum of one migration in `format`; `user`/`database` fill the
/// built-in placeholders of a Flyway repeatable. Error(kUsage) naming the
/// file when it cannot be read or decoded.
std::string ChecksumOf(const ResolvedMigration& m, const Config& config, HistoryFormat format,
                       const std::string& user = {}, const std::string& database = {});

/// A script's text after placeholder replacement, as Flyway hashes a
/// repeatable: the single place that replacement is asked for here.
std::string ReplacedText(const std::string& text, const Config& config,
                         const std::map<std::string, std::string>& placeholders);

/// The scanner's options from the configuration: locations, naming keys,
/// classpath_root, and whether a badly named file is an error
/// (validate_migration_naming; unset = yes, but no in a Flyway project).
ScanOptions ScanOptionsFor(const Config& config);

/// LoadMigrations for commands that change the database: any scan problem is
/// printed and ends the command (Error(kValidation)) before it connects.
LoadedMigrations LoadMigrationsOrRefuse(const CommandContext& ctx);

/// Makes Connect() retry connection failures (never authentication failures)
/// for at most `timeout` in all: no attempt outlives it and no retry starts
/// after it. For `wait`, and `exec` when connect_retries is not set.
void RetryConnectingFor(Config& config, std::chrono::milliseconds timeout);

/// Connection options; history_format = ConfiguredHistoryFormat(config).
ConnectionOptions ConnectionOptionsFor(const Config& config);

/// Opens the driver for the configured URL (RequireUrl first). `read_only`:
/// for commands that change nothing, which do not create a missing SQLite file.
std::unique_ptr<Driver> Connect(const Config& config, bool read_only = false);
/// The same through ctx.open_driver when it is set.
std::unique_ptr<Driver> Connect(const CommandContext& ctx, bool read_only = false);
/// Connect() for commands that change the database: a server that refuses
/// writes (Driver::ReadOnlyReason(): a standby) is refused at once with
/// ReadOnlyError, or with config.await_writable retried until the deadline.
std::unique_ptr<Driver> ConnectToChange(const Config& config);
std::unique_ptr<Driver> ConnectToChange(const CommandContext& ctx);

/// User placeholders plus the built-ins for `script` (SPEC 6): flyrun's
/// (`flyrun:user`...) and Flyway's (`flyway:user`..., `flyway` + the separator).
/// `user`, `database` and `current_schema` (for flyway:defaultSchema when
/// neither schema nor schemas is set) come from the driver.
std::map<std::string, std::string> PlaceholdersFor(const Config& config, const std::string& user,
                                                   const std::string& database,
                                                   const std::string& script,
                                                   const std::string& current_schema = {});

/// Splitter options for a dialect and config (placeholders filled by the caller),
/// for splitting without a database: the dialect's default session settings.
SplitOptions SplitOptionsFor(const Config& config, Dialect dialect);
/// Splitter options for a script about to run on `driver`'s session: its
/// dialect, server version and the session's settings as they are now
/// (Driver::session_lexing), so the script is lexed as the server will read it.
SplitOptions SplitOptionsFor(const Config& config, const Driver& driver);

/// A script's own settings (its `.sql.conf`: encoding, placeholderReplacement)
/// over the configuration's.
void ApplyScriptSettings(SplitOptions& options, const ResolvedMigration& m);

/// ReconcileOptions from config (target parsed; Error(kUsage) when malformed).
ReconcileOptions ReconcileOptionsFor(const Config& config);

/// For commands that change the database: when the history holds rows flyrun
/// cannot read (Plan::unusable_rows), prints them and throws Error(kValidation),
/// whatever validate_on_migrate says.
void RefuseUnusableHistory(const CommandContext& ctx, const Plan& plan);

/// Error(kUsage) when the target names a version that neither a file nor a
/// history row has (Flyway's failOnMissingTarget), unless written `2.5?`.
void RefuseMissingTarget(const Plan& plan, const ReconcileOptions& options);

/// Prints issues in the chosen format; text goes grouped by file.
void PrintIssues(const CommandContext& ctx, const Issues& issues);

/// A command refusing to go on because of `issues`: prints them (text) or, with
/// --output json, puts them in the error document (`issues`, and one line each
/// in the error's detail) so stdout stays one document. Throws `error`.
[[noreturn]] void RefuseWith(const CommandContext& ctx, const Issues& issues, Error error);

}  // namespace flyrun
