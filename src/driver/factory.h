#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "driver/driver.h"

namespace flyrun {

/// Picks the driver by URL scheme (sqlite:, postgresql:/postgres:, mysql:/mariadb:)
/// and connects, retrying connection failures (never authentication failures)
/// connect_retries times, each attempt limited to connect_timeout. With a
/// non-zero `deadline` (from now) it gives up when that has passed: each
/// attempt's connect_timeout is cut to the time left and no retry starts after
/// it. Throws Error(kUsage) for an unknown scheme or a driver not built in,
/// Error(kConnect) when the connection fails.
std::unique_ptr<Driver> OpenDriver(const ConnectionOptions& options,
                                   std::chrono::milliseconds deadline = {});

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
