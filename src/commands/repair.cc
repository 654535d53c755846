#include <spdlog/spdlog.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "commands/change_session.h"
#include "commands/commands.h"
#include "commands/output.h"

namespace flyrun {
namespace {

std::string Normalised(const std::optional<std::string>& version) {
  if (!version) return {};
  auto v = Version::parse(*version);
  return v ? v->str() : *version;
}

std::string Name(const AppliedMigration& h) {
  return (h.version ? "version " + Normalised(h.version) : "'" + h.description + "'") + " (" +
         h.script + ")";
}

/// "checksum a -> b, description 'x' -> 'y'": what differs between a row and its file.
std::string Differences(const AppliedMigration& h, const ResolvedMigration& m) {
  std::string out;
  if (h.checksum != m.checksum)
    out = "checksum " + h.checksum.value_or("(none)") + " -> " + m.checksum;
  if (h.description != FitColumn(m.description, kDescriptionWidth)) {
    out += (out.empty() ? "" : ", ") + std::string("description '") + h.description + "' -> '" +
           m.description + "'";
  }
  return out;
}

/// The failed row that `repair --mark-applied VERSION` turns into a success, and
/// the file whose checksum it records.
struct MarkApplied {
  const AppliedMigration* row = nullptr;
  const ResolvedMigration* file = nullptr;
};

/// Checks `--mark-applied` before anything changes, so that a refusal leaves
/// the history as it was.
MarkApplied FindMarkApplied(const std::string& requested,
                            const std::vector<AppliedMigration>& history,
                            const std::vector<ResolvedMigration>& migrations) {
  auto v = Version::parse(requested);
  if (!v) {
    throw UsageError("--mark-applied: '" + requested + "' is not a version",
                     "give the version of the failed migration, such as 2 or 1.3");
  }
  MarkApplied mark;
  for (const auto& h : history)
    if (h.version && Normalised(h.version) == v->str()) mark.row = &h;
  if (!mark.row || mark.row->success) {
    throw Error(ExitCode::kValidation,
                "--mark-applied " + v->str() + ": version " + v->str() +
                    " has no failed history row to mark as applied",
                mark.row ? "its latest history row (" + mark.row->script +
                               ") already succeeded; see `flyrun info`"
                         : "the history table has no row for it; see `flyrun info`");
  }
  // A failed undo finished by hand is recorded against its U file.
  MigrationKind kind =
      mark.row->type == "UNDO_SQL" ? MigrationKind::kUndo : MigrationKind::kVersioned;
  for (const auto& m : migrations)
    if (m.kind == kind && m.version && *m.version == *v) mark.file = &m;
  if (!mark.file) {
    throw Error(ExitCode::kValidation,
                "--mark-applied " + v->str() + ": no " +
                    (kind == MigrationKind::kUndo ? "undo" : "migration") + " file for version " +
                    v->str() + " in the configured locations",
                "the row records the checksum of the file as it is now: restore " +
                    mark.row->script + " first");
  }
  return mark;
}

}  // namespace

ExitCode RunRepair(const CommandContext& ctx) {
  LoadedMigrations loaded = LoadMigrationsOrRefuse(ctx);
  ChangeSession change(ctx);
  Driver* driver = &change.driver();
  driver->EnsureHistoryTable();
  UseHistoryFormat(loaded, ctx, *driver);
  auto history = driver->ReadHistory();

  MarkApplied mark;
  if (!ctx.mark_applied.empty())
    mark = FindMarkApplied(ctx.mark_applied, history, loaded.migrations);

  std::map<std::string, const ResolvedMigration*> by_version;
  for (const auto& m : loaded.migrations)
    if (m.kind == MigrationKind::kVersioned) by_version[m.version->str()] = &m;

  // Applied migrations whose file is gone (the Missing state) keep their row,
  // as an audit trail, and get a DELETE marker after it (as Flyway's repair
  // does): from then on they are Deleted, not Missing.
  std::set<int> missing_ranks;
  for (const auto& r : Reconcile(loaded.migrations, history, {}).rows) {
    if (r.state == MigrationState::kMissing && r.installed_rank)
      missing_ranks.insert(*r.installed_rank);
  }

  // All of the history rewrite or none of it.
  Transaction tx(*driver);
  std::vector<std::string> changes;
  for (const auto& h : history) {
    if (mark.row && h.installed_rank == mark.row->installed_rank) {
      driver->UpdateHistory(h.installed_rank, mark.file->checksum, mark.file->description, true);
      std::string what = Differences(h, *mark.file);
      changes.push_back("marked the failed row of " + Name(h) + " as applied" +
                        (what.empty() ? "" : ": " + what));
      continue;
    }
    if (!h.success) {
      driver->DeleteHistory(h.installed_rank);
      changes.push_back("removed failed row of " + Name(h));
      continue;
    }
    if (missing_ranks.count(h.installed_rank) > 0) {
      AppliedMigration marker = h;
      marker.type = "DELETE";
      marker.installed_by = ctx.config.installed_by;
      marker.execution_time = 0;
      marker.success = true;
      driver->InsertHistory(marker);
      changes.push_back("marked " + Name(h) +
                        " as deleted: its file is missing (its row stays, followed by a DELETE "
                        "row)");
      continue;
    }
    // A repeatable whose file changed is simply re-applied.
    if (h.type != "SQL" || !h.version) continue;
    auto it = by_version.find(Normalised(h.version));
    if (it == by_version.end()) continue;
    const ResolvedMigration* m = it->second;
    // A description longer than its column is stored cut (FitColumn).
    if (h.checksum != m->checksum ||
        h.description != FitColumn(m->description, kDescriptionWidth)) {
      driver->UpdateHistory(h.installed_rank, m->checksum, m->description, true);
      changes.push_back("realigned version " + Normalised(h.version) + " (" + m->script +
                        "): " + Differences(h, *m));
    }
  }
  tx.Commit();
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
