#pragma once

#include "commands/context.h"
#include "core/error.h"

namespace flyrun {

/// Each command returns the process exit code for its result (SPEC 8) and
/// throws flyrun::Error for failures; results go to ctx.out, logs to spdlog.
ExitCode RunMigrate(const CommandContext& ctx);
ExitCode RunInfo(const CommandContext& ctx);
ExitCode RunValidate(const CommandContext& ctx);
ExitCode RunRepair(const CommandContext& ctx);

}  // namespace flyrun
