#pragma once

#include <memory>
#include <string>

#include "driver/driver.h"

namespace flyrun {

/// Picks the driver by URL scheme (sqlite:, postgresql:/postgres:, mysql:/mariadb:)
/// and connects, retrying connection failures (never authentication failures)
/// connect_retries times. Throws Error(kUsage) for an unknown scheme or a driver
/// not built in, Error(kConnect) when the connection fails.
std::unique_ptr<Driver> OpenDriver(const ConnectionOptions& options);

/// The scheme's dialect without connecting; throws Error(kUsage) as OpenDriver.
Dialect DialectOfUrl(const std::string& url);

}  // namespace flyrun
