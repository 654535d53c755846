#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "commands/context.h"
#include "core/issue.h"
#include "scan/migration.h"

namespace flyrun {

/// What `validate --base` compared with, for the JSON and SARIF outputs.
struct BaseInfo {
  std::string ref;         ///< as given
  std::string commit;      ///< REF's commit id
  std::string merge_base;  ///< merge base of REF and HEAD; empty when unknown
  size_t migrations = 0;   ///< migration files at REF in the configured locations
};

/// Compares the working tree's migrations with those at git revision ctx.base
/// (SPEC 5) and appends the problems. Throws Error(kUsage) when the working
/// directory is not in a repository or the revision does not resolve.
BaseInfo CheckAgainstBase(const CommandContext& ctx,
                          const std::vector<ResolvedMigration>& migrations, Issues& issues);

/// "missing-undo" for every versioned migration without an undo file of its
/// version (config undo_required).
void CheckUndoCoverage(const std::vector<ResolvedMigration>& migrations, Issues& issues);

/// A SARIF 2.1.0 log of `issues`: one run, tool "flyrun" with a rule per
/// issue code, one result per issue (level "error" or "warning").
nlohmann::json SarifLog(const Issues& issues, const std::optional<BaseInfo>& base);

}  // namespace flyrun
