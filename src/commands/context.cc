#include "commands/context.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>

#include "checksum/checksum.h"
#include "checksum/flyway_checksum.h"
#include "commands/output.h"
#include "core/error.h"
#include "driver/factory.h"
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

std::string ReadWhole(const ResolvedMigration& m) {
  std::ifstream in(m.path, std::ios::binary);
  if (!in) throw UsageError("cannot read " + m.path.string(), "check that the file is readable");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool EqualsIgnoringCase(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
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
  o.placeholder_replacement = config.placeholder_replacement;
  o.placeholders = config.placeholders;
  o.placeholder_prefix = config.placeholder_prefix;
  o.placeholder_suffix = config.placeholder_suffix;
  return o;
}

// Interim replacement: `prefix name suffix` with the value of `name` (matched
// case-insensitively, flyrun's built-ins also under flyway:); anything else is
// left as it is. Flyway's own rules replace this function's body.
std::string ReplacedText(const std::string& text, const Config& config,
                         const std::map<std::string, std::string>& placeholders) {
  const std::string& prefix = config.placeholder_prefix;
  const std::string& suffix = config.placeholder_suffix;
  if (prefix.empty() || suffix.empty()) return text;
  std::string out;
  size_t at = 0;
  for (;;) {
    size_t start = text.find(prefix, at);
    size_t end = start == std::string::npos ? start : text.find(suffix, start + prefix.size());
    if (end == std::string::npos) break;
    std::string name = text.substr(start + prefix.size(), end - start - prefix.size());
    const std::string* value = nullptr;
    for (const auto& [k, v] : placeholders) {
      if (EqualsIgnoringCase(k, name) ||
          (k.rfind("flyrun:", 0) == 0 && EqualsIgnoringCase("flyway:" + k.substr(7), name)))
        value = &v;
    }
    out.append(text, at, start - at);
    if (value) {
      out += *value;
      at = end + suffix.size();
    } else {
      out += prefix;
      at = start + prefix.size();
    }
  }
  return out + text.substr(at);
}

HistoryFormat ConfiguredHistoryFormat(const Config& config) {
  return ChooseHistoryFormat(config.flyway, std::nullopt);
}

std::string ChecksumOf(const ResolvedMigration& m, const Config& config, HistoryFormat format,
                       const std::string& user, const std::string& database) {
  bool repeatable = m.kind == MigrationKind::kRepeatable;
  if (format == HistoryFormat::kFlyrun)
    return FileChecksum(m.path, repeatable ? PlaceholderFingerprint(config) : std::string());
  const std::string& encoding = m.encoding ? *m.encoding : config.encoding;
  bool replace = m.placeholder_replacement.value_or(config.placeholder_replacement);
  if (!repeatable || !replace) return std::to_string(FlywayFileChecksum(m.path, encoding));
  std::string text = DecodeToUtf8(ReadWhole(m), encoding, m.path.string());
  text = ReplacedText(text, config, PlaceholdersFor(config, user, database, m.script));
  return std::to_string(FlywayChecksumOfText(text));
}

LoadedMigrations LoadMigrations(const Config& config) {
  ScanResult scan = ScanLocations(ScanOptionsFor(config));
  LoadedMigrations loaded{std::move(scan.migrations), std::move(scan.issues),
                          ConfiguredHistoryFormat(config)};
  for (auto& m : loaded.migrations) m.checksum = ChecksumOf(m, config, loaded.format);
  return loaded;
}

void UseHistoryFormat(LoadedMigrations& loaded, const Config& config, Driver& driver) {
  HistoryFormat format = driver.history_format();
  bool changed = format != loaded.format;
  if (!changed && format == HistoryFormat::kFlyrun) return;
  std::string user = driver.CurrentUser(), database = driver.DatabaseName();
  for (auto& m : loaded.migrations) {
    if (changed || m.kind == MigrationKind::kRepeatable)
      m.checksum = ChecksumOf(m, config, format, user, database);
  }
  loaded.format = format;
}

LoadedMigrations LoadMigrationsOrRefuse(const CommandContext& ctx) {
  LoadedMigrations loaded = LoadMigrations(ctx.config);
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
  return o;
}

std::unique_ptr<Driver> Connect(const Config& config, bool read_only) {
  RequireUrl(config);
  ConnectionOptions options = ConnectionOptionsFor(config);
  options.create_database = !read_only;
  return OpenDriver(options, config.connect_deadline);
}

std::unique_ptr<Driver> Connect(const CommandContext& ctx, bool read_only) {
  if (ctx.open_driver) return ctx.open_driver(ctx.config);
  return Connect(ctx.config, read_only);
}

std::map<std::string, std::string> PlaceholdersFor(const Config& config, const std::string& user,
                                                   const std::string& database,
                                                   const std::string& script) {
  auto p = config.placeholders;
  p["flyrun:user"] = user;
  p["flyrun:database"] = database;
  p["flyrun:filename"] = script.substr(script.find_last_of('/') + 1);
  p["flyrun:table"] = config.table;
  std::time_t now = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", std::gmtime(&now));
  p["flyrun:timestamp"] = buf;
  return p;
}

SplitOptions SplitOptionsFor(const Config& config, Dialect dialect) {
  SplitOptions o;
  o.dialect = dialect;
  o.replace_placeholders = config.placeholder_replacement;
  return o;
}

SplitOptions SplitOptionsFor(const Config& config, const Driver& driver) {
  SplitOptions o = SplitOptionsFor(config, driver.dialect());
  o.session = driver.session_lexing();
  return o;
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
