#pragma once

#include <libpq-fe.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/statement.h"

namespace flyrun::pg {

/// How the server counts PG_DIAG_STATEMENT_POSITION for this session: in
/// characters of the server encoding, which are UTF-8 code points of what we
/// send unless the server does no conversion (SQL_ASCII) or the client encoding
/// is single-byte.
enum class PositionUnit { kBytes, kUtf8Chars };
PositionUnit PositionUnitOf(const PGconn* conn);

/// Converts a 1-based server position inside `sql` into a 1-based line (1 = the
/// first line of `sql`) and a 1-based byte column. Positions past the end point
/// at the end.
void LocatePosition(std::string_view sql, long position, PositionUnit unit, int& line, int& column);

/// Error(kMigrationFailed) from a failed result: the primary message, sqlstate,
/// DETAIL (and CONTEXT) in detail, HINT as the hint, and line/column when the
/// server reports a position, relative to what follows the first
/// `prefix_length` bytes of `sql` (SQL of ours sent ahead of the statement).
Error ErrorFromResult(const PGresult* result, std::string_view sql, PositionUnit unit,
                      size_t prefix_length = 0);

/// What RunSql needs besides the statement.
struct RunOptions {
  /// Cancel the running statement on the server when SIGINT/SIGTERM arrives
  /// and throw Error(kInterrupted) once the server confirms it (a statement
  /// that completed before the cancel reached it is not reported as
  /// cancelled). For the statements of scripts; our own SQL (COMMIT, history
  /// rows) runs to its end.
  bool cancel_on_interrupt = false;
  /// Where the connection leads, shown when it is lost (password redacted).
  std::string display_url;
  /// Bytes of our own (ASCII) SQL sent ahead of the statement in the same
  /// string ("BEGIN; "): error positions are made relative to what follows.
  size_t prefix_length = 0;
};

/// Runs `sql` with the simple query protocol (so it may be any statement,
/// CREATE INDEX CONCURRENTLY and multi-statement strings included). When the
/// server asks for `COPY ... FROM stdin` data it is streamed from `copy` chunk
/// by chunk with PQputCopyData (never held whole); without `copy` the COPY is
/// ended with an error. `COPY ... TO stdout` output is read and discarded.
/// Waiting for the server never blocks a signal out: with cancel_on_interrupt
/// the statement is cancelled within a poll interval (100 ms) of the signal.
///
/// Throws Error(kMigrationFailed) for an SQL error (the first one reported),
/// Error(kConnect) when the connection is lost, Error(kInterrupted) when the
/// statement was cancelled because of a signal.
void RunSql(PGconn* conn, const std::string& sql, CopyData* copy, const RunOptions& options);

/// Runs a statement of ours and ignores its outcome; never throws. For
/// ROLLBACK and unlocking on error paths and in destructors.
void RunQuietly(PGconn* conn, const char* sql) noexcept;

}  // namespace flyrun::pg
