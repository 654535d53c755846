#pragma once

#include <string>

namespace flyrun {

/// What running one script did to the database, as far as flyrun can know.
/// executor.cc gathers the facts while it runs the script; RecordFor() and
/// Progress() turn them into the one recording rule and the one report, for
/// success, failure and interruption alike.
struct ScriptOutcome {
  enum class End {
    kCompleted,    ///< every statement ran to its end
    kFailed,       ///< a statement failed, or ended flyrun's transaction itself
    kInterrupted,  ///< a signal stopped the script (between statements or by cancelling one)
  };
  /// How the script's statements were wrapped.
  enum class Mode {
    kAtomic,           ///< one transaction on a database with transactional DDL
    kTransaction,      ///< one transaction, but the database commits DDL on its own (MySQL)
    kAutocommit,       ///< no transaction (`-- flyrun:transaction=false`): each statement commits
    kCallerRollsBack,  ///< inside the caller's transaction (`group`): the caller rolls back
  };

  End end = End::kCompleted;
  Mode mode = Mode::kAtomic;
  int completed = 0;   ///< statements that ran to their end (1..completed)
  int stopped_at = 0;  ///< Statement::index of the statement that failed or was cancelled;
                       ///< 0 when the script stopped between statements
  int total = 0;       ///< statements in the script; 0 when not counted
  /// Statements 1..committed stay in the database whatever flyrun does next:
  /// 0 = nothing (all rolled back), -1 = the database cannot tell.
  int committed = 0;
  std::string committed_why;  ///< e.g. " (MySQL commits DDL implicitly)"
  /// Set when the script's own COMMIT/ROLLBACK ended flyrun's transaction: its keyword.
  std::string ended_by;
  /// Changes to non-transactional tables (MyISAM, Aria) survived the rollback:
  /// what is in the database is unknown and must be checked.
  bool rollback_incomplete = false;
};

enum class HistoryEntry {
  kNone,     ///< the database is as it was before the script: nothing to record
  kSuccess,  ///< the script completed: a success row
  kFailed,   ///< the script stopped and may have left changes: a failed row, so that
             ///< the next migrate refuses until `repair`
};

/// The recording rule.
HistoryEntry RecordFor(const ScriptOutcome& outcome);

/// What the database holds of a script that did not complete, in words:
/// "statements 1-2 were committed (MySQL commits DDL implicitly); statement 3
/// was rolled back". Empty for a completed script.
std::string Progress(const ScriptOutcome& outcome);

/// The short form kept in a failed history row's description, so that the
/// row itself says how far the script got: "failed at statement 3 of 7;
/// 1-2 committed".
std::string ProgressTag(const ScriptOutcome& outcome);

/// A failed row's description: the file's description, cut (between
/// characters, never inside one) so that " (<ProgressTag>)" after it still
/// fits the history column.
std::string FailedRowDescription(const std::string& description, const ScriptOutcome& outcome);

}  // namespace flyrun
