#pragma once

#include <memory>

#include "driver/driver.h"

namespace flyrun {

/// Connects once (no retries: the factory retries). Throws Error(kConnect) when
/// the server cannot be reached, with sqlstate "28000" (class 28) for
/// authentication failures so they are not retried.
std::unique_ptr<Driver> OpenMysql(const ConnectionOptions& options);

}  // namespace flyrun
