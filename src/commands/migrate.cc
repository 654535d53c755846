#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "commands/change_session.h"
#include "commands/commands.h"
#include "commands/executor.h"
#include "commands/output.h"
#include "commands/preflight.h"
#include "config/secrets.h"

namespace flyrun {
namespace {

std::string Label(const ResolvedMigration& m) {
  return m.version ? "version " + m.version->str() + " (" + m.description + ")"
                   : "repeatable '" + m.description + "'";
}

/// Records baseline_version when the history is empty and the schema is not
/// (baseline_on_migrate).
void MaybeBaseline(Driver& driver, const Config& config,
                   const std::vector<AppliedMigration>& history) {
  if (!config.baseline_on_migrate || !history.empty() || driver.SchemaIsEmpty()) return;
  RecordBaseline(driver, config);
  spdlog::info("baselined the non-empty schema at version {}", config.baseline_version);
}

/// Runs the callback scripts of `event` (beforeMigrate, afterEachMigrate...)
/// without a history row: each in its own transaction, or inside the group's
/// transaction when `in_group` (a callback must not commit the group).
void RunCallbacks(Driver& driver, const CommandContext& ctx, const SessionInfo& session,
                  const LoadedMigrations& loaded, const std::string& event, bool in_group = false) {
  for (const auto& m : loaded.migrations) {
    if (m.kind != MigrationKind::kCallback || m.event != event) continue;
    spdlog::debug("callback {}", m.script);
    RunScript(driver, ctx, session, {&m, "SQL", false, in_group});
  }
}

}  // namespace

ExitCode RunMigrate(const CommandContext& ctx) {
  const Config& config = ctx.config;
  RequireUrl(config);
  LoadedMigrations loaded = LoadMigrationsOrRefuse(ctx);
  ReconcileOptions ropts = ReconcileOptionsFor(config);

  ChangeSession change(ctx);
  Driver* driver = &change.driver();
  if (config.group && !driver->transactional_ddl()) {
    throw UsageError(
        "group: true cannot be kept on MySQL/MariaDB: the server commits every DDL statement "
        "on its own, so the group's transaction would be committed piecemeal and a failure "
        "would leave some migrations applied without their history rows",
        "set group: false (each migration then runs and is recorded on its own)");
  }
  driver->EnsureHistoryTable();
  auto history = driver->ReadHistory();
  MaybeBaseline(*driver, config, history);
  if (config.baseline_on_migrate && history.empty()) history = driver->ReadHistory();
  Plan plan = Reconcile(loaded.migrations, history, ropts);

  if (!plan.failed.empty()) {
    const auto& f = plan.failed.front();
    throw Error(ExitCode::kMigrationFailed,
                "migration " + (f.version ? *f.version : f.description) + " (" + f.script +
                    ") failed earlier and is recorded as failed ('" + f.description +
                    "'); refusing to migrate",
                "either revert what it left behind by hand, fix the file and run `flyrun repair` "
                "then `flyrun migrate`, or finish it by hand and run `flyrun repair "
                "--mark-applied " +
                    (f.version ? *f.version : f.description) + "`");
  }
  if (config.validate_on_migrate && !plan.issues.empty()) {
    PrintIssues(ctx, plan.issues);
    throw Error(ExitCode::kValidation,
                "validation failed: " + std::to_string(plan.issues.size()) + " problem(s)",
                "fix them, or see `flyrun validate` and `flyrun repair`");
  }
  PreflightOrRefuse(ctx, *driver, plan.pending, loaded.migrations, true);

  std::string initial = plan.current ? plan.current->str() : "";
  nlohmann::json applied = nlohmann::json::array();
  bool text = ctx.output == OutputFormat::kText;
  SessionInfo session = SessionInfo::Of(*driver);
  try {
    RunCallbacks(*driver, ctx, session, loaded, "beforeMigrate");
    // group: every pending migration in one transaction, all or nothing.
    std::unique_ptr<Transaction> group;
    if (config.group && !plan.pending.empty()) group = std::make_unique<Transaction>(*driver);
    for (const ResolvedMigration* m : plan.pending) {
      spdlog::debug("migrating {}", Label(*m));
      if (ctx.dry_run && text) *ctx.out << "-- migrate " << Label(*m) << ": " << m->script << '\n';
      bool in_group = group != nullptr;
      RunCallbacks(*driver, ctx, session, loaded, "beforeEachMigrate", in_group);
      int ms = RunScript(*driver, ctx, session, {m, "SQL", true, in_group});
      RunCallbacks(*driver, ctx, session, loaded, "afterEachMigrate", in_group);
      applied.push_back({{"version", m->version ? m->version->str() : ""},
                         {"description", m->description},
                         {"type", "SQL"},
                         {"script", m->script},
                         {"execution_time", ms}});
      if (text && !ctx.dry_run) *ctx.out << "Applied " << Label(*m) << " in " << ms << " ms\n";
    }
    if (group) group->Commit();
    RunCallbacks(*driver, ctx, session, loaded, "afterMigrate");
  } catch (const Error& e) {
    if (e.code() == ExitCode::kMigrationFailed) {
      try {
        RunCallbacks(*driver, ctx, session, loaded, "afterMigrateError");
      } catch (const Error& callback_error) {
        spdlog::error("afterMigrateError callback failed: {}", callback_error.what());
      }
    }
    throw;
  }
  std::string now_at = initial;
  for (const ResolvedMigration* m : plan.pending)
    if (m->version && (now_at.empty() || *Version::parse(now_at) < *m->version))
      now_at = m->version->str();

  if (ctx.output == OutputFormat::kJson) {
    nlohmann::json j = {
        {"command", "migrate"},
        {"success", true},
        {"database", RedactUrl(config.url)},
        {"initial_schema_version", initial.empty() ? nullptr : nlohmann::json(initial)},
        {"target_schema_version", now_at.empty() ? nullptr : nlohmann::json(now_at)},
        {"migrations_executed", applied.size()},
        {"migrations", applied}};
    if (ctx.dry_run) j["sql"] = change.captured_sql();
    *ctx.out << j.dump(2) << '\n';
  } else if (ctx.dry_run) {
    *ctx.out << "-- dry run: " << plan.pending.size()
             << " migration(s) would be applied; nothing was changed\n";
  } else if (plan.pending.empty()) {
    *ctx.out << "Schema is up to date" << (now_at.empty() ? "" : " at version " + now_at)
             << ": no migration to apply\n";
  } else {
    *ctx.out << "Successfully applied " << plan.pending.size() << " migration"
             << (plan.pending.size() == 1 ? "" : "s")
             << (now_at.empty() ? "" : ", now at version " + now_at) << '\n';
  }
  return ExitCode::kSuccess;
}

}  // namespace flyrun
