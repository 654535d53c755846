#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "commands/commands.h"
#include "commands/output.h"
#include "commands/script_checks.h"
#include "commands/validate_checks.h"
#include "core/dialect_names.h"
#include "core/error.h"
#include "driver/factory.h"

namespace flyrun {
namespace {

/// The rules the scripts are split with: the URL's dialect when a URL is set
/// (a dialect setting that contradicts it is an error), else the dialect
/// setting, else SQLite's rules, said once.
Dialect ScriptDialect(const Config& config) {
  if (!config.url.empty()) {
    Dialect of_url = DialectOfUrl(config.url);
    if (config.dialect && *config.dialect != of_url) {
      throw UsageError(std::string("the dialect setting (") + DialectName(*config.dialect) +
                           ") contradicts the URL, which is " + DialectName(of_url),
                       "with a URL, validate uses the URL's dialect: make the dialect setting "
                       "match or remove it (--dialect, FLYRUN_DIALECT, dialect: in flyrun.yaml)");
    }
    return of_url;
  }
  if (config.dialect) return *config.dialect;
  spdlog::warn(
      "no URL and no dialect configured: the scripts are checked with SQLite's rules, which "
      "may misread PostgreSQL or MySQL syntax; set the dialect with --dialect, FLYRUN_DIALECT "
      "or dialect: in flyrun.yaml (postgresql, mysql or sqlite)");
  return Dialect::kSqlite;
}

/// Runs the splitter over every script: unterminated constructs, unknown
/// placeholders, NUL bytes and statements that cannot run in the script's
/// transaction are found without a database.
void CheckScripts(const CommandContext& ctx, const SplitOptions& base,
                  const std::vector<ResolvedMigration>& migrations, Issues& issues) {
  for (const auto& m : migrations) {
    if (!m.unsupported.empty()) continue;  // not SQL: reconcile names it when pending
    SplitOptions opts = base;
    opts.placeholders = PlaceholdersFor(ctx.config, "user", "database", m.script, "schema");
    ApplyScriptSettings(opts, m);
    CheckScript(m, std::move(opts), issues, TransactionRules::Of(ctx.config));
  }
}

void PrintText(const CommandContext& ctx, const Issues& issues, size_t migrations, bool offline,
               const std::optional<BaseInfo>& base) {
  PrintIssues(ctx, issues);
  std::ostream& out = *ctx.out;
  size_t warnings = 0;
  for (const Issue& i : issues) warnings += i.severity == Severity::kWarning;
  size_t errors = issues.size() - warnings;
  auto count = [](size_t n, const char* what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
  };
  if (errors == 0) {
    out << "Validated " << migrations << " migration file" << (migrations == 1 ? "" : "s")
        << (offline ? " (offline)" : "");
    if (base) out << " against " << base->ref;
    out << ": " << (warnings == 0 ? "no problems" : "no errors, " + count(warnings, "warning"))
        << "\n";
  } else {
    out << count(errors, "problem") << " found"
        << (warnings == 0 ? "" : " (and " + count(warnings, "warning") + ")") << "\n";
  }
}

}  // namespace

void CheckUndoCoverage(const std::vector<ResolvedMigration>& migrations, Issues& issues) {
  std::vector<const Version*> undone;
  for (const auto& m : migrations) {
    if (m.kind == MigrationKind::kUndo) undone.push_back(&*m.version);
  }
  auto less = [](const Version* a, const Version* b) { return *a < *b; };
  std::sort(undone.begin(), undone.end(), less);
  for (const auto& m : migrations) {
    if (m.kind != MigrationKind::kVersioned || !m.unsupported.empty()) continue;
    if (std::binary_search(undone.begin(), undone.end(), &*m.version, less)) continue;
    std::string name = m.script.substr(m.script.find_last_of('/') + 1);
    std::string dir = m.path.parent_path().string();
    issues.push_back({"missing-undo", m.path.string(), 0, 0,
                      m.path.string() + " has no undo file, and undo_required is set",
                      "add " + (dir.empty() ? std::string() : dir + "/") + "U" + name.substr(1) +
                          " reverting it (flyrun new creates both files)"});
  }
}

ExitCode RunValidate(const CommandContext& ctx) {
  const Config& config = ctx.config;
  bool offline = ctx.offline || config.url.empty();
  LoadedMigrations loaded = LoadMigrations(ctx);
  Issues issues = loaded.issues;
  Dialect dialect = ScriptDialect(config);
  // With a database the scripts are lexed as its session will read them
  // (server version, standard_conforming_strings, sql_mode).
  std::unique_ptr<Driver> driver;
  if (!offline) {
    driver = Connect(ctx);
    UseHistoryFormat(loaded, ctx, *driver);
  }
  CheckScripts(ctx, driver ? SplitOptionsFor(config, *driver) : SplitOptionsFor(config, dialect),
               loaded.migrations, issues);
  if (config.undo_required) CheckUndoCoverage(loaded.migrations, issues);
  std::optional<BaseInfo> base;
  if (!ctx.base.empty()) {
    // The files at the base are compared by flyrun's checksum, whatever the
    // history's format.
    std::vector<ResolvedMigration> here = loaded.migrations;
    if (loaded.format != HistoryFormat::kFlyrun)  // offline, or Flyway's checksums
      for (auto& m : here) m.checksum = ChecksumOf(m, config, HistoryFormat::kFlyrun);
    base = CheckAgainstBase(ctx, here, issues);
  }
  if (driver) {
    Plan plan = Reconcile(loaded.migrations, driver->ReadHistory(), ReconcileOptionsFor(config));
    issues.insert(issues.end(), plan.issues.begin(), plan.issues.end());
  }

  switch (ctx.output) {
    case OutputFormat::kJson: {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& i : issues) list.push_back(IssueJson(i));
      nlohmann::json j = {{"command", "validate"},
                          {"success", !HasErrors(issues)},
                          {"offline", offline},
                          {"migrations", loaded.migrations.size()},
                          {"issues", list}};
      if (base) {
        j["base"] = {{"ref", base->ref},
                     {"commit", base->commit},
                     {"merge_base", base->merge_base.empty() ? nlohmann::json(nullptr)
                                                             : nlohmann::json(base->merge_base)},
                     {"migrations", base->migrations}};
      }
      *ctx.out << j.dump(2) << '\n';
      break;
    }
    case OutputFormat::kSarif:
      *ctx.out << SarifLog(issues, base).dump(2) << '\n';
      break;
    case OutputFormat::kGithub:
      PrintIssues(ctx, issues);
      break;
    case OutputFormat::kText:
      PrintText(ctx, issues, loaded.migrations.size(), offline, base);
      break;
  }
  return HasErrors(issues) ? ExitCode::kValidation : ExitCode::kSuccess;
}

}  // namespace flyrun
