#pragma once

#include <functional>
#include <string>

#include "commands/context.h"
#include "core/error.h"

namespace flyrun {

using CommandRunner = std::function<ExitCode(const CommandContext&)>;

/// Runs `command` (its name) through `run`: once, as given, when
/// ctx.config.tenants is empty; otherwise over every tenant of that file
/// (README, Fleets).
///
/// migrate, info, validate (unless --offline), undo, repair and baseline fan
/// out: each tenant runs with a copy of ctx whose url (and schema) are the
/// tenant's, on up to config.parallel worker threads, its output in a buffer
/// of its own; the migration files are scanned and checksummed once for all
/// (MigrationCache). A failing tenant stops no other unless fail_fast, which
/// starts no further tenant; a signal lets the running ones stop cleanly and
/// starts none. Text output: a line per tenant as it finishes, then a table;
/// JSON: one document with each tenant's own document nested.
///
/// The exit code is 0 when every tenant succeeded, else the most severe of
/// theirs (FleetExitCode); 130 after a signal. clean, exec and wait refuse
/// a tenants file (Error(kUsage)); new and validate --offline touch no
/// database and run once.
ExitCode RunOverTenants(const CommandContext& ctx, const std::string& command,
                        const CommandRunner& run);

/// The most severe of the tenants' exit codes: an interrupt (130) before
/// anything, then the highest (5 lock, 4 connect, 3 validation, 2 usage,
/// 1 migration failed); 0 only when all are 0.
ExitCode MostSevere(ExitCode a, ExitCode b);

}  // namespace flyrun
