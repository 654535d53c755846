#pragma once

#include <chrono>
#include <memory>

#include "driver/mysql/mysql_session.h"
#include "driver/mysql/mysql_url.h"

namespace flyrun {

/// Connects to `target` with the connector's options for its TLS mode, charset
/// and timeout (the shorter of the URL's connect-timeout and `timeout`), one statement per
/// call, no automatic reconnect. Throws Error(kConnect) naming the target
/// without its password; authentication failures carry sqlstate "28000".
std::shared_ptr<MysqlSession> ConnectMysql(const MysqlTarget& target,
                                           std::chrono::milliseconds timeout);

/// The client library's per-thread state, for a thread other than the one
/// that first connected (the connector's legacy API needs threadInit before a
/// thread's first connection and threadEnd when it is done): set up while
/// the object lives.
class MysqlThreadScope {
 public:
  MysqlThreadScope();
  ~MysqlThreadScope();
  MysqlThreadScope(const MysqlThreadScope&) = delete;
  MysqlThreadScope& operator=(const MysqlThreadScope&) = delete;
};

}  // namespace flyrun
