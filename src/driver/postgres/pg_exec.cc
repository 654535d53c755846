#include "driver/postgres/pg_exec.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "core/interrupt.h"

namespace flyrun::pg {
namespace {

struct ResultClear {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultClear>;

std::string Field(const PGresult* r, int code) {
  const char* v = PQresultErrorField(r, code);
  return v ? std::string(v) : std::string();
}

std::string TrimRight(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

Error LostConnection(PGconn* conn, const RunOptions& options) {
  std::string why = TrimRight(PQerrorMessage(conn));
  std::string where = options.display_url.empty() ? "the database" : options.display_url;
  return Error(ExitCode::kConnect,
               "lost the connection to " + where + (why.empty() ? std::string() : ": " + why));
}

constexpr char kQueryCanceled[] = "57014";

// Asks the server to cancel what runs on `conn`. The statement then ends with
// SQLSTATE 57014; one that completed before the request arrived is not
// affected, and a cancel that reaches an idle backend is ignored by it.
void SendCancel(PGconn* conn) {
  PGcancel* cancel = PQgetCancel(conn);
  if (!cancel) return;
  char buf[256];
  PQcancel(cancel, buf, sizeof buf);
  PQfreeCancel(cancel);
}

// Whether a cancel request went out for the running statement, and when.
struct Cancel {
  bool sent = false;
  std::chrono::steady_clock::time_point at;
};

// Waits at most 100 ms for the server and reads what it sent. A signal
// interrupts poll() (the handlers are installed without SA_RESTART), so the
// cancel goes out at once when the caller allows it. A cancel that reached
// the backend before the statement did is ignored by it, so while the
// statement still runs the request is repeated every half second.
bool WaitReadable(PGconn* conn, bool cancel_on_interrupt, Cancel& cancel) {
  auto now = std::chrono::steady_clock::now();
  if (cancel_on_interrupt && Interrupted() &&
      (!cancel.sent || now - cancel.at >= std::chrono::milliseconds(500))) {
    SendCancel(conn);
    cancel.sent = true;
    cancel.at = now;
  }
  pollfd p{PQsocket(conn), POLLIN, 0};
  int n = poll(&p, 1, 100);
  if (n < 0 && errno != EINTR) return false;
  return PQconsumeInput(conn) == 1;
}

bool WaitForResult(PGconn* conn, bool cancel_on_interrupt, Cancel& cancel) {
  while (PQisBusy(conn)) {
    if (!WaitReadable(conn, cancel_on_interrupt, cancel)) return false;
  }
  return true;
}

// Reads and discards `COPY ... TO stdout` output without blocking: a query
// that is slow to produce rows can be cancelled too.
bool DrainCopyOut(PGconn* conn, bool cancel_on_interrupt, Cancel& cancel) {
  for (;;) {
    char* buf = nullptr;
    int n = PQgetCopyData(conn, &buf, /*async=*/1);
    if (buf) PQfreemem(buf);
    if (n > 0) continue;
    if (n == -1) return true;  // done; the final result follows
    if (n == -2) return false;
    if (!WaitReadable(conn, cancel_on_interrupt, cancel)) return false;
  }
}

// Feeds COPY data; returns false when the connection failed.
bool FeedCopy(PGconn* conn, CopyData* copy, bool cancel_on_interrupt, Cancel& cancel) {
  if (!copy) {
    return PQputCopyEnd(conn, "the script has no data for COPY ... FROM stdin") == 1;
  }
  std::string chunk;
  while (copy->Next(chunk)) {
    if (cancel_on_interrupt && Interrupted()) {
      cancel.sent = true;
      return PQputCopyEnd(conn, "interrupted by signal") == 1;
    }
    size_t offset = 0;
    while (offset < chunk.size()) {
      int n = static_cast<int>(std::min<size_t>(chunk.size() - offset, 1 << 20));
      if (PQputCopyData(conn, chunk.data() + offset, n) != 1) return false;
      offset += static_cast<size_t>(n);
    }
  }
  return PQputCopyEnd(conn, nullptr) == 1;
}

}  // namespace

PositionUnit PositionUnitOf(const PGconn* conn) {
  const char* server = PQparameterStatus(conn, "server_encoding");
  const char* client = PQparameterStatus(conn, "client_encoding");
  if (server && std::strcmp(server, "SQL_ASCII") == 0) return PositionUnit::kBytes;
  if (client && std::strcmp(client, "UTF8") == 0) return PositionUnit::kUtf8Chars;
  return PositionUnit::kBytes;
}

void LocatePosition(std::string_view sql, long position, PositionUnit unit, int& line,
                    int& column) {
  size_t offset = 0;  // byte offset of the position's character
  long chars = 1;
  while (offset < sql.size() && chars < position) {
    ++offset;
    if (unit == PositionUnit::kUtf8Chars) {
      while (offset < sql.size() && (static_cast<unsigned char>(sql[offset]) & 0xC0) == 0x80)
        ++offset;
    }
    ++chars;
  }
  line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (sql[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  column = static_cast<int>(offset - line_start) + 1;
}

Error ErrorFromResult(const PGresult* result, std::string_view sql, PositionUnit unit,
                      size_t prefix_length) {
  std::string message = Field(result, PG_DIAG_MESSAGE_PRIMARY);
  if (message.empty()) message = TrimRight(PQresultErrorMessage(result));
  if (message.empty()) message = "the statement failed";
  std::string detail = Field(result, PG_DIAG_MESSAGE_DETAIL);
  std::string context = Field(result, PG_DIAG_CONTEXT);
  if (!context.empty()) detail += (detail.empty() ? "" : "\n") + std::string("CONTEXT: ") + context;
  Error e(ExitCode::kMigrationFailed, message, Field(result, PG_DIAG_MESSAGE_HINT));
  e.sqlstate = Field(result, PG_DIAG_SQLSTATE);
  e.detail = detail;
  std::string position = Field(result, PG_DIAG_STATEMENT_POSITION);
  if (!position.empty()) {
    // The server counts from the start of the whole string; our prefix is ASCII.
    long p = std::strtol(position.c_str(), nullptr, 10) - static_cast<long>(prefix_length);
    sql.remove_prefix(std::min(prefix_length, sql.size()));
    if (p > 0) LocatePosition(sql, p, unit, e.line, e.column);
  }
  return e;
}

void RunSql(PGconn* conn, const std::string& sql, CopyData* copy, const RunOptions& options) {
  RunOptions opts = options;
  if (!conn || PQstatus(conn) != CONNECTION_OK) throw LostConnection(conn, opts);
  if (!PQsendQuery(conn, sql.c_str())) throw LostConnection(conn, opts);

  Cancel cancel;
  ResultPtr first_error;
  for (;;) {
    if (!WaitForResult(conn, opts.cancel_on_interrupt, cancel)) throw LostConnection(conn, opts);
    ResultPtr result(PQgetResult(conn));
    if (!result) break;
    switch (PQresultStatus(result.get())) {
      case PGRES_COPY_IN: {
        bool fed = false;
        try {
          fed = FeedCopy(conn, first_error ? nullptr : copy, opts.cancel_on_interrupt, cancel);
        } catch (...) {
          // The script could not be read to the end of its data (the
          // splitter's error goes on): end the COPY so the connection stays
          // usable for the rollback.
          PQputCopyEnd(conn, "flyrun stopped reading the COPY data");
          while (PGresult* rest = PQgetResult(conn)) PQclear(rest);
          throw;
        }
        if (!fed) throw LostConnection(conn, opts);
        break;
      }
      case PGRES_COPY_OUT:
        if (!DrainCopyOut(conn, opts.cancel_on_interrupt, cancel)) throw LostConnection(conn, opts);
        break;
      case PGRES_BAD_RESPONSE:
      case PGRES_NONFATAL_ERROR:
      case PGRES_FATAL_ERROR:
        if (!first_error) first_error = std::move(result);
        break;
      default:
        break;
    }
  }
  if (PQstatus(conn) != CONNECTION_OK) throw LostConnection(conn, opts);
  // Interrupted only when the cancel did end the statement: one that completed
  // first (or failed on its own) is reported as it happened.
  if (cancel.sent && first_error && Field(first_error.get(), PG_DIAG_SQLSTATE) == kQueryCanceled) {
    throw Error(ExitCode::kInterrupted,
                "interrupted by signal: the statement was cancelled on the server");
  }
  if (first_error) {
    // Asked now: a migration may have changed client_encoding.
    throw ErrorFromResult(first_error.get(), sql, PositionUnitOf(conn), opts.prefix_length);
  }
}

void RunQuietly(PGconn* conn, const char* sql) noexcept {
  if (!conn || PQstatus(conn) != CONNECTION_OK) return;
  PQclear(PQexec(conn, sql));
}

}  // namespace flyrun::pg
