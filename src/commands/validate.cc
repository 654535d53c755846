#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "commands/commands.h"
#include "commands/output.h"
#include "core/error.h"
#include "driver/factory.h"

namespace flyrun {
namespace {

Dialect OfflineDialect(const CommandContext& ctx) {
  if (!ctx.config.url.empty()) return DialectOfUrl(ctx.config.url);
  if (ctx.dialect.empty()) return Dialect::kSqlite;
  if (ctx.dialect == "postgresql" || ctx.dialect == "postgres") return Dialect::kPostgres;
  if (ctx.dialect == "mysql" || ctx.dialect == "mariadb") return Dialect::kMysql;
  if (ctx.dialect == "sqlite") return Dialect::kSqlite;
  throw UsageError("--dialect: '" + ctx.dialect + "' is not a dialect",
                   "use postgresql, mysql or sqlite");
}

/// Runs the splitter over every script: unterminated constructs and unknown
/// placeholders are found without a database.
void CheckScripts(const CommandContext& ctx, Dialect dialect,
                  const std::vector<ResolvedMigration>& migrations, Issues& issues) {
  for (const auto& m : migrations) {
    SplitOptions opts = SplitOptionsFor(ctx.config, dialect);
    opts.placeholders = PlaceholdersFor(ctx.config, "user", "database", m.script);
    opts.issues = &issues;
    try {
      auto source = StatementSource::Open(m.path.string(), opts);
      Statement st;
      while (source->Next(st)) {
      }
    } catch (const Error& e) {
      issues.push_back({"syntax", e.file.empty() ? m.path.string() : e.file, e.line, e.column,
                        e.what(), e.hint()});
    }
  }
}

}  // namespace

ExitCode RunValidate(const CommandContext& ctx) {
  const Config& config = ctx.config;
  bool offline = ctx.offline || config.url.empty();
  LoadedMigrations loaded = LoadMigrations(config);
  Issues issues = loaded.issues;
  if (config.url.empty() && ctx.dialect.empty())
    spdlog::debug("no URL: splitting with standard SQL rules (pass --dialect to choose)");
  CheckScripts(ctx, OfflineDialect(ctx), loaded.migrations, issues);
  if (!offline) {
    auto driver = Connect(config);
    Plan plan = Reconcile(loaded.migrations, driver->ReadHistory(), ReconcileOptionsFor(config));
    issues.insert(issues.end(), plan.issues.begin(), plan.issues.end());
  }

  if (ctx.output == OutputFormat::kJson) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& i : issues) list.push_back(IssueJson(i));
    nlohmann::json j = {{"command", "validate"},
                        {"success", issues.empty()},
                        {"offline", offline},
                        {"migrations", loaded.migrations.size()},
                        {"issues", list}};
    *ctx.out << j.dump(2) << '\n';
  } else {
    PrintIssues(ctx, issues);
    if (ctx.output == OutputFormat::kText) {
      if (issues.empty()) {
        *ctx.out << "Validated " << loaded.migrations.size() << " migration file"
                 << (loaded.migrations.size() == 1 ? "" : "s") << (offline ? " (offline)" : "")
                 << ": no problems\n";
      } else {
        *ctx.out << issues.size() << " problem" << (issues.size() == 1 ? "" : "s") << " found\n";
      }
    }
  }
  return issues.empty() ? ExitCode::kSuccess : ExitCode::kValidation;
}

}  // namespace flyrun
