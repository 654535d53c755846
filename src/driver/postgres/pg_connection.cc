#include "driver/postgres/pg_connection.h"

#include <spdlog/spdlog.h>

#include <pqxx/except>

namespace flyrun::pg {

pqxx::connectionpolicy::handle Connection::Policy::do_startconnect(handle orig) {
  if (orig) return orig;
  if (connected_once_) throw pqxx::broken_connection("the connection to the server was lost");
  handle_ = normalconnect(orig);
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
Connection::Connection(const std::string& conninfo)
    : pqxx::connection_base(policy_), policy_(conninfo) {
  init();
  PQsetNoticeReceiver(raw(), LogNotice, nullptr);
}

Connection::~Connection() noexcept { close(); }

}  // namespace flyrun::pg
