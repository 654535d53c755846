#pragma once

#include <string>

#include "commands/context.h"
#include "driver/driver.h"

namespace flyrun {

/// How to run and record one script.
struct ScriptRun {
  const ResolvedMigration* migration = nullptr;
  std::string type = "SQL";  ///< history type to record ("SQL", "UNDO_SQL")
  bool record = true;        ///< write a history row
  /// The caller holds one transaction around many scripts (`group`): the script
  /// opens none of its own and a failure leaves the rollback to the caller.
  bool in_group = false;
};

/// Facts about the session that placeholders need, asked once per command.
struct SessionInfo {
  std::string user;
  std::string database;
  std::string schema;  ///< the connection's current schema, for ${flyway:defaultSchema}
  static SessionInfo Of(Driver& driver) {
    return {driver.CurrentUser(), driver.DatabaseName(), driver.CurrentSchema()};
  }
};

/// Runs a script statement by statement (streamed) and records it (SPEC 6):
/// - transactional (the default): the statements and the history row in one
///   transaction; on PostgreSQL and SQLite a failure leaves nothing behind.
/// - `-- flyrun:transaction=false`, or a database without transactional DDL
///   (MySQL): statements may stay committed when a later one fails.
/// The script stops at the first failing statement, at a signal (the running
/// statement is cancelled by the driver), or when one of its own statements
/// ends flyrun's transaction (COMMIT/ROLLBACK in a transactional script). What
/// is then recorded follows one rule (script_outcome.h): nothing when the
/// database is as before, else a failed row whose description says how far
/// the script got, so that the next migrate refuses until `repair`.
/// Throws Error(kMigrationFailed) as "file:line: message" with the SQLSTATE,
/// the statement's number and first line, what stays committed and a hint;
/// Error(kInterrupted) for a signal. Returns the execution time in ms.
int RunScript(Driver& driver, const CommandContext& ctx, const SessionInfo& session,
              const ScriptRun& run);

}  // namespace flyrun
