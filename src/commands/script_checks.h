#pragma once

#include <string>

#include "core/issue.h"
#include "core/statement.h"
#include "parse/statement_source.h"
#include "scan/migration.h"

namespace flyrun {

struct Config;

/// What decides whether a script runs in a transaction, besides its own
/// `-- flyrun:transaction=false` directive and its `.sql.conf`.
struct TransactionRules {
  /// A Flyway project (Config::flyway): a script whose statements cannot run
  /// in a transaction runs outside one without a directive, as Flyway does.
  bool flyway = false;
  /// Config::mixed: such statements may share a script with others, and the
  /// whole script then runs outside a transaction (Flyway's rule).
  bool mixed = false;
  /// Config::execute_in_transaction.
  bool execute_in_transaction = true;
  static TransactionRules Of(const Config& config);
};

/// The statements of a script as far as transactions go: the first that
/// cannot run in a transaction, the first that can, and the first that
/// begins or ends a transaction itself (BEGIN, COMMIT, ROLLBACK...).
struct TransactionVerdict {
  void Note(const Statement& st);
  bool non_transactional_seen = false;
  bool transactional_seen = false;
  bool transaction_control_seen = false;
  std::string non_transactional_what;    ///< e.g. "CREATE INDEX CONCURRENTLY"
  std::string transaction_control_what;  ///< e.g. "COMMIT"
  int non_transactional_line = 0;
  int transactional_line = 0;
  int transaction_control_line = 0;
};

/// How a script runs, and why not in a transaction.
struct TransactionDecision {
  bool transactional = true;
  /// When not transactional: why, for messages ("-- flyrun:transaction=false",
  /// "executeInTransaction=false in V1__x.sql.conf", "CREATE INDEX
  /// CONCURRENTLY on line 3 cannot run in a transaction").
  std::string why_not;
  /// Decided by the statements (Flyway project): the transactional checks of
  /// CheckScript do not apply.
  bool by_statements = false;
};

/// The decision before looking at statements: the directive, then the
/// script's `.sql.conf` executeInTransaction, then the configuration's.
/// `needs_statements` is set when, in a Flyway project, the statements decide
/// (DecideFromStatements).
TransactionDecision DecideTransaction(const ResolvedMigration& m, const TransactionRules& rules,
                                      bool directive_transactional, bool& needs_statements);

/// The rest of the decision once the statements are known: a script that
/// begins or ends transactions itself runs outside flyrun's, so that its own
/// BEGIN ... COMMIT mean what they say (Flyway sends them inside its
/// transaction, where the script's COMMIT ends it early: either way what
/// follows is not covered); any statement
/// that cannot run in a transaction takes the whole script out of one; mixed
/// with others it is an error (Error(kValidation) naming the file and both
/// statements' lines) unless rules.mixed.
TransactionDecision DecideFromStatements(const ResolvedMigration& m, const TransactionRules& rules,
                                         const TransactionVerdict& verdict);

/// DecideTransaction, plus for a Flyway project a pass that splits the script
/// (with `options`) without running it, for DecideFromStatements. A script
/// that cannot be split is left to the run to report (transactional).
TransactionDecision DecideTransactionFor(const ResolvedMigration& m, const TransactionRules& rules,
                                         bool directive_transactional, const SplitOptions& options);

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
/// With `rules`, a script the configuration or its `.sql.conf` takes out of a
/// transaction is checked as one with the directive; in a Flyway project a
/// script whose statements cannot run in a transaction is too, and one that
/// mixes both kinds without rules.mixed is a "mixed-transactional" error
/// naming both lines.
SessionLexing CheckScript(const ResolvedMigration& m, SplitOptions options, Issues& issues,
                          const TransactionRules& rules = {});

}  // namespace flyrun
