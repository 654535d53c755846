#pragma once

#include <vector>

#include "commands/context.h"
#include "driver/driver.h"
#include "scan/migration.h"

namespace flyrun {

/// With validate_on_migrate, before anything runs: splits every script in
/// `scripts` completely, plus the callback scripts among `all` when
/// `with_callbacks`, with the driver's dialect and the real placeholders (as
/// RunScript will), and checks them as `validate` does (CheckScript). Errors are
/// printed together (PrintIssues) and end the command with Error(kValidation),
/// nothing applied; warnings are logged. Streams each file.
void PreflightOrRefuse(const CommandContext& ctx, Driver& driver,
                       const std::vector<const ResolvedMigration*>& scripts,
                       const std::vector<ResolvedMigration>& all, bool with_callbacks);

}  // namespace flyrun
