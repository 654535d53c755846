#pragma once

#include <string>
#include <vector>

#include "core/issue.h"
#include "scan/migration.h"

namespace flyrun::vcs {

struct BaseCompareOptions {
  std::string ref;            ///< the revision as the user wrote it, for messages
  bool out_of_order = false;  ///< new versions below REF's highest are allowed
};

/// Compares the working tree's migrations with those at a base revision (both
/// as ScanLocations / MigrationsAt return them; files are matched by `path`).
/// `fork_point` holds the migrations at the merge base of REF and HEAD, or is
/// null when that is unknown (shallow or unrelated history); with it, files
/// REF gained after the branch forked are not blamed on the branch.
///
/// Issues, on the working-tree file where there is one:
/// - "edited-migration": a versioned or undo file at REF whose content differs
///   (repeatables and callbacks may change);
/// - "renamed-migration": a versioned or undo file at REF that is gone, while a
///   new file of the same kind has its content (or, when the fork point is
///   known, its version);
/// - "deleted-migration": such a file gone without a successor (Issue::file is
///   the path it had at REF);
/// - "duplicate-version": a new versioned file with the version of another
///   file at REF (two branches that both add V42);
/// - "version-not-above-base": a new versioned file whose version is below the
///   highest at REF (a branch that fell behind); not with out_of_order.
Issues CompareWithBase(const std::vector<ResolvedMigration>& working,
                       const std::vector<ResolvedMigration>& base,
                       const std::vector<ResolvedMigration>* fork_point,
                       const BaseCompareOptions& options);

}  // namespace flyrun::vcs
