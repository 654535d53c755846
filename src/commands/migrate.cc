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
  UseHistoryFormat(loaded, ctx, *driver);
  auto history = driver->ReadHistory();
  MaybeBaseline(*driver, config, history);
  if (config.baseline_on_migrate && history.empty()) history = driver->ReadHistory();
  Plan plan = Reconcile(loaded.migrations, history, ropts);
  RefuseUnusableHistory(ctx, plan);
  RefuseMissingTarget(plan, ropts);

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
    RefuseWith(ctx, plan.issues,
               Error(ExitCode::kValidation,
                     "validation failed: " + std::to_string(plan.issues.size()) + " problem(s)",
                     "fix them, or see `flyrun validate` and `flyrun repair`"));
  }
  PreflightOrRefuse(ctx, *driver, plan.pending, loaded.migrations, true);
  // A first migrate over objects flyrun did not create: when the migrations
  // were applied before (by hand, by another tool), baseline is what is
  // wanted. Said up front, and with the failure this usually ends in.
  bool predates = history.empty() && !plan.pending.empty() && !driver->SchemaIsEmpty();
  const std::string baseline_hint =
      "the schema already held objects but no history: if these migrations were applied before "
      "(by hand or by another tool), record that with `flyrun baseline` (baseline_version = the "
      "version the schema is at) or set baseline_on_migrate, instead of applying them again";
  if (predates) spdlog::warn("{}", baseline_hint);

  std::string initial = plan.current ? plan.current->str() : "";
  nlohmann::json applied = nlohmann::json::array();
  std::vector<std::pair<nlohmann::json, const ResolvedMigration*>> group_applied;
  std::vector<const ResolvedMigration*> done;  // applied (or, dry, printed) so far
  bool text = ctx.output == OutputFormat::kText;
  SessionInfo session = SessionInfo::Of(*driver);
  // The version the schema is at after `done`.
  auto now_at = [&] {
    std::string at = initial;
    for (const ResolvedMigration* m : done)
      if (m->version && (at.empty() || *Version::parse(at) < *m->version)) at = m->version->str();
    return at;
  };
  // The JSON result (SPEC 7b); on failure its fields join the error document,
  // so that it says what this run committed before the failure.
  auto result = [&] {
    std::string at = now_at();
    nlohmann::json j = {
        {"command", "migrate"},
        {"database", RedactUrl(config.url)},
        {"dry_run", ctx.dry_run},
        {"initial_schema_version", initial.empty() ? nullptr : nlohmann::json(initial)},
        {"target_schema_version", at.empty() ? nullptr : nlohmann::json(at)},
        {"migrations_executed", ctx.dry_run ? 0 : applied.size()},
        {"migrations", applied}};
    if (ctx.dry_run) j["migrations_would_apply"] = applied.size();
    return j;
  };
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
      nlohmann::json entry = {{"version", m->version ? m->version->str() : ""},
                              {"description", m->description},
                              {"type", "SQL"},
                              {"script", m->script}};
      if (!ctx.dry_run) entry["execution_time"] = ms;
      // In a group nothing is committed before the group is.
      if (!in_group) {
        applied.push_back(entry);
        done.push_back(m);
      } else {
        group_applied.push_back({entry, m});
      }
      if (text && !ctx.dry_run) *ctx.out << "Applied " << Label(*m) << " in " << ms << " ms\n";
    }
    if (group) {
      group->Commit();
      for (auto& [entry, m] : group_applied) {
        applied.push_back(entry);
        done.push_back(m);
      }
    }
    RunCallbacks(*driver, ctx, session, loaded, "afterMigrate");
  } catch (const Error& caught) {
    ctx.partial_result = result();
    ctx.partial_result.erase("command");
    Error e = caught;
    // What this run committed before the failure stays whatever happens next.
    if (!done.empty() && !ctx.dry_run) {
      std::string versions;
      for (const ResolvedMigration* m : done)
        versions += (versions.empty() ? "" : ", ") +
                    (m->version ? "version " + m->version->str() : "'" + m->description + "'");
      e.detail += (e.detail.empty() ? "" : "\n") +
                  std::string("applied before it in this run and committed: ") + versions;
    }
    if (predates && e.code() == ExitCode::kMigrationFailed)
      e.set_hint(e.hint().empty() ? baseline_hint : e.hint() + "; or: " + baseline_hint);
    if (e.code() == ExitCode::kMigrationFailed) {
      try {
        RunCallbacks(*driver, ctx, session, loaded, "afterMigrateError");
      } catch (const Error& callback_error) {
        spdlog::error("afterMigrateError callback failed: {}", callback_error.what());
      }
    }
    throw e;
  }

  if (ctx.output == OutputFormat::kJson) {
    nlohmann::json j = result();
    j["success"] = true;
    if (ctx.dry_run) j["sql"] = change.captured_sql();
    *ctx.out << j.dump(2) << '\n';
  } else if (ctx.dry_run) {
    *ctx.out << "-- dry run: " << plan.pending.size()
             << " migration(s) would be applied; nothing was changed\n";
  } else if (plan.pending.empty()) {
    std::string at = now_at();
    *ctx.out << "Schema is up to date" << (at.empty() ? "" : " at version " + at)
             << ": no migration to apply\n";
  } else {
    *ctx.out << "Successfully applied " << plan.pending.size() << " migration"
             << (plan.pending.size() == 1 ? "" : "s")
             << (now_at().empty() ? "" : ", now at version " + now_at()) << '\n';
  }
  return ExitCode::kSuccess;
}

}  // namespace flyrun
