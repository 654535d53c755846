#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace sql {
class Connection;
class SQLException;
}  // namespace sql

namespace flyrun {

/// A server error as a flyrun Error: kMigrationFailed with the server message,
/// vendor_code and sqlstate, and `line` (relative to the statement's first line)
/// when the server reports one ("... at line 3").
Error MysqlSqlError(const sql::SQLException& e);

/// One connection and the way flyrun talks over it: every call sends one
/// statement and reads every result it produces (CALL can return several), so
/// the connection is never left "out of sync". Methods throw flyrun::Error.
/// Shared by the driver and its lock guard, so the guard can release the lock
/// even if it outlives the driver.
class MysqlSession {
 public:
  using Row = std::vector<std::optional<std::string>>;

  explicit MysqlSession(std::unique_ptr<sql::Connection> connection);
  ~MysqlSession();
  MysqlSession(const MysqlSession&) = delete;
  MysqlSession& operator=(const MysqlSession&) = delete;

  /// Runs `sql`, discarding any rows.
  void Run(const std::string& sql);
  /// Runs `sql` and returns the rows of its first result set as text (NULL = nullopt).
  std::vector<Row> Query(const std::string& sql);
  /// Runs one statement that changes rows; returns how many it changed.
  int64_t Update(const std::string& sql);
  /// The first column of the first row; nullopt when NULL or no row.
  std::optional<std::string> Scalar(const std::string& sql);

 private:
  std::unique_ptr<sql::Connection> connection_;
};

}  // namespace flyrun
