#include "commands/context.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "checksum/checksum.h"
#include "checksum/flyway_checksum.h"
#include "commands/output.h"
#include "core/error.h"
#include "driver/factory.h"
#include "parse/script_text.h"
#include "parse/statement_source.h"
#include "scan/scanner.h"

namespace flyrun {

namespace {

/// Repeatables are re-applied when a placeholder value changes, so their
/// checksum covers the user placeholders (not the built-ins: the timestamp
/// would change it on every run).
std::string PlaceholderFingerprint(const Config& config) {
  if (!config.placeholder_replacement || config.placeholders.empty()) return {};
  std::string out;
  for (const auto& [k, v] : config.placeholders) out += k + "=" + v + "\n";
  return out;
}

}  // namespace

ScanOptions ScanOptionsFor(const Config& config) {
  ScanOptions o;
  o.locations = config.locations;
  o.naming.versioned_prefix = config.sql_migration_prefix;
  o.naming.undo_prefix = config.undo_sql_migration_prefix;
  o.naming.repeatable_prefix = config.repeatable_sql_migration_prefix;
  o.naming.separator = config.sql_migration_separator;
  o.naming.suffixes = config.sql_migration_suffixes;
  o.report_malformed = config.validate_migration_naming.value_or(!config.flyway);
  o.classpath_root = config.classpath_root;
  o.keep_unsupported = config.flyway;
  o.placeholder_replacement = config.placeholder_replacement;
  o.placeholders = config.placeholders;
  o.placeholder_prefix = config.placeholder_prefix;
  o.placeholder_suffix = config.placeholder_suffix;
  return o;
}

// Flyway's replacement (parse/script_text.h) of a whole text; unknown names are
// left out here: they are reported when the script is validated or run.
std::string ReplacedText(const std::string& text, const Config& config,
                         const std::map<std::string, std::string>& placeholders) {
  Issues unknown;
  PlaceholderReplacer replacer(placeholders, config.placeholder_prefix, config.placeholder_suffix,
                               "", &unknown);
  std::string out;
  replacer.Feed(text, out);
  replacer.Finish(out);
  return out;
}

HistoryFormat ConfiguredHistoryFormat(const Config& config) {
  return ChooseHistoryFormat(config.flyway, std::nullopt);
}

std::string ChecksumOf(const ResolvedMigration& m, const Config& config, HistoryFormat format,
                       const std::string& user, const std::string& database) {
  // Not a SQL script (V2__fix.sh, V3__x.class): flyrun neither runs nor hashes it.
  if (!m.unsupported.empty()) return {};
  bool repeatable = m.kind == MigrationKind::kRepeatable;
  if (format == HistoryFormat::kFlyrun)
    return FileChecksum(m.path, repeatable ? PlaceholderFingerprint(config) : std::string());
  // Flyway hashes the decoded text; a repeatable as it runs it, placeholders
  // replaced.
  ScriptTextOptions text;
  text.encoding = m.encoding ? *m.encoding : config.encoding;
  text.replace_placeholders =
      repeatable && m.placeholder_replacement.value_or(config.placeholder_replacement);
  if (text.replace_placeholders) {
    text.placeholders = PlaceholdersFor(config, user, database, m.script);
    text.prefix = config.placeholder_prefix;
    text.suffix = config.placeholder_suffix;
  }
  Issues unknown;  // reported when the script is validated or run
  text.issues = &unknown;
  FlywayCrc32 crc;
  ReadScriptText(m.path.string(), text, [&](std::string_view chunk) { crc.Update(chunk); });
  return std::to_string(crc.Value());
}

LoadedMigrations LoadMigrations(const Config& config) {
  ScanResult scan = ScanLocations(ScanOptionsFor(config));
  spdlog::debug("scanned {} migration file(s)", scan.migrations.size());
  return LoadedMigrations{std::move(scan.migrations), std::move(scan.issues), std::nullopt};
}

namespace {

/// The session's user and database, which only Flyway's repeatables need.
std::pair<std::string, std::string> ChecksumSession(HistoryFormat format, Driver& driver) {
  if (format != HistoryFormat::kFlyway) return {};
  return {driver.CurrentUser(), driver.DatabaseName()};
}

/// Whether m's checksum in `format` depends on the session (ChecksumOf's
/// user and database): a Flyway repeatable whose placeholders are replaced.
bool ChecksumNeedsSession(const ResolvedMigration& m, const Config& config, HistoryFormat format) {
  return format == HistoryFormat::kFlyway && m.unsupported.empty() &&
         m.kind == MigrationKind::kRepeatable &&
         m.placeholder_replacement.value_or(config.placeholder_replacement);
}

}  // namespace

void UseHistoryFormat(LoadedMigrations& loaded, const Config& config, Driver& driver) {
  HistoryFormat format = driver.history_format();
  auto [user, database] = ChecksumSession(format, driver);
  for (auto& m : loaded.migrations) m.checksum = ChecksumOf(m, config, format, user, database);
  loaded.format = format;
}

LoadedMigrations MigrationCache::Load(const Config& config) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!scanned_) {
    scanned_ = LoadMigrations(config);
    ++scans_;
  }
  return *scanned_;
}

void MigrationCache::UseFormat(LoadedMigrations& loaded, const Config& config, HistoryFormat format,
                               const std::string& user, const std::string& database) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto [it, fresh] = checksums_.try_emplace(format);
    if (fresh) {
      for (const auto& m : loaded.migrations) {
        bool per_session = ChecksumNeedsSession(m, config, format);
        it->second.push_back(per_session ? std::string() : ChecksumOf(m, config, format));
        computed_ += per_session ? 0 : 1;
      }
    }
    for (size_t i = 0; i < loaded.migrations.size(); ++i)
      loaded.migrations[i].checksum = it->second.at(i);
  }
  for (auto& m : loaded.migrations) {
    if (ChecksumNeedsSession(m, config, format))
      m.checksum = ChecksumOf(m, config, format, user, database);
  }
  loaded.format = format;
}

int MigrationCache::scans() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return scans_;
}

size_t MigrationCache::checksums_computed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return computed_;
}

LoadedMigrations LoadMigrations(const CommandContext& ctx) {
  return ctx.migrations ? ctx.migrations->Load(ctx.config) : LoadMigrations(ctx.config);
}

void UseHistoryFormat(LoadedMigrations& loaded, const CommandContext& ctx, Driver& driver) {
  if (!ctx.migrations) return UseHistoryFormat(loaded, ctx.config, driver);
  HistoryFormat format = driver.history_format();
  auto [user, database] = ChecksumSession(format, driver);
  ctx.migrations->UseFormat(loaded, ctx.config, format, user, database);
}

LoadedMigrations LoadMigrationsOrRefuse(const CommandContext& ctx) {
  LoadedMigrations loaded = LoadMigrations(ctx);
  if (!loaded.issues.empty()) {
    RefuseWith(ctx, loaded.issues,
               Error(ExitCode::kValidation,
                     std::to_string(loaded.issues.size()) + " problem(s) with the migration files",
                     "fix the files named above; `flyrun validate` lists them too"));
  }
  return loaded;
}

void RefuseUnusableHistory(const CommandContext& ctx, const Plan& plan) {
  if (plan.unusable_rows.empty()) return;
  Issues issues;
  for (const Issue& i : plan.issues)
    if (i.code == "history-row-not-understood") issues.push_back(i);
  Error error(ExitCode::kValidation,
              std::to_string(issues.size()) +
                  " history row(s) that flyrun cannot read; refusing to change the database",
              "fix or delete the rows named above; `flyrun validate` lists them too");
  RefuseWith(ctx, issues, std::move(error));
}

void RefuseWith(const CommandContext& ctx, const Issues& issues, Error error) {
  if (ctx.output != OutputFormat::kJson) {
    PrintIssues(ctx, issues);
    throw error;
  }
  nlohmann::json list = nlohmann::json::array();
  for (const Issue& i : issues) {
    list.push_back(IssueJson(i));
    error.detail += (error.detail.empty() ? "" : "\n") + IssueLine(i);
  }
  ctx.partial_result["issues"] = std::move(list);
  throw error;
}

void RetryConnectingFor(Config& config, std::chrono::milliseconds timeout) {
  auto interval = config.connect_retry_interval.count() > 0 ? config.connect_retry_interval
                                                            : std::chrono::milliseconds(1000);
  config.connect_retry_interval = interval;
  // The deadline ends the wait; the count only has to be large enough.
  config.connect_retries = static_cast<int>(timeout / interval) + 1;
  config.connect_deadline = timeout;
}

namespace {

/// The configured init_sql as statements, split by the URL's dialect as a script
/// would be (placeholders are not replaced: the session does not exist yet).
std::vector<std::string> SplitInitSql(const Config& config) {
  SplitOptions split;
  split.dialect = DialectOfUrl(config.url);
  split.replace_placeholders = false;
  std::vector<std::string> out;
  try {
    StatementSource source(std::make_unique<std::istringstream>(config.init_sql), "init_sql",
                           split);
    Statement statement;
    while (source.Next(statement)) out.push_back(std::move(statement.sql));
  } catch (const Error& e) {
    if (e.code() != ExitCode::kValidation) throw;
    throw UsageError(std::string(e.what()), "check the init_sql setting");
  }
  return out;
}

}  // namespace

ConnectionOptions ConnectionOptionsFor(const Config& config) {
  ConnectionOptions o;
  o.url = config.url;
  o.user = config.user;
  o.password = config.password;
  o.schema = config.schema;
  o.table = config.table;
  o.history_format = ConfiguredHistoryFormat(config);
  if (!config.init_sql.empty()) o.init_sql = SplitInitSql(config);
  o.connect_retries = config.connect_retries;
  o.connect_retry_interval = config.connect_retry_interval;
  o.connect_timeout = config.connect_timeout;
  o.lock = config.lock;
  o.lock_lease = config.lock_lease;
  return o;
}

namespace {

std::unique_ptr<Driver> ConnectWith(const Config& config, bool read_only,
                                    ReadOnlyServer on_read_only) {
  RequireUrl(config);
  ConnectionOptions options = ConnectionOptionsFor(config);
  options.create_database = !read_only;
  return OpenDriver(options, config.connect_deadline, on_read_only);
}

}  // namespace

std::unique_ptr<Driver> Connect(const Config& config, bool read_only) {
  return ConnectWith(config, read_only, ReadOnlyServer::kAccept);
}

std::unique_ptr<Driver> Connect(const CommandContext& ctx, bool read_only) {
  if (ctx.open_driver) return ctx.open_driver(ctx.config);
  return Connect(ctx.config, read_only);
}

std::unique_ptr<Driver> ConnectToChange(const Config& config) {
  return ConnectWith(config, false,
                     config.await_writable ? ReadOnlyServer::kAwait : ReadOnlyServer::kRefuse);
}

std::unique_ptr<Driver> ConnectToChange(const CommandContext& ctx) {
  if (!ctx.open_driver) return ConnectToChange(ctx.config);
  auto driver = ctx.open_driver(ctx.config);
  if (std::string reason = driver->ReadOnlyReason(); !reason.empty())
    throw ReadOnlyError(ctx.config.url, driver->dialect(), reason);
  return driver;
}

std::map<std::string, std::string> PlaceholdersFor(const Config& config, const std::string& user,
                                                   const std::string& database,
                                                   const std::string& script,
                                                   const std::string& current_schema) {
  auto p = config.placeholders;
  std::string filename = script.substr(script.find_last_of('/') + 1);
  p["flyrun:user"] = user;
  p["flyrun:database"] = database;
  p["flyrun:filename"] = filename;
  p["flyrun:table"] = config.table;
  std::time_t now = std::time(nullptr);
  char buf[32];
  std::tm utc{};
  gmtime_r(&now, &utc);  // tenants of a fleet run on several threads
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &utc);
  p["flyrun:timestamp"] = buf;
  // Flyway's built-ins; its timestamp is local time and the same for the whole run.
  static const std::string run_started = [] {
    std::time_t t = std::time(nullptr);
    std::tm local{};
    localtime_r(&t, &local);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
    return std::string(text);
  }();
  const std::string flyway = "flyway" + config.placeholder_separator;
  p[flyway + "defaultSchema"] = !config.schema.empty()    ? config.schema
                                : !config.schemas.empty() ? config.schemas.front()
                                                          : current_schema;
  p[flyway + "user"] = user;
  p[flyway + "database"] = database;
  p[flyway + "timestamp"] = run_started;
  p[flyway + "filename"] = filename;
  std::error_code ec;
  p[flyway + "workingDirectory"] = !config.working_directory.empty()
                                       ? config.working_directory
                                       : std::filesystem::current_path(ec).string();
  p[flyway + "table"] = config.table;
  p[flyway + "environment"] = config.env_name.empty() ? "default" : config.env_name;
  return p;
}

namespace {

bool IsUtf8(const std::string& encoding) {
  std::string s;
  for (char c : encoding)
    if (c != '-' && c != '_') s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s == "utf8";
}

}  // namespace

SplitOptions SplitOptionsFor(const Config& config, Dialect dialect) {
  SplitOptions o;
  o.dialect = dialect;
  o.replace_placeholders = config.placeholder_replacement;
  // Flyway projects (and custom delimiters, which only Flyway's way knows) replace
  // over the whole text before splitting, and read scripts in their encoding.
  o.replace_everywhere =
      config.flyway || config.placeholder_prefix != "${" || config.placeholder_suffix != "}";
  o.placeholder_prefix = config.placeholder_prefix;
  o.placeholder_suffix = config.placeholder_suffix;
  if (config.flyway || !IsUtf8(config.encoding)) o.encoding = config.encoding;
  return o;
}

SplitOptions SplitOptionsFor(const Config& config, const Driver& driver) {
  SplitOptions o = SplitOptionsFor(config, driver.dialect());
  o.session = driver.session_lexing();
  return o;
}

void ApplyScriptSettings(SplitOptions& options, const ResolvedMigration& m) {
  if (m.encoding) options.encoding = *m.encoding;
  if (m.placeholder_replacement) options.replace_placeholders = *m.placeholder_replacement;
}

ReconcileOptions ReconcileOptionsFor(const Config& config) {
  ReconcileOptions o;
  o.out_of_order = config.out_of_order;
  // The default, *:future, is flyrun's own rule, so the patterns always apply.
  o.ignore_patterns.clear();
  for (const std::string& text : config.ignore_migration_patterns) {
    if (text.empty()) continue;
    auto pattern = ParseIgnorePattern(text);
    if (!pattern) {
      throw UsageError("ignore_migration_patterns: '" + text + "' is not a pattern",
                       "write type:state with type versioned, repeatable or *, and state "
                       "missing, pending, ignored, future or * (e.g. *:future, "
                       "repeatable:missing)");
    }
    o.ignore_patterns.push_back(*pattern);
  }
  std::string target = config.target;
  if (target == "current") {
    o.target_current = true;
  } else if (target == "next") {
    o.target_next = true;
  } else if (!target.empty() && target != "latest") {
    if (target.back() == '?') {
      o.target_must_exist = false;
      target.pop_back();
    }
    o.target = Version::parse(target);
    if (!o.target) {
      throw UsageError("target: '" + config.target + "' is not a version",
                       "use a version such as 3 or 1.2 (2.5? when it need not exist), latest, "
                       "current or next");
    }
  }
  return o;
}

void RefuseMissingTarget(const Plan& plan, const ReconcileOptions& options) {
  if (!options.target || !options.target_must_exist) return;
  const Version& target = *options.target;
  // 0 is the empty schema (`undo --target 0` reverts everything).
  if (target == Version()) return;
  if (std::binary_search(plan.versions.begin(), plan.versions.end(), target)) return;
  std::string below, above;
  for (const Version& v : plan.versions) {
    if (v < target) below = v.str();
    if (target < v && above.empty()) above = v.str();
  }
  std::string around = below.empty() && above.empty() ? "there are no versioned migrations"
                       : below.empty()                ? "the lowest version is " + above
                       : above.empty()                ? "the highest version is " + below
                                       : "the nearest versions are " + below + " and " + above;
  throw UsageError(
      "target: no migration has the target version " + target.str() + " (" + around + ")",
      "name an existing version, or write the target as " + target.str() +
          "? to go up to the highest version not above it");
}

}  // namespace flyrun
