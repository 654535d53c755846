#include "history/reconcile.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <map>
#include <set>

namespace flyrun {

std::string_view StateName(MigrationState state) {
  switch (state) {
    case MigrationState::kPending:
      return "Pending";
    case MigrationState::kSuccess:
      return "Success";
    case MigrationState::kFailed:
      return "Failed";
    case MigrationState::kUndone:
      return "Undone";
    case MigrationState::kBaseline:
      return "Baseline";
    case MigrationState::kBelowBaseline:
      return "Below Baseline";
    case MigrationState::kIgnored:
      return "Ignored";
    case MigrationState::kOutOfOrder:
      return "Out of Order";
    case MigrationState::kMissing:
      return "Missing";
    case MigrationState::kDeleted:
      return "Deleted";
    case MigrationState::kFuture:
      return "Future";
    case MigrationState::kOutdated:
      return "Outdated";
    case MigrationState::kSuperseded:
      return "Superseded";
    case MigrationState::kAboveTarget:
      return "Above Target";
  }
  return "?";
}

namespace {

std::string Short(const std::optional<std::string>& checksum) {
  return checksum ? *checksum : std::string("(none)");
}

/// Repair's marker for an applied migration whose file was deleted on purpose
/// (Flyway's type for the same): a row of its own, the applied row stays.
constexpr std::string_view kDeleteType = "DELETE";

struct VersionHistory {
  const AppliedMigration* last = nullptr;     ///< the latest row for the version
  const AppliedMigration* applied = nullptr;  ///< latest successful SQL/BASELINE row
  const AppliedMigration* deleted = nullptr;  ///< the row a later DELETE marker retired
  bool out_of_order = false;
};

/// The row Flyway writes first when it created the schema (rank 0, no
/// version): history of the schema, not of a migration.
constexpr std::string_view kSchemaType = "SCHEMA";

bool TypeIn(const AppliedMigration& h, std::initializer_list<std::string_view> types) {
  return std::find(types.begin(), types.end(), h.type) != types.end();
}

// Flyway's row types by what they mean here. flyrun runs only SQL scripts; rows of
// Java, script and custom migrations that Flyway applied are honoured as applied
// (there is no file for flyrun to check them against).
bool IsApplied(const AppliedMigration& h) {
  return TypeIn(h, {"SQL", "JDBC", "SPRING_JDBC", "SCRIPT", "CUSTOM", "SQL_STATE_SCRIPT",
                    "JDBC_STATE_SCRIPT"});
}
bool IsBaseline(const AppliedMigration& h) {
  return TypeIn(h, {"BASELINE", "SQL_BASELINE", "JDBC_BASELINE"});
}
bool IsUndo(const AppliedMigration& h) { return TypeIn(h, {"UNDO_SQL", "UNDO_SCRIPT"}); }
/// A row of work flyrun could have done itself, from a file it should still have.
bool FromAFile(const AppliedMigration& h) { return h.type == "SQL" || h.type == "UNDO_SQL"; }

/// Why flyrun cannot use a history row, or empty when it can.
std::string NotUnderstood(const AppliedMigration& h) {
  if (h.type == kSchemaType) return {};
  if (!IsApplied(h) && !IsBaseline(h) && !IsUndo(h) && h.type != kDeleteType) {
    return "has type '" + h.type + "', which neither flyrun nor Flyway knows";
  }
  if (h.version && !Version::parse(*h.version)) return "has a version flyrun cannot read";
  return {};
}

Issue NotUnderstoodIssue(const AppliedMigration& h, const std::string& why) {
  std::string version = h.version ? "version '" + *h.version + "'" : "no version";
  Issue issue;
  issue.code = "history-row-not-understood";
  issue.message = "history row installed_rank " + std::to_string(h.installed_rank) + " (" +
                  version + ", script '" + h.script + "') " + why +
                  ", so flyrun cannot tell whether its migration is applied";
  issue.hint =
      "flyrun reads the row types Flyway writes (SQL, BASELINE, UNDO_SQL, DELETE, SCHEMA, "
      "JDBC, SPRING_JDBC, SCRIPT, CUSTOM and their baseline, undo and state variants) and "
      "versions of digits separated by '.' (e.g. 1.2). Correct the row by hand, or delete it "
      "if what it records does not matter, then run `flyrun validate` again";
  return issue;
}

InfoRow RowFromHistory(const AppliedMigration& h, MigrationState state) {
  InfoRow row;
  row.category = IsBaseline(h) ? "Baseline" : (h.version ? "Versioned" : "Repeatable");
  if (h.version)
    row.version = Version::parse(*h.version) ? Version::parse(*h.version)->str() : *h.version;
  row.description = h.description;
  row.type = h.type;
  row.script = h.script;
  row.state = state;
  row.installed_on = h.installed_on;
  row.execution_time = h.execution_time;
  row.installed_rank = h.installed_rank;
  return row;
}

std::string LowerCase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.front()))) out.erase(0, 1);
  return out;
}

}  // namespace

std::optional<IgnorePattern> ParseIgnorePattern(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string type = LowerCase(text.substr(0, colon));
  std::string state = LowerCase(text.substr(colon + 1));
  using Type = IgnorePattern::Type;
  using State = IgnorePattern::State;
  static const std::map<std::string, Type> kTypes = {
      {"*", Type::kAny}, {"versioned", Type::kVersioned}, {"repeatable", Type::kRepeatable}};
  static const std::map<std::string, State> kStates = {{"*", State::kAny},
                                                       {"missing", State::kMissing},
                                                       {"pending", State::kPending},
                                                       {"ignored", State::kIgnored},
                                                       {"future", State::kFuture}};
  auto t = kTypes.find(type);
  auto st = kStates.find(state);
  if (t == kTypes.end() || st == kStates.end()) return std::nullopt;
  return IgnorePattern{t->second, st->second};
}

Plan Reconcile(const std::vector<ResolvedMigration>& files,
               const std::vector<AppliedMigration>& all_history, const ReconcileOptions& options) {
  using Type = IgnorePattern::Type;
  using State = IgnorePattern::State;
  if (options.target_next) {
    // The first version `latest` would apply is the target.
    ReconcileOptions latest = options;
    latest.target_next = false;
    Plan all = Reconcile(files, all_history, latest);
    ReconcileOptions next = latest;
    next.target_current = true;
    for (const ResolvedMigration* m : all.pending) {
      if (!m->version) continue;
      next.target = *m->version;
      next.target_current = false;
      break;
    }
    return Reconcile(files, all_history, next);
  }
  Plan plan;

  // Rows flyrun cannot read are problems, never "not applied": a migration
  // taken for pending would run a second time.
  std::vector<AppliedMigration> history;
  history.reserve(all_history.size());
  for (const auto& h : all_history) {
    // Negative ranks are invisible, as in Flyway, which keeps a lock lease
    // row there (rank -100, empty type) on engines without advisory locks.
    if (h.installed_rank < 0) continue;
    std::string why = NotUnderstood(h);
    if (!why.empty()) {
      plan.issues.push_back(NotUnderstoodIssue(h, why));
      plan.unusable_rows.push_back(h);
    } else if (h.type != kSchemaType) {
      history.push_back(h);
    }
  }

  // Replay the history in rank order to find each version's current state.
  std::map<Version, VersionHistory> versions;
  std::optional<Version> baseline;
  std::set<Version> applied_now;  // versions applied at this point of the replay
  for (const auto& h : history) {
    if (!h.success) plan.failed.push_back(h);
    if (!h.version) continue;
    auto v = Version::parse(*h.version);
    if (!v) continue;
    auto& vh = versions[*v];
    vh.last = &h;
    if (h.success && (IsApplied(h) || IsBaseline(h))) {
      vh.applied = &h;
      vh.deleted = nullptr;
      vh.out_of_order = !applied_now.empty() && *v < *applied_now.rbegin();
      if (IsBaseline(h)) baseline = *v;
      applied_now.insert(*v);
    } else if (h.success && IsUndo(h)) {
      vh.applied = nullptr;
      applied_now.erase(*v);
    } else if (h.success && h.type == kDeleteType) {
      vh.deleted = vh.applied;
      vh.applied = nullptr;
      applied_now.erase(*v);
    }
  }
  for (const auto& [v, vh] : versions) {
    if (vh.applied) plan.current = v;
  }
  // target current: nothing above the current version (nothing at all on an
  // empty history).
  std::optional<Version> target = options.target;
  bool apply_no_version = false;
  if (options.target_current) {
    target = plan.current;
    apply_no_version = !plan.current;
  }

  std::optional<Version> highest_file;
  for (const auto& f : files) {
    if (f.kind == MigrationKind::kVersioned && (!highest_file || *highest_file < *f.version))
      highest_file = *f.version;
  }

  // Versioned files, and history rows without a file, merged in version order.
  std::map<Version, const ResolvedMigration*> versioned_files;
  for (const auto& f : files)
    if (f.kind == MigrationKind::kVersioned) versioned_files[*f.version] = &f;

  std::map<Version, bool> all_versions;
  for (const auto& [v, f] : versioned_files) all_versions[v] = true;
  for (const auto& [v, vh] : versions) all_versions[v] = true;

  for (const auto& [v, unused] : all_versions) plan.versions.push_back(v);
  for (const auto& [v, unused] : all_versions) {
    auto fit = versioned_files.find(v);
    const ResolvedMigration* file = fit == versioned_files.end() ? nullptr : fit->second;
    auto hit = versions.find(v);
    const VersionHistory* vh = hit == versions.end() ? nullptr : &hit->second;

    if (vh && vh->last && IsBaseline(*vh->last) && vh->applied) {
      plan.rows.push_back(RowFromHistory(*vh->applied, MigrationState::kBaseline));
      continue;
    }
    if (!file) {
      // History only.
      const AppliedMigration& h = vh->applied ? *vh->applied : *vh->last;
      if (vh->last && !vh->last->success) {
        plan.rows.push_back(RowFromHistory(*vh->last, MigrationState::kFailed));
      } else if (vh->last->type == kDeleteType) {
        plan.rows.push_back(
            RowFromHistory(vh->deleted ? *vh->deleted : *vh->last, MigrationState::kDeleted));
      } else if (!vh->applied) {
        plan.rows.push_back(RowFromHistory(h, MigrationState::kUndone));
      } else if (!FromAFile(h)) {
        plan.rows.push_back(RowFromHistory(h, MigrationState::kSuccess));
      } else if (highest_file && v < *highest_file) {
        plan.rows.push_back(RowFromHistory(h, MigrationState::kMissing));
        if (!options.Ignores(Type::kVersioned, State::kMissing)) {
          plan.issues.push_back({"missing-migration", h.script, 0, 0,
                                 "applied migration " + v.str() + " (" + h.script +
                                     ") has no file in the configured locations",
                                 "restore the file, or run `flyrun repair` to record in the "
                                 "history that it was deleted on purpose"});
        }
      } else {
        plan.rows.push_back(RowFromHistory(h, MigrationState::kFuture));
        if (!options.Ignores(Type::kVersioned, State::kFuture)) {
          plan.issues.push_back({"future-migration", h.script, 0, 0,
                                 "applied migration " + v.str() + " (" + h.script +
                                     ") is newer than every file in the configured locations",
                                 "add the file, or ignore such migrations with the "
                                 "ignore_migration_patterns entry *:future"});
        }
      }
      continue;
    }

    InfoRow row;
    row.category = "Versioned";
    row.version = v.str();
    row.description = file->description;
    row.type = "SQL";
    row.script = file->script;
    row.file = file;

    if (vh && vh->last && !vh->last->success) {
      row = RowFromHistory(*vh->last, MigrationState::kFailed);
      row.file = file;
      plan.issues.push_back({"failed-migration", file->path.string(), 0, 0,
                             "migration " + v.str() + " (" + file->script +
                                 ") failed and is recorded as failed in the history table",
                             "clean up what it left behind, then run `flyrun repair`"});
    } else if (vh && vh->applied) {
      row = RowFromHistory(
          *vh->applied, vh->out_of_order ? MigrationState::kOutOfOrder : MigrationState::kSuccess);
      row.file = file;
      if (file->unsupported.empty() && vh->applied->checksum != file->checksum) {
        plan.issues.push_back(
            {"checksum-mismatch", file->path.string(), 0, 0,
             "migration " + v.str() + " (" + file->script +
                 ") was changed after it was applied: recorded checksum " +
                 Short(vh->applied->checksum) + ", current checksum " + file->checksum,
             "revert the file to what was applied and put the change in a new migration, or run "
             "`flyrun repair` to accept the file as it is now"});
      }
    } else if (baseline && v <= *baseline) {
      row.state = MigrationState::kBelowBaseline;
    } else if (apply_no_version || (target && *target < v)) {
      row.state = MigrationState::kAboveTarget;
    } else if (plan.current && v < *plan.current && !options.out_of_order) {
      row.state = MigrationState::kIgnored;
      if (!options.Ignores(Type::kVersioned, State::kIgnored)) {
        plan.issues.push_back({"ignored-migration", file->path.string(), 0, 0,
                               "migration " + v.str() + " (" + file->script +
                                   ") is pending but lower than the highest applied version " +
                                   plan.current->str(),
                               "rename it to a version above " + plan.current->str() +
                                   ", or allow it with out_of_order: true"});
      }
    } else if (!file->unsupported.empty()) {
      row.state = MigrationState::kPending;
      plan.issues.push_back({"unsupported-migration", file->path.string(), 0, 0,
                             "migration " + v.str() + " (" + file->script + ") is " +
                                 file->unsupported + ", which flyrun cannot run",
                             "apply it with Flyway, or rewrite it as a .sql script; once the "
                             "history records it as applied, flyrun counts it as applied"});
    } else {
      row.state = (vh && vh->last && IsUndo(*vh->last)) ? MigrationState::kUndone
                                                        : MigrationState::kPending;
      plan.pending.push_back(file);
    }
    plan.rows.push_back(std::move(row));
  }

  // Repeatables: the latest row per description decides.
  std::map<std::string, const ResolvedMigration*> repeatable_files;
  for (const auto& f : files)
    if (f.kind == MigrationKind::kRepeatable) repeatable_files[f.description] = &f;
  std::map<std::string, std::vector<const AppliedMigration*>> repeatable_rows;
  for (const auto& h : history)
    if (!h.version && (IsApplied(h) || h.type == kDeleteType))
      repeatable_rows[h.description].push_back(&h);

  std::map<std::string, bool> descriptions;
  for (const auto& [d, f] : repeatable_files) descriptions[d] = true;
  for (const auto& [d, rows] : repeatable_rows) descriptions[d] = true;

  for (const auto& [d, unused] : descriptions) {
    auto fit = repeatable_files.find(d);
    const ResolvedMigration* file = fit == repeatable_files.end() ? nullptr : fit->second;
    auto rit = repeatable_rows.find(d);
    const std::vector<const AppliedMigration*>* rows =
        rit == repeatable_rows.end() ? nullptr : &rit->second;
    const AppliedMigration* last = rows ? rows->back() : nullptr;
    // The run a DELETE marker retired is shown as Deleted, not Superseded.
    const AppliedMigration* retired = nullptr;
    if (last && last->type == kDeleteType) {
      for (size_t i = rows->size() - 1; i-- > 0;) {
        if ((*rows)[i]->success && IsApplied(*(*rows)[i])) {
          retired = (*rows)[i];
          break;
        }
      }
    }

    if (rows) {
      for (size_t i = 0; i + 1 < rows->size(); ++i)
        if ((*rows)[i]->success && IsApplied(*(*rows)[i]) && (*rows)[i] != retired)
          plan.rows.push_back(RowFromHistory(*(*rows)[i], MigrationState::kSuperseded));
    }
    if (last && last->type == kDeleteType) {
      plan.rows.push_back(RowFromHistory(retired ? *retired : *last, MigrationState::kDeleted));
      if (!file) continue;
      // The file is back: it runs again like a new repeatable.
      last = nullptr;
    }
    if (!file) {
      if (last->success && !FromAFile(*last)) {
        plan.rows.push_back(RowFromHistory(*last, MigrationState::kSuccess));
      } else if (last->success) {
        plan.rows.push_back(RowFromHistory(*last, MigrationState::kMissing));
        if (!options.Ignores(Type::kRepeatable, State::kMissing)) {
          plan.issues.push_back({"missing-migration", last->script, 0, 0,
                                 "applied repeatable migration '" + d + "' (" + last->script +
                                     ") has no file in the configured locations",
                                 "restore the file, or run `flyrun repair` to record in the "
                                 "history that it was deleted on purpose"});
        }
      } else {
        plan.rows.push_back(RowFromHistory(*last, MigrationState::kFailed));
      }
      continue;
    }
    InfoRow row;
    if (!last) {
      row.category = "Repeatable";
      row.description = file->description;
      row.type = "SQL";
      row.script = file->script;
      row.state = MigrationState::kPending;
      plan.pending.push_back(file);
    } else if (!last->success) {
      row = RowFromHistory(*last, MigrationState::kFailed);
      plan.issues.push_back({"failed-migration", file->path.string(), 0, 0,
                             "repeatable migration '" + d + "' (" + file->script +
                                 ") failed and is recorded as failed in the history table",
                             "fix the file, then run `flyrun repair`"});
    } else if (last->checksum != file->checksum) {
      row = RowFromHistory(*last, MigrationState::kOutdated);
      plan.pending.push_back(file);
    } else {
      row = RowFromHistory(*last, MigrationState::kSuccess);
    }
    row.file = file;
    plan.rows.push_back(std::move(row));
  }
  return plan;
}

}  // namespace flyrun
