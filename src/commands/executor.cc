#include "commands/executor.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>

#include "commands/output.h"
#include "commands/script_checks.h"
#include "commands/script_outcome.h"
#include "core/error.h"
#include "core/interrupt.h"

namespace flyrun {
namespace {

std::string FirstLine(const std::string& sql) {
  auto nl = sql.find_first_of("\r\n");
  std::string line = sql.substr(0, nl);
  if (line.size() > 120) line = line.substr(0, 117) + "...";
  return line;
}

/// Rewrites a driver error as a migration error that points into the file,
/// with what the database holds of the script (`progress`).
Error Annotate(const Error& cause, const ResolvedMigration& m, const Statement& st,
               const ScriptOutcome& outcome, bool transactional, const std::string& progress) {
  int line = st.line + (cause.line > 0 ? cause.line - 1 : 0);
  int column =
      cause.line > 1 ? cause.column : (cause.column > 0 ? st.column + cause.column - 1 : st.column);
  std::string file = m.path.string();
  std::string msg = Location(file, line, 0) + ": " + cause.what();
  std::string hint = cause.hint();
  std::string detail = "statement " + std::to_string(st.index) +
                       (outcome.total > 0 ? " of " + std::to_string(outcome.total) : "") +
                       " (line " + std::to_string(st.line) + "): " + FirstLine(st.sql);
  if (!cause.detail.empty()) detail = cause.detail + "\n" + detail;
  if (!cause.sqlstate.empty()) detail += "\nSQLSTATE " + cause.sqlstate;
  if (cause.vendor_code) detail += "\nerror code " + std::to_string(cause.vendor_code);

  bool refused_in_tx = cause.sqlstate == "25001" || !st.non_transactional.empty();
  if (transactional && refused_in_tx) {
    std::string what = st.non_transactional.empty() ? "this statement" : st.non_transactional;
    hint = what +
           " cannot run inside a transaction: put `-- flyrun:transaction=false` on the "
           "first line of " +
           m.script + " (and keep that script to statements that need it)";
  } else if (!progress.empty() && outcome.mode != ScriptOutcome::Mode::kAtomic) {
    detail += "\n" + progress;
  }
  Error e(ExitCode::kMigrationFailed, msg, hint);
  e.file = file;
  e.line = line;
  e.column = column;
  e.sqlstate = cause.sqlstate;
  e.vendor_code = cause.vendor_code;
  e.detail = detail;
  return e;
}

/// The error for a script whose own COMMIT/ROLLBACK ended flyrun's transaction.
Error TransactionEnded(const ResolvedMigration& m, const Statement& st, const std::string& what) {
  Error e(ExitCode::kMigrationFailed,
          Location(m.path.string(), st.line, 0) + ": `" + what +
              "` ended the transaction flyrun runs this migration in; the statements after it "
              "would not be covered by it, so the migration stops here",
          "flyrun runs each migration and its history row in one transaction: remove the "
          "statement, or put `-- flyrun:transaction=false` on the first line of " +
              m.script + " to manage transactions in the script yourself");
  e.file = m.path.string();
  e.line = st.line;
  e.column = st.column;
  e.detail = "statement " + std::to_string(st.index) + " (line " + std::to_string(st.line) +
             "): " + FirstLine(st.sql);
  return e;
}

/// The keyword that ended a transaction, when the statement says (the
/// splitter's classification, else its first word).
std::string EndingKeyword(const Statement& st) {
  if (!st.transaction_control.empty()) return st.transaction_control;
  std::string word;
  for (char c : st.sql) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    } else if (!word.empty()) {
      break;
    }
  }
  return word;
}

int CountRemaining(StatementSource& source) {
  int n = 0;
  Statement st;
  try {
    while (source.Next(st)) ++n;
  } catch (const Error&) {
  }
  return n;
}

}  // namespace

int RunScript(Driver& driver, const CommandContext& ctx, const SessionInfo& session,
              const ScriptRun& run) {
  const ResolvedMigration& m = *run.migration;
  // The session as the scripts before this one left it: a SET sql_mode or
  // standard_conforming_strings in one script holds in the next, as on the
  // connection they share.
  SplitOptions opts = SplitOptionsFor(ctx.config, driver);
  opts.placeholders = PlaceholdersFor(ctx.config, session.user, session.database, m.script);
  auto source = StatementSource::Open(m.path.string(), opts);
  // The directive, the script's .sql.conf and the configuration decide; in a
  // Flyway project so do the statements, which takes a pass over the script
  // before it runs.
  TransactionDecision decision = DecideTransactionFor(m, TransactionRules::Of(ctx.config),
                                                      source->directives().transactional, opts);
  bool transactional = decision.transactional;
  if (run.in_group && !transactional) {
    throw Error(ExitCode::kValidation,
                m.script + " runs outside a transaction (" + decision.why_not +
                    ") and cannot be part of a group",
                "apply it without group: true, or make it run in a transaction");
  }

  ScriptOutcome outcome;
  using Mode = ScriptOutcome::Mode;
  using End = ScriptOutcome::End;
  if (run.in_group) {
    outcome.mode = Mode::kCallerRollsBack;
  } else if (!transactional) {
    outcome.mode = Mode::kAutocommit;
  } else {
    outcome.mode = driver.transactional_ddl() ? Mode::kAtomic : Mode::kTransaction;
  }
  if (!driver.transactional_ddl()) outcome.committed_why = " (MySQL commits DDL implicitly)";

  AppliedMigration row;
  if (m.version)
    row.version = HistoryVersion(driver.history_format(), m.version->str(), m.version_text);
  row.installed_by = ctx.config.installed_by;
  row.description = m.description;
  row.type = run.type;
  row.script = m.script;
  row.checksum = m.checksum;
  auto start = std::chrono::steady_clock::now();
  auto elapsed_ms = [&] {
    return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - start)
                                .count());
  };

  std::unique_ptr<Transaction> tx;
  if (transactional && !run.in_group) tx = std::make_unique<Transaction>(driver);

  // Run the statements; on the first failure, interruption or lost
  // transaction, stop and keep the facts in `outcome`.
  Statement st;
  std::optional<Error> cause;
  try {
    for (;;) {
      if (Interrupted()) {
        outcome.end = End::kInterrupted;
        break;
      }
      if (!source->Next(st)) break;
      try {
        driver.Execute(st);
      } catch (const Error& e) {
        outcome.stopped_at = st.index;
        outcome.end =
            e.code() == ExitCode::kInterrupted || Interrupted() ? End::kInterrupted : End::kFailed;
        if (outcome.end == End::kFailed) cause = e;
        break;
      }
      outcome.completed = st.index;
      if (transactional && !driver.in_transaction()) {
        outcome.end = End::kFailed;
        outcome.stopped_at = st.index;
        outcome.ended_by = EndingKeyword(st);
        cause = TransactionEnded(m, st, outcome.ended_by);
        break;
      }
    }
  } catch (const Error& e) {  // the file could not be read or split further
    if (outcome.end == End::kCompleted) outcome.end = End::kFailed;
    cause = e;
  }

  if (outcome.end == End::kCompleted) {
    driver.ScriptLeftSession(source->session());
    row.execution_time = elapsed_ms();
    row.success = true;
    if (run.record) driver.InsertHistory(row);
    if (tx) tx->Commit();
    return row.execution_time;
  }

  // What stays committed, asked before rolling back (afterwards the driver
  // cannot tell).
  if (!outcome.ended_by.empty()) {
    bool rolled_back = outcome.ended_by == "ROLLBACK" || outcome.ended_by == "ABORT";
    if (!rolled_back) {
      outcome.committed = outcome.completed;
    } else {
      outcome.committed = driver.transactional_ddl() ? 0 : driver.LastCommittedStatement();
    }
  } else if (outcome.mode == Mode::kAutocommit) {
    outcome.committed = outcome.completed;
  } else if (outcome.mode == Mode::kTransaction) {
    outcome.committed = driver.LastCommittedStatement();
  } else {
    outcome.committed = 0;
  }
  // Roll back first, then read the rest of the file: locks are held meanwhile.
  if (tx) {
    tx.reset();
    outcome.rollback_incomplete = driver.RollbackWasIncomplete();
  } else if (outcome.mode == Mode::kAutocommit && driver.in_transaction()) {
    // A transaction the script opened itself is rolled back like any other.
    driver.Rollback();
    outcome.rollback_incomplete = driver.RollbackWasIncomplete();
  }
  if (outcome.end == End::kFailed && outcome.stopped_at > 0)
    outcome.total = outcome.stopped_at + CountRemaining(*source);

  std::string progress = Progress(outcome);
  HistoryEntry entry = RecordFor(outcome);
  bool needs_repair = run.record && entry == HistoryEntry::kFailed;
  std::string recorded;
  std::string record_error;
  if (needs_repair) {
    row.success = false;
    row.execution_time = elapsed_ms();
    row.description = FailedRowDescription(m.description, outcome);
    try {
      driver.InsertHistory(row);
      recorded = "; the migration is recorded as failed";
    } catch (const Error& e) {
      // Never lets the recording failure replace the report of the failure.
      record_error =
          "\nthe failed history row could not be written either: " + std::string(e.what()) +
          " - record it by hand before the next migrate";
    }
  }
  std::string version = m.version ? m.version->str() : m.description;
  std::string repair_hint =
      "check what the committed statements changed; revert it by hand, fix " + m.script +
      " and run `flyrun repair` then `flyrun migrate` - or finish it by hand and run `flyrun "
      "repair --mark-applied " +
      version + "`";

  if (outcome.end == End::kInterrupted) {
    std::string where = outcome.stopped_at > 0
                            ? " at statement " + std::to_string(outcome.stopped_at) + " (line " +
                                  std::to_string(st.line) + ", cancelled on the server)"
                            : "";
    std::string ran = outcome.completed == 0 ? ""
                      : outcome.completed == 1
                          ? " (statement 1 had run)"
                          : " (statements 1-" + std::to_string(outcome.completed) + " had run)";
    std::string what = entry != HistoryEntry::kNone ? "; " + progress + recorded
                       : outcome.mode == Mode::kCallerRollsBack
                           ? "; " + progress
                           : "; " + m.script + " was rolled back" + ran +
                                 ": nothing of it stays, nothing recorded";
    std::string message =
        outcome.stopped_at == 0 && outcome.completed == 0 && outcome.ended_by.empty()
            ? "interrupted by signal before " + m.script + " started: nothing of it ran"
            : "interrupted by signal during " + m.script + where + what;
    Error e(ExitCode::kInterrupted, message, needs_repair ? repair_hint : std::string());
    e.file = m.path.string();
    e.detail = record_error.empty() ? std::string() : record_error.substr(1);
    throw e;
  }

  Error failure = cause ? *cause : Error(ExitCode::kMigrationFailed, m.script + " failed");
  if (failure.code() == ExitCode::kMigrationFailed && outcome.stopped_at > 0 &&
      outcome.ended_by.empty()) {
    failure = Annotate(failure, m, st, outcome, transactional, progress + recorded);
  } else if (!progress.empty() && outcome.mode != Mode::kAtomic) {
    failure.detail += (failure.detail.empty() ? "" : "\n") + progress + recorded;
  } else if (!outcome.ended_by.empty()) {
    failure.detail += "\n" + progress + recorded;
  }
  if (needs_repair)
    failure.set_hint(failure.hint().empty() ? repair_hint : failure.hint() + "; " + repair_hint);
  failure.detail += record_error;
  throw failure;
}

}  // namespace flyrun
