#pragma once

#include "core/issue.h"
#include "parse/statement_source.h"
#include "scan/migration.h"

namespace flyrun {

/// Splits one script to its end with `options` (dialect and placeholders set by
/// the caller; options.issues is ignored) and appends every problem to `issues`:
/// - what the splitter finds: unterminated constructs, unknown placeholders, NUL
///   bytes, malformed directives, psql meta-commands... ("syntax" when it stops);
/// - in a transactional script (no `-- flyrun:transaction=false`): a statement
///   that cannot run in a transaction ("non-transactional-statement") and one
///   that opens or ends the transaction itself ("transaction-control"), errors;
/// - on SQLite, `PRAGMA foreign_keys = ...` in a transactional script, which
///   SQLite ignores there ("pragma-in-transaction"), a warning.
/// Streams the file: memory does not grow with its size. Returns the session's
/// settings as the script leaves them (a SET sql_mode...), so that scripts that
/// run one after another can be checked as they will be lexed.
SessionLexing CheckScript(const ResolvedMigration& m, SplitOptions options, Issues& issues);

}  // namespace flyrun
