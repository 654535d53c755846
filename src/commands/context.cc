#include "commands/context.h"

#include <chrono>
#include <ctime>
#include <sstream>

#include "checksum/checksum.h"
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

}  // namespace

LoadedMigrations LoadMigrations(const Config& config) {
  ScanResult scan = ScanLocations(config.locations);
  LoadedMigrations loaded{std::move(scan.migrations), std::move(scan.issues)};
  std::string fingerprint = PlaceholderFingerprint(config);
  for (auto& m : loaded.migrations) {
    m.checksum =
        FileChecksum(m.path, m.kind == MigrationKind::kRepeatable ? fingerprint : std::string());
  }
  return loaded;
}

LoadedMigrations LoadMigrationsOrRefuse(const CommandContext& ctx) {
  LoadedMigrations loaded = LoadMigrations(ctx.config);
  if (!loaded.issues.empty()) {
    PrintIssues(ctx, loaded.issues);
    throw Error(ExitCode::kValidation,
                std::to_string(loaded.issues.size()) + " problem(s) with the migration files",
                "fix the files named above; `flyrun validate` lists them too");
  }
  return loaded;
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
  if (!config.init_sql.empty()) o.init_sql = SplitInitSql(config);
  o.connect_retries = config.connect_retries;
  o.connect_retry_interval = config.connect_retry_interval;
  o.connect_timeout = config.connect_timeout;
  return o;
}

std::unique_ptr<Driver> Connect(const Config& config) {
  RequireUrl(config);
  return OpenDriver(ConnectionOptionsFor(config), config.connect_deadline);
}

std::unique_ptr<Driver> Connect(const CommandContext& ctx) {
  if (ctx.open_driver) return ctx.open_driver(ctx.config);
  return Connect(ctx.config);
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
  if (!config.target.empty() && config.target != "latest") {
    o.target = Version::parse(config.target);
    if (!o.target) {
      throw UsageError("target: '" + config.target + "' is not a version",
                       "use a version such as 3 or 1.2, or 'latest'");
    }
  }
  return o;
}

}  // namespace flyrun
