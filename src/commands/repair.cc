#include <spdlog/spdlog.h>

#include <map>
#include <nlohmann/json.hpp>

#include "commands/change_session.h"
#include "commands/commands.h"
#include "commands/output.h"

namespace flyrun {

ExitCode RunRepair(const CommandContext& ctx) {
  const Config& config = ctx.config;
  LoadedMigrations loaded = LoadMigrations(config);
  if (!loaded.issues.empty()) {
    PrintIssues(ctx, loaded.issues);
    throw Error(ExitCode::kValidation, "fix the migration file problems before repair");
  }
  ChangeSession change(ctx);
  Driver* driver = &change.driver();
  driver->EnsureHistoryTable();
  auto history = driver->ReadHistory();

  std::map<std::string, const ResolvedMigration*> by_version, by_description;
  for (const auto& m : loaded.migrations) {
    if (m.kind == MigrationKind::kVersioned) by_version[m.version->str()] = &m;
    if (m.kind == MigrationKind::kRepeatable) by_description[m.description] = &m;
  }
  std::vector<std::string> changes;
  for (const auto& h : history) {
    if (!h.success) {
      driver->DeleteHistory(h.installed_rank);
      changes.push_back("removed failed row of " +
                        (h.version ? "version " + *h.version : "'" + h.description + "'") + " (" +
                        h.script + ")");
      continue;
    }
    if (h.type != "SQL") continue;
    const ResolvedMigration* m = nullptr;
    if (h.version) {
      auto v = Version::parse(*h.version);
      auto it = v ? by_version.find(v->str()) : by_version.end();
      if (it != by_version.end()) m = it->second;
    } else {
      continue;  // a repeatable whose file changed is simply re-applied
    }
    if (!m) continue;
    if (h.checksum != m->checksum || h.description != m->description) {
      driver->UpdateHistory(h.installed_rank, m->checksum, m->description, true);
      changes.push_back("realigned version " + *h.version + " (" + m->script + "): checksum " +
                        h.checksum.value_or("(none)") + " -> " + m->checksum +
                        (h.description != m->description
                             ? ", description '" + h.description + "' -> '" + m->description + "'"
                             : ""));
    }
  }
  if (ctx.output == OutputFormat::kJson) {
    *ctx.out
        << nlohmann::json({{"command", "repair"}, {"success", true}, {"changes", changes}}).dump(2)
        << '\n';
  } else {
    for (const auto& c : changes) *ctx.out << "Repair: " << c << '\n';
    *ctx.out << (changes.empty()
                     ? "Nothing to repair\n"
                     : "Repaired " + std::to_string(changes.size()) + " history row(s)\n");
  }
  return ExitCode::kSuccess;
}

}  // namespace flyrun
