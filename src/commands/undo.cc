#include <spdlog/spdlog.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands/change_session.h"
#include "commands/commands.h"
#include "commands/executor.h"
#include "commands/output.h"
#include "commands/preflight.h"

namespace flyrun {

ExitCode RunUndo(const CommandContext& ctx) {
  const Config& config = ctx.config;
  RequireUrl(config);
  LoadedMigrations loaded = LoadMigrationsOrRefuse(ctx);
  // current, latest and next all mean the latest applied migration (as in Flyway).
  ReconcileOptions options = ReconcileOptionsFor(config);
  std::optional<Version> target = options.target;

  ChangeSession change(ctx);
  Driver* driver = &change.driver();
  driver->EnsureHistoryTable();
  UseHistoryFormat(loaded, ctx, *driver);
  Plan plan = Reconcile(loaded.migrations, driver->ReadHistory(), {});
  RefuseUnusableHistory(ctx, plan);
  RefuseMissingTarget(plan, options);
  if (!plan.failed.empty()) {
    throw Error(ExitCode::kMigrationFailed, "a failed migration is recorded; refusing to undo",
                "clean up by hand, then run `flyrun repair`");
  }

  // Applied versions, most recently applied first: after an out-of-order
  // migration the latest one is not the highest version, and undo goes back
  // through the history in the order it was written.
  std::vector<const InfoRow*> applied;
  for (const auto& r : plan.rows) {
    if (r.category == "Versioned" && r.installed_rank &&
        (r.state == MigrationState::kSuccess || r.state == MigrationState::kOutOfOrder))
      applied.push_back(&r);
  }
  std::sort(applied.begin(), applied.end(), [](const InfoRow* a, const InfoRow* b) {
    return *b->installed_rank < *a->installed_rank;
  });
  // Without --target only the latest; with it every version above the target.
  std::vector<const InfoRow*> chosen;
  for (const InfoRow* r : applied) {
    if (target ? *target < *Version::parse(r->version) : chosen.empty()) chosen.push_back(r);
  }

  std::map<std::string, const ResolvedMigration*> undo_files;
  for (const auto& m : loaded.migrations)
    if (m.kind == MigrationKind::kUndo) undo_files[m.version->str()] = &m;
  std::vector<const ResolvedMigration*> scripts;
  for (const InfoRow* r : chosen) {
    auto it = undo_files.find(r->version);
    if (it == undo_files.end()) {
      throw Error(ExitCode::kValidation,
                  "version " + r->version + " (" + r->script + ") has no undo file",
                  "write U" + r->version + "__" + r->script.substr(r->script.find("__") + 2) +
                      " beside it, or revert by hand in a new versioned migration");
    }
    scripts.push_back(it->second);
  }

  PreflightOrRefuse(ctx, *driver, scripts, loaded.migrations, false);
  nlohmann::json undone = nlohmann::json::array();
  SessionInfo session = SessionInfo::Of(*driver);
  for (const ResolvedMigration* u : scripts) {
    if (ctx.dry_run && ctx.output == OutputFormat::kText)
      *ctx.out << "-- undo version " << u->version->str() << " (" << u->script << ")\n";
    int ms = RunScript(*driver, ctx, session, {u, "UNDO_SQL", true});
    undone.push_back({{"version", u->version->str()},
                      {"description", u->description},
                      {"script", u->script},
                      {"execution_time", ms}});
    if (!ctx.dry_run && ctx.output == OutputFormat::kText)
      *ctx.out << "Undid version " << u->version->str() << " (" << u->description << ") in " << ms
               << " ms\n";
  }
  if (ctx.output == OutputFormat::kJson) {
    nlohmann::json j = {{"command", "undo"},
                        {"success", true},
                        {"dry_run", ctx.dry_run},
                        {"migrations_undone", undone.size()},
                        {"migrations", undone}};
    if (ctx.dry_run) j["sql"] = change.captured_sql();
    *ctx.out << j.dump(2) << '\n';
  } else if (scripts.empty()) {
    *ctx.out << "Nothing to undo\n";
  } else if (ctx.dry_run) {
    *ctx.out << "-- dry run: " << scripts.size() << " undo script(s) shown; nothing was changed\n";
  } else {
    *ctx.out << "Undid " << scripts.size() << " migration" << (scripts.size() == 1 ? "" : "s")
             << '\n';
  }
  return ExitCode::kSuccess;
}

}  // namespace flyrun
