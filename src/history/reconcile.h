#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/issue.h"
#include "core/version.h"
#include "history/applied_migration.h"
#include "scan/migration.h"

namespace flyrun {

/// What `info` shows for a migration (SPEC 5).
enum class MigrationState {
  kPending,
  kSuccess,
  kFailed,
  kUndone,
  kBaseline,
  kBelowBaseline,
  kIgnored,
  kOutOfOrder,
  kMissing,
  kDeleted,  ///< was Missing; `repair` recorded that its file was deleted on purpose
  kFuture,
  kOutdated,
  kSuperseded,
  kAboveTarget,
};

/// "Pending", "Below Baseline", "Out of Order", ...
std::string_view StateName(MigrationState state);

/// One line of `info`: a file, a history row, or both.
struct InfoRow {
  std::string category;  ///< "Versioned", "Repeatable", "Baseline"
  std::string version;   ///< normalised; empty for repeatables
  std::string description;
  std::string type;  ///< "SQL", "UNDO_SQL", "BASELINE"
  std::string script;
  /// For kDeleted: the applied row that the DELETE marker retires (the row's
  /// other fields show it); the marker is not a row of its own in `info`.
  MigrationState state = MigrationState::kPending;
  std::string installed_on;                 ///< empty when not applied
  std::optional<int> execution_time;        ///< ms, when applied
  std::optional<int> installed_rank;        ///< when a history row backs it
  const ResolvedMigration* file = nullptr;  ///< the file, when there is one
};

/// One of Flyway's ignoreMigrationPatterns, `type:state`: the validation
/// issue of a migration of that type in that state is not raised.
struct IgnorePattern {
  enum class Type { kAny, kVersioned, kRepeatable } type = Type::kAny;
  enum class State { kAny, kMissing, kPending, kIgnored, kFuture } state = State::kAny;
  bool Matches(Type t, State s) const {
    return (type == Type::kAny || type == t) && (state == State::kAny || state == s);
  }
};

/// Parses "versioned:missing", "*:future", "Repeatable:*" (case-insensitive);
/// nullopt when malformed.
std::optional<IgnorePattern> ParseIgnorePattern(std::string_view text);

struct ReconcileOptions {
  std::optional<Version> target;  ///< highest version to apply; nullopt = latest
  bool target_current = false;    ///< apply no version above the highest applied one
  bool target_next = false;       ///< apply only the first pending version
  /// `target` must be the version of a file or a history row (Flyway's
  /// failOnMissingTarget); a target written as `2.5?` need not be.
  bool target_must_exist = true;
  bool out_of_order = false;
  /// Flyway's ignoreMigrationPatterns. The default, "*:future", is flyrun's own
  /// rule: an applied migration without a file is an issue ("missing-migration")
  /// unless it is newer than every file (future), as is a pending migration
  /// below the current version ("ignored-migration"). Without the future
  /// pattern, a future one is an issue too ("future-migration").
  std::vector<IgnorePattern> ignore_patterns{
      {IgnorePattern::Type::kAny, IgnorePattern::State::kFuture}};
  bool Ignores(IgnorePattern::Type type, IgnorePattern::State state) const {
    for (const IgnorePattern& p : ignore_patterns)
      if (p.Matches(type, state)) return true;
    return false;
  }
};

/// The result of comparing migration files with the history table.
struct Plan {
  /// What `migrate` applies, in order: versioned (by version), then repeatables
  /// (by description).
  std::vector<const ResolvedMigration*> pending;
  /// Every file and every history row, for `info`: versioned by version,
  /// repeatables by description, history-only rows in their place.
  std::vector<InfoRow> rows;
  /// Validation problems of files against history: "checksum-mismatch",
  /// "missing-migration", "failed-migration", "ignored-migration",
  /// "history-row-not-understood".
  Issues issues;
  /// History rows with success = false (migrate refuses until repair).
  std::vector<AppliedMigration> failed;
  /// History rows flyrun cannot read: a version that does not parse, a type
  /// other than SQL, BASELINE, UNDO_SQL, DELETE and Flyway's SCHEMA marker.
  /// Each is also a "history-row-not-understood" issue; the plan leaves them
  /// out, so commands that change the database refuse while there are any.
  std::vector<AppliedMigration> unusable_rows;
  /// Highest applied version (success or baseline), if any.
  std::optional<Version> current;
  /// Every version that has a file or a history row, in order.
  std::vector<Version> versions;
};

/// Pure: no I/O. `files` are the scanned migrations with checksums filled;
/// `history` the rows ordered by installed_rank. Pointers in the Plan point into
/// `files`.
Plan Reconcile(const std::vector<ResolvedMigration>& files,
               const std::vector<AppliedMigration>& history, const ReconcileOptions& options);

}  // namespace flyrun
