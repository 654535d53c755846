#include "commands/executor.h"

#include <chrono>

#include "commands/output.h"
#include "core/error.h"
#include "core/interrupt.h"

namespace flyrun {
namespace {

std::string FirstLine(const std::string& sql) {
  auto nl = sql.find('\n');
  std::string line = sql.substr(0, nl);
  if (line.size() > 120) line = line.substr(0, 117) + "...";
  return line;
}

/// Rewrites a driver error as a migration error that points into the file.
/// What a failed non-atomic script left behind: `committed` is the index of the
/// last statement the database committed on its own (-1 = unknown, so every
/// statement before the failing one may be).
std::string CommittedReport(const Statement& st, int committed, const std::string& dialect_note) {
  int before = st.index - 1;
  auto range = [](int from, int to) {
    return from == to ? "statement " + std::to_string(from)
                      : "statements " + std::to_string(from) + "-" + std::to_string(to);
  };
  if (before == 0) return "no statement of this script ran before it";
  if (committed < 0) {
    return range(1, before) + " of this script ran before it and " +
           (before == 1 ? "was" : "were") + " committed" + dialect_note;
  }
  if (committed == 0) {
    return range(1, before) + " of this script ran before it and " +
           (before == 1 ? "was" : "were") + " rolled back: nothing was committed";
  }
  std::string out =
      range(1, committed) + (committed == 1 ? " was" : " were") + " committed" + dialect_note;
  if (committed < before) {
    out += "; " + range(committed + 1, before) + (committed + 1 == before ? " was" : " were") +
           " rolled back";
  }
  return out;
}

Error Annotate(const Error& cause, const ResolvedMigration& m, const Statement& st, int total,
               bool transactional, bool partial, int committed, const std::string& dialect_note) {
  int line = st.line + (cause.line > 0 ? cause.line - 1 : 0);
  int column =
      cause.line > 1 ? cause.column : (cause.column > 0 ? st.column + cause.column - 1 : st.column);
  std::string file = m.path.string();
  std::string msg = Location(file, line, 0) + ": " + cause.what();
  std::string hint = cause.hint();
  std::string detail = "statement " + std::to_string(st.index) + " of " + std::to_string(total) +
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
  } else if (partial) {
    detail += "\n" + CommittedReport(st, committed, dialect_note);
    if (committed != 0 && st.index > 1) {
      detail += "; the migration is recorded as failed";
      std::string version = m.version ? m.version->str() : m.description;
      std::string fix = "check what the committed statements changed; revert it by hand, fix " +
                        m.script +
                        " and run `flyrun repair` then `flyrun migrate` - or finish it "
                        "by hand and run `flyrun repair --mark-applied " +
                        version + "`";
      hint = hint.empty() ? fix : hint + "; " + fix;
    }
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
  SplitOptions opts = SplitOptionsFor(ctx.config, driver.dialect());
  opts.placeholders = PlaceholdersFor(ctx.config, session.user, session.database, m.script);
  auto source = StatementSource::Open(m.path.string(), opts);
  bool transactional = source->directives().transactional;
  if (run.in_group && !transactional) {
    throw Error(ExitCode::kValidation,
                m.script +
                    " runs outside a transaction (-- flyrun:transaction=false) and cannot "
                    "be part of a group",
                "apply it without group: true, or remove the directive");
  }
  bool atomic = transactional && driver.transactional_ddl();

  AppliedMigration row;
  if (m.version) row.version = m.version->str();
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
  Statement st;
  try {
    while (source->Next(st)) {
      // A script that cannot be rolled back is finished rather than cut short.
      if (atomic) ThrowIfInterrupted();
      try {
        driver.Execute(st);
      } catch (const Error& cause) {
        if (cause.code() != ExitCode::kMigrationFailed) throw;
        if (Interrupted()) {  // the driver aborted the statement because of the signal
          tx.reset();
          if (!atomic && run.record) {  // part of it may be committed: never silently
            row.success = false;
            row.execution_time = elapsed_ms();
            driver.InsertHistory(row);
          }
          throw Error(ExitCode::kInterrupted,
                      "interrupted by signal during " + m.script + (atomic ? "; rolled back" : ""));
        }
        int total = st.index + CountRemaining(*source);
        // Ask before rolling back: afterwards the driver cannot tell.
        int committed = !atomic && tx ? driver.LastCommittedStatement() : -1;
        Error annotated = Annotate(
            cause, m, st, total, transactional, !atomic, committed,
            driver.transactional_ddl() ? std::string() : " (MySQL commits DDL implicitly)");
        tx.reset();  // roll back what can be rolled back
        // Nothing committed means nothing to repair: the database is as before.
        bool left_changes = st.index > 1 && committed != 0;
        if (!atomic && run.record && left_changes) {
          row.success = false;
          row.execution_time = elapsed_ms();
          driver.InsertHistory(row);
        }
        throw annotated;
      }
    }
    ThrowIfInterrupted();
    row.execution_time = elapsed_ms();
    row.success = true;
    if (run.record) driver.InsertHistory(row);
    if (tx) tx->Commit();
  } catch (const Error& e) {
    if (e.code() == ExitCode::kInterrupted || e.code() == ExitCode::kValidation) {
      tx.reset();
      if (e.code() == ExitCode::kValidation && !atomic && run.record) {
        row.success = false;
        row.execution_time = elapsed_ms();
        driver.InsertHistory(row);
      }
    }
    throw;
  }
  return row.execution_time;
}

}  // namespace flyrun
