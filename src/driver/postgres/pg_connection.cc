#include "driver/postgres/pg_connection.h"

#include <poll.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <new>
#include <pqxx/except>

#include "core/error.h"
#include "core/interrupt.h"

namespace flyrun::pg {
namespace {

/// Connects without blocking (PQconnectStart/PQconnectPoll) so that the
/// deadline holds to the millisecond whatever the server does (a listener that
/// never answers included) and a signal ends the wait.
PGconn* ConnectBefore(const std::string& conninfo, std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  // 0 means no limit, as for libpq.
  auto deadline = timeout.count() > 0 ? Clock::now() + timeout : Clock::time_point::max();
  PGconn* conn = PQconnectStart(conninfo.c_str());
  if (!conn) throw std::bad_alloc();
  auto fail = [conn](const std::string& message) {
    PQfinish(conn);
    throw pqxx::broken_connection(message);
  };
  if (PQstatus(conn) == CONNECTION_BAD) fail(PQerrorMessage(conn));
  PostgresPollingStatusType status = PGRES_POLLING_WRITING;
  while (status != PGRES_POLLING_OK) {
    if (status == PGRES_POLLING_FAILED) fail(PQerrorMessage(conn));
    pollfd fd{PQsocket(conn),
              static_cast<short>(status == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
    while (true) {
      if (Interrupted()) {
        PQfinish(conn);
        ThrowIfInterrupted();
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) {
        fail("timeout expired after " + std::to_string(timeout.count()) +
             " ms (connect_timeout) without an answer from the server");
      }
      int ready = poll(&fd, 1, static_cast<int>(std::min<long long>(left.count(), 100)));
      if (ready > 0) break;
      if (ready < 0 && errno != EINTR) fail("poll() failed while connecting");
    }
    status = PQconnectPoll(conn);
  }
  return conn;
}

}  // namespace

pqxx::connectionpolicy::handle Connection::Policy::do_startconnect(handle orig) {
  if (orig) return orig;
  if (connected_once_) throw pqxx::broken_connection("the connection to the server was lost");
  handle_ = ConnectBefore(options(), timeout_);
  connected_once_ = true;
  return handle_;
}

pqxx::connectionpolicy::handle Connection::Policy::do_disconnect(handle orig) noexcept {
  handle_ = nullptr;
  return pqxx::connectionpolicy::do_disconnect(orig);
}

namespace {

void LogNotice(void*, const PGresult* notice) noexcept {
  try {
    const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
    const char* shown = PQresultErrorField(notice, PG_DIAG_SEVERITY);
    const char* message = PQresultErrorField(notice, PG_DIAG_MESSAGE_PRIMARY);
    if (!message) return;
    std::string level = severity ? severity : "NOTICE";
    std::string text = message;
    if (const char* detail = PQresultErrorField(notice, PG_DIAG_MESSAGE_DETAIL))
      text += std::string(" (") + detail + ")";
    if (level == "WARNING") {
      spdlog::warn("{}", text);  // the log level already says it
    } else if (level.rfind("DEBUG", 0) == 0) {
      spdlog::debug("{}: {}", shown ? shown : level.c_str(), text);
    } else {
      spdlog::info("{}: {}", shown ? shown : level.c_str(), text);
    }
  } catch (...) {
    // Logging must never take the connection down.
  }
}

}  // namespace

// The base class keeps a reference to policy_ and only uses it from init(),
// after every member is constructed (the same pattern as pqxx::basic_connection).
Connection::Connection(const std::string& conninfo, std::chrono::milliseconds timeout)
    : pqxx::connection_base(policy_), policy_(conninfo, timeout) {
  init();
  PQsetNoticeReceiver(raw(), LogNotice, nullptr);
}

Connection::~Connection() noexcept { close(); }

}  // namespace flyrun::pg
