#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/issue.h"
#include "scan/migration.h"
#include "vcs/git_repository.h"

namespace flyrun::vcs {

/// The migration files of `locations` (as configured: relative to `cwd`, or
/// absolute) in the tree of `revision`, named and ordered like ScanLocations
/// names them in the working tree: `path` is location/script, `script` is
/// relative to the location. `checksum` is the normalised SHA-256 of the
/// content (NormalizedSha256, no placeholder fingerprint). Names that are not
/// migrations or are malformed at the revision are skipped: the revision is
/// not what is being validated. A location missing at the revision has no
/// files. Throws Error(kUsage) for a location outside the repository.
std::vector<ResolvedMigration> MigrationsAt(const GitRepository& repo, const Revision& revision,
                                            const std::vector<std::string>& locations,
                                            const std::filesystem::path& cwd);

}  // namespace flyrun::vcs
