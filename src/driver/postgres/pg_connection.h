#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <pqxx/connection_base>
#include <pqxx/connectionpolicy>
#include <string>

namespace flyrun::pg {

/// A libpqxx connection that also exposes its libpq handle, for what libpqxx 6
/// does not offer: raw `COPY ... FROM stdin`, the fields of an error (position,
/// DETAIL, HINT) and cancelling a running statement.
///
/// Server notices (RAISE NOTICE, WARNING...) go to the log: warnings as
/// warnings, the rest at info level (debug for DEBUG messages).
///
/// Unlike pqxx::connection it never reconnects behind our back: a new session
/// would silently lose the advisory lock and the session settings, so a lost
/// connection stays lost (pqxx::broken_connection).
class Connection final : public pqxx::connection_base {
 public:
  /// Connects with a libpq key='value' string, giving up after `timeout` (to
  /// the millisecond, all hosts and addresses together, unlike libpq's own
  /// connect_timeout: whole seconds, at least 2, per address); throws
  /// pqxx::broken_connection with libpq's message on failure, Error(kInterrupted)
  /// when a signal arrives while connecting.
  Connection(const std::string& conninfo, std::chrono::milliseconds timeout);
  ~Connection() noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// The libpq handle; null once the connection is closed.
  PGconn* raw() const noexcept { return policy_.raw(); }

 private:
  class Policy final : public pqxx::connectionpolicy {
   public:
    Policy(const std::string& conninfo, std::chrono::milliseconds timeout)
        : pqxx::connectionpolicy(conninfo), timeout_(timeout) {}
    handle do_startconnect(handle orig) override;
    handle do_disconnect(handle orig) noexcept override;
    PGconn* raw() const noexcept { return handle_; }

   private:
    std::chrono::milliseconds timeout_;
    PGconn* handle_ = nullptr;
    bool connected_once_ = false;
  };

  Policy policy_;
};

}  // namespace flyrun::pg
