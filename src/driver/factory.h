#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/error.h"
#include "driver/driver.h"

namespace flyrun {

/// What a server that refuses writes (Driver::ReadOnlyReason()) means to the caller.
enum class ReadOnlyServer {
  kAccept,  ///< info, validate: it is read, not changed
  kRefuse,  ///< commands that change the database: fail at once (ReadOnlyError), no retries
  kAwait,   ///< wait, exec: retry it like a failed connection until the deadline (a
            ///< failover may be under way)
};

/// Error(kConnect), sqlstate 25006, for a read-only server: says so, why, and
/// how to reach the primary (target_session_attrs=read-write with every host).
Error ReadOnlyError(const std::string& url, Dialect dialect, const std::string& reason);

/// Picks the driver by URL scheme (sqlite:, postgresql:/postgres:, mysql:/mariadb:)
/// and connects, retrying connection failures (never authentication failures)
/// connect_retries times, each attempt limited to connect_timeout. With a
/// non-zero `deadline` (from now) it gives up when that has passed: each
/// attempt's connect_timeout is cut to the time left and no retry starts after
/// it. Throws Error(kUsage) for an unknown scheme or a driver not built in,
/// Error(kConnect) when the connection fails. `on_read_only` says what a
/// server that refuses writes means.
std::unique_ptr<Driver> OpenDriver(const ConnectionOptions& options,
                                   std::chrono::milliseconds deadline = {},
                                   ReadOnlyServer on_read_only = ReadOnlyServer::kAccept);

/// The scheme's dialect without connecting; throws Error(kUsage) as OpenDriver.
Dialect DialectOfUrl(const std::string& url);

/// Held by a thread other than main for as long as it opens and uses
/// connections (a fleet's worker threads): sets up and releases the client
/// libraries' per-thread state (MySQL's).
class DriverThread {
 public:
  DriverThread();
  ~DriverThread();
  DriverThread(const DriverThread&) = delete;
  DriverThread& operator=(const DriverThread&) = delete;

 private:
  std::shared_ptr<void> state_;
};

}  // namespace flyrun
