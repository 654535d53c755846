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
ExitCode RunBaseline(const CommandContext& ctx);
ExitCode RunClean(const CommandContext& ctx);
ExitCode RunWait(const CommandContext& ctx);
ExitCode RunNew(const CommandContext& ctx);
ExitCode RunUndo(const CommandContext& ctx);
/// Waits for the database, migrates under the lock, then execvp()s
/// ctx.exec_args; returns only on failure (CMD is never started then).
ExitCode RunExec(const CommandContext& ctx);

/// Records config.baseline_version as a BASELINE row (baseline and
/// baseline_on_migrate); Error(kUsage) for a malformed version.
bool RecordBaseline(Driver& driver, const Config& config);

}  // namespace flyrun
