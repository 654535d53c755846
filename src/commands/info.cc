#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "commands/commands.h"
#include "commands/output.h"
#include "config/secrets.h"

namespace flyrun {

ExitCode RunInfo(const CommandContext& ctx) {
  const Config& config = ctx.config;
  RequireUrl(config);
  LoadedMigrations loaded = LoadMigrations(ctx);
  for (const auto& i : loaded.issues) spdlog::warn("{}: {}", i.file, i.message);
  auto driver = Connect(ctx, /*read_only=*/true);
  UseHistoryFormat(loaded, ctx, *driver);
  Plan plan = Reconcile(loaded.migrations, driver->ReadHistory(), ReconcileOptionsFor(config));
  // Who migrates right now, if anyone: the lease's holder and since when, or
  // the session holding the native lock.
  std::string lock_holder = driver->LockHolder();

  if (ctx.output == OutputFormat::kJson) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& r : plan.rows) {
      rows.push_back(
          {{"category", r.category},
           {"version", r.version},
           {"description", r.description},
           {"type", r.type},
           {"script", r.script},
           {"state", StateName(r.state)},
           {"installed_on", r.installed_on.empty() ? nullptr : nlohmann::json(r.installed_on)},
           {"execution_time", r.execution_time ? nlohmann::json(*r.execution_time) : nullptr},
           {"installed_rank", r.installed_rank ? nlohmann::json(*r.installed_rank) : nullptr}});
    }
    nlohmann::json j = {
        {"command", "info"},
        {"success", true},
        {"database", RedactUrl(config.url)},
        {"schema_version", plan.current ? nlohmann::json(plan.current->str()) : nullptr},
        {"lock_holder", lock_holder.empty() ? nullptr : nlohmann::json(lock_holder)},
        {"migrations", rows}};
    *ctx.out << j.dump(2) << '\n';
    return ExitCode::kSuccess;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : plan.rows) {
    rows.push_back({r.category, r.version, r.description, r.type, r.installed_on,
                    std::string(StateName(r.state)),
                    r.execution_time ? std::to_string(*r.execution_time) + " ms" : ""});
  }
  *ctx.out << "Schema version: " << (plan.current ? plan.current->str() : "<< empty >>") << "\n";
  if (!lock_holder.empty()) *ctx.out << "Migration lock: " << lock_holder << "\n";
  *ctx.out << "\n";
  if (rows.empty()) {
    *ctx.out << "No migrations found in " << config.locations.size() << " location(s)\n";
  } else {
    PrintTable(*ctx.out,
               {"Category", "Version", "Description", "Type", "Installed On", "State", "Time"},
               rows);
  }
  return ExitCode::kSuccess;
}

}  // namespace flyrun
