#pragma once

#include <string>

namespace flyrun {

/// Pulls the data lines of a `COPY ... FROM stdin` statement, in chunks, up to
/// (not including) the terminating "\." line. Data is never held whole.
class CopyData {
 public:
  virtual ~CopyData() = default;
  /// Appends the next chunk to `out` (after clearing it); false at the end.
  virtual bool Next(std::string& out) = 0;
};

/// One statement yielded by a StatementSource.
struct Statement {
  std::string sql;  ///< text as sent to the server: delimiter removed, placeholders replaced
  int line = 1;     ///< 1-based line of the statement's first significant character
  int column = 1;   ///< 1-based column (bytes) of that character
  int index = 0;    ///< 1-based number of the statement in its file
  /// Set when the statement cannot run inside a transaction (CREATE INDEX
  /// CONCURRENTLY, VACUUM, ...): a short reason such as "CREATE INDEX CONCURRENTLY".
  std::string non_transactional;
  /// Set when the statement controls the transaction itself at the top level of
  /// the script: the upper-case keyword(s), "BEGIN", "START TRANSACTION",
  /// "COMMIT", "END", "ROLLBACK" or "ABORT" (not ROLLBACK TO SAVEPOINT, not a
  /// BEGIN that opens a block or a trigger/procedure body).
  std::string transaction_control;
  /// Non-null for `COPY ... FROM stdin`: the data follows. Valid until the next
  /// call to StatementSource::Next; unread data is skipped by the source.
  CopyData* copy_data = nullptr;
};

}  // namespace flyrun
